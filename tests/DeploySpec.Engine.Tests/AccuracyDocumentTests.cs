using System.IO;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class AccuracyDocumentTests
{
    [Fact]
    public void Docs_accuracy_md_is_what_the_current_model_reports()
    {
        var report = Calibrator.Report(CalibrationData.All(), CostCalibration.Default);
        string expected = AccuracyMarkdown.Write(report);
        string path = Path.Combine(CalibrationTests.RepositoryRoot(), "docs", "accuracy.md");
        string actual = File.ReadAllText(path).Replace("\r\n", "\n");
        int crossValidation = actual.IndexOf(AccuracyMarkdown.CrossValidationHeading, StringComparison.Ordinal);
        Assert.True(crossValidation > 0, "docs/accuracy.md has no cross-validation section: append `-- crossvalidate`'s output.");
        Assert.True(expected == actual.Substring(0, crossValidation),
            "docs/accuracy.md is stale: regenerate it with `dotnet run --project tools/DeploySpec.Calibration -- accuracy > docs/accuracy.md` " +
            "and append `dotnet run -c Release --project tools/DeploySpec.Calibration -- crossvalidate >> docs/accuracy.md`.");
    }

    [Fact]
    public void The_band_estimates_carry_is_the_one_the_cross_validation_on_the_page_set()
    {
        string path = Path.Combine(CalibrationTests.RepositoryRoot(), "docs", "accuracy.md");
        string page = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(page.EndsWith(AccuracyMarkdown.BandTable(CostCalibration.Default.Band), StringComparison.Ordinal),
            "CostCalibration.Default.Band and the band table docs/accuracy.md ends with differ: store the band `-- crossvalidate` printed, " +
            "or regenerate the page's cross-validation section.");
    }
}
