using System.IO;
using System.Reflection;
using DeploySpec.Calibration;
using DeploySpec.Cost;
using DeploySpec.Engine.Cost;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Engine.Tests;

public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Model_fits_the_calibration_measurements_with_a_median_error_under_15_percent()
    {
        var report = Calibrator.Report(CalibrationData.TrtLlmOfflineMaxThroughput(), CostCalibration.Default);
        foreach (var p in report.Points)
        {
            output.WriteLine($"{p.Point.Label,-42} measured {p.Point.MeasuredOutputTokensPerSecond,9:F0} predicted {p.PredictedOutputTokensPerSecond,9:F0} tok/s ({p.RelativeError,7:P1})");
        }

        output.WriteLine($"median |error| = {report.MedianAbsoluteRelativeError:P1} over {report.Points.Count} runs");
        Assert.Equal(27, report.Points.Count);
        Assert.True(report.MedianAbsoluteRelativeError <= 0.15, $"median |error| {report.MedianAbsoluteRelativeError:P1}");
    }

    [Fact]
    public void Stored_calibration_is_what_the_fit_produces_from_the_data()
    {
        var fitted = Calibrator.Fit(CalibrationData.TrtLlmOfflineMaxThroughput());
        var stored = CostCalibration.Default;
        AssertClose(fitted.MatmulEfficiency, stored.MatmulEfficiency);
        AssertClose(fitted.WeightStreamEfficiency, stored.WeightStreamEfficiency);
        AssertClose(fitted.KvStreamEfficiency, stored.KvStreamEfficiency);
        AssertClose(fitted.CollectiveBandwidthEfficiency, stored.CollectiveBandwidthEfficiency);
        AssertClose(fitted.CollectiveLatencySeconds, stored.CollectiveLatencySeconds);
        AssertClose(fitted.StepOverheadSeconds, stored.StepOverheadSeconds);
    }

    [Fact]
    public void Fitted_efficiencies_stay_within_measured_physical_ceilings()
    {
        var c = CostCalibration.Default;
        Assert.InRange(c.MatmulEfficiency, 0.2, Calibrator.MaxMatmulEfficiency);
        Assert.InRange(c.WeightStreamEfficiency, 0.2, Calibrator.MaxBandwidthEfficiency);
        Assert.InRange(c.KvStreamEfficiency, 0.2, Calibrator.MaxBandwidthEfficiency);
        Assert.InRange(c.CollectiveBandwidthEfficiency, 0.2, Calibrator.MaxBandwidthEfficiency);
    }

    [Fact]
    public void Embedded_calibration_data_is_identical_to_the_shared_calibration_folder()
    {
        string root = RepositoryRoot();
        string shared = Path.GetFullPath(Path.Combine(root, "..", "shared", "calibration", "trtllm-offline-max-throughput.csv"));
        string embedded = Path.Combine(root, "tools", "DeploySpec.Calibration", "trtllm-offline-max-throughput.csv");
        Assert.True(File.Exists(embedded));
        if (!File.Exists(shared))
        {
            output.WriteLine($"{shared} is not present on this machine; compared nothing.");
            return;
        }

        Assert.Equal(File.ReadAllText(shared), File.ReadAllText(embedded));
    }

    [Fact]
    public void Csv_parser_rejects_malformed_rows()
    {
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 3.1 8B,H200,1,1,1,FP8,128,128"));
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 9,H200,1,1,1,FP8,128,128,1.0"));
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 3.1 8B,V100,1,1,1,FP8,128,128,1.0"));
    }

    internal static string RepositoryRoot() =>
        typeof(CalibrationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected:R}, stored {actual:R}");
}
