using System;
using System.Globalization;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var data = CalibrationData.All();
switch (args.Length == 1 ? args[0] : "")
{
    case "accuracy":
        // dotnet run --project tools/DeploySpec.Calibration -- accuracy > docs/accuracy.md (then append crossvalidate's output)
        Console.Out.Write(AccuracyMarkdown.Write(Calibrator.Report(data, CostCalibration.Default)));
        return 0;
    case "fit":
        // The values to store in CostCalibration.Default (CalibrationTests fails when they drift).
        var fitted = Calibrator.Fit(data);
        Console.WriteLine(fitted);
        Console.Out.Write(AccuracyMarkdown.Write(Calibrator.Report(data, fitted)));
        return 0;
    case "crossvalidate":
        // Refit with each group left out and predict it; prints the section docs/accuracy.md ends with and the band.
        var folds = Calibrator.CrossValidate(data);
        var kfold = Calibrator.KFold(data);
        var band = Calibrator.Band(folds, kfold);
        Console.Out.Write(AccuracyMarkdown.WriteCrossValidation(folds, kfold, band));
        Console.Error.WriteLine(band);
        return 0;
    default:
        Console.Error.WriteLine("Usage: dotnet run --project tools/DeploySpec.Calibration -- accuracy | fit | crossvalidate");
        return 2;
}
