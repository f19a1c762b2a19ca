using System;
using System.Globalization;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var data = CalibrationData.TrtLlmOfflineMaxThroughput();
switch (args.Length == 1 ? args[0] : "")
{
    case "accuracy":
        // dotnet run --project tools/DeploySpec.Calibration -- accuracy > docs/accuracy.md
        Console.Out.Write(AccuracyMarkdown.Write(Calibrator.Report(data, CostCalibration.Default)));
        return 0;
    case "fit":
        // The values to store in CostCalibration.Default (CalibrationTests fails when they drift).
        var fitted = Calibrator.Fit(data);
        Console.WriteLine(fitted);
        Console.Out.Write(AccuracyMarkdown.Write(Calibrator.Report(data, fitted)));
        return 0;
    default:
        Console.Error.WriteLine("Usage: dotnet run --project tools/DeploySpec.Calibration -- accuracy | fit");
        return 2;
}
