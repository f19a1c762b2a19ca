using System;
using System.Linq;
using System.Globalization;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var data = CalibrationData.All();
const string ResidualHeader = "file\tengine\tmodel\tgpu\tgpus\ttp\tpp\tep\tweights\tisl\tosl\tconcurrency\tmetric\tmeasured\tpredicted\terror\tslots\tbatchlimit\tband";
if (args.Length == 2 && args[0] == "explain")
{
    // Each offline (maximum-throughput) figure whose label contains the argument: measured against the stored model (as
    // the fit predicts it: the finite benchmark of that many requests, 0 = the steady state at capacity), and the terms
    // of one decode iteration on the bottleneck stage at the load of the model's peak (a diagnosis aid: which term a
    // misfit lives in). Stage terms in ms; "engine" is the step overhead plus the per-sequence work.
    Console.WriteLine("figure\tmeasured\tpredicted\tbenchmark requests\tbatch limit\ttoken budget\tsequences per replica\treplicas\tTPOT ms\tcompute ms\tweights ms\tattention ms\tcollectives ms\tfixed ms\tengine ms\tothers' prefill ms");
    foreach (var p in data.Where(p => p.Concurrency == 0 && p.Label.Contains(args[1], StringComparison.Ordinal)))
    {
        var plan = Calibrator.Evaluate(p.Deployment, CostCalibration.Default);
        var c = plan.Costs.Pool;
        double m = Math.Min(plan.Peak.Concurrency, c.MaxConcurrency) / (double)c.Replicas;
        double share = c.HasExperts ? CostEvaluator.ExpertShare(1.0 - Math.Exp(-m * c.ExpertIdleDecayPerToken), c.ExpertImbalanceSpread) : 0;
        static string Ms(double seconds) => (seconds * 1e3).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Join("\t", p.Label, p.Measured.ToString("F0", CultureInfo.InvariantCulture),
            Calibrator.Predict(p, CostCalibration.Default).ToString("F0", CultureInfo.InvariantCulture), CalibrationData.BenchmarkRequests(p),
            DeploySpec.Engine.Memory.MemoryModel.MaxBatchSize(p.Deployment),
            DeploySpec.Engine.Memory.MemoryModel.MaxBatchedTokens(p.Deployment), m.ToString("F0", CultureInfo.InvariantCulture), c.Replicas,
            plan.Peak.TimePerOutputTokenMs.ToString("F1", CultureInfo.InvariantCulture),
            Ms((m + c.GemmSaturationSequences) * c.GemmSecondsPerSequence + c.ExpertSaturationSeconds * share), Ms(c.DenseWeightSeconds + c.ExpertWeightSeconds * share),
            Ms(m * c.AttentionSecondsPerSequence), Ms(m * c.CollectiveSecondsPerSequence), Ms(c.StageLatencySeconds),
            Ms(c.StepOverheadSeconds + m * c.StepSecondsPerSequence), Ms((m - 1) / c.OutputTokens * c.StagePrefillSeconds)));
    }

    return 0;
}

if (args.Length == 2 && args[0] == "logo")
{
    // One group left out (its name as crossvalidate prints it, e.g. "MoE rows"): its figures predicted by the fit without
    // them (tab-separated, as residuals prints), then that fit and their median on stderr.
    var group = Calibrator.Groups.FirstOrDefault(g => g.Name == args[1]);
    if (group.Member is null)
    {
        Console.Error.WriteLine($"No group '{args[1]}'; groups: {string.Join(", ", Calibrator.Groups.Select(g => g.Name))}");
        return 2;
    }

    var left = Calibrator.LeaveOut(data, group);
    var (without, heldOut) = (left.Calibration, left.HeldOut);
    Console.WriteLine(ResidualHeader);
    foreach (var r in heldOut)
    {
        Console.WriteLine(Residual(r, without));
    }

    Console.Error.WriteLine(without);
    Console.Error.WriteLine("Without it the fit lacks: " + string.Join("; ", Calibrator.Unidentified(without, CostCalibration.Default)));
    Console.Error.WriteLine($"{group.Name}: {Calibrator.MedianAbsoluteError(heldOut):P1} ({heldOut.Count}), signed median {Calibrator.MedianSignedError(heldOut):P1}");
    return 0;
}

if (args.Length == 2 && args[0] is "predict" or "predict-refit")
{
    // The stored model against a CSV in the published rows' format (tools/DeploySpec.Calibration/published/README.md)
    // that is not in the fit, such as tables kept aside as an independent check: nothing here refits.
    System.Collections.Generic.IReadOnlyList<CalibrationPoint> kept;
    try
    {
        kept = CalibrationData.ParsePublished(System.IO.File.ReadAllText(args[1]), System.IO.Path.GetFileName(args[1]));
    }
    catch (Exception e) when (e is FormatException or System.IO.IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"{args[1]}: {e.Message}");
        return 2;
    }

    // predict-refit: a fresh fit on the calibration data instead of the stored one (to check a model change on these rows).
    var model = args[0] == "predict" ? CostCalibration.Default : Calibrator.Fit(data);
    var report = Calibrator.Report(kept, model);
    Console.WriteLine(ResidualHeader);
    foreach (var r in report.Points)
    {
        Console.WriteLine(Residual(r, model));
    }

    Console.Error.WriteLine($"{report.Points.Count} figures, median |error| {report.MedianAbsoluteRelativeError:P1}");
    return 0;
}

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
        Console.Error.WriteLine($"loss {Calibrator.Objective(data, fitted):R} (stored calibration: {Calibrator.Objective(data, CostCalibration.Default):R}); median |error| {Calibrator.Report(data, fitted).MedianAbsoluteRelativeError:P1}");
        Console.Out.Write(AccuracyMarkdown.Write(Calibrator.Report(data, fitted)));
        return 0;
    case "residuals":
    case "residuals-refit":
        // One tab-separated row per measured figure with the stored (or a fresh fit's) prediction, for analysis.
        var calibration = args[0] == "residuals" ? CostCalibration.Default : Calibrator.Fit(data);
        Console.WriteLine(ResidualHeader);
        foreach (var r in Calibrator.Report(data, calibration).Points)
        {
            Console.WriteLine(Residual(r, calibration));
        }

        return 0;
    case "logo-residuals":
        // Every held-out figure of every group left out, with the prediction of the fit that did not see it.
        Console.WriteLine("group\t" + ResidualHeader);
        foreach (var f in Calibrator.CrossValidate(data))
        {
            foreach (var r in f.HeldOut)
            {
                Console.WriteLine(f.Group + "\t" + Residual(r, f.Calibration));
            }
        }

        return 0;
    case "kfold-residuals":
        // Every figure as its fold of the ten-fold cross-validation predicts it (the fit without its configuration).
        Console.WriteLine(ResidualHeader);
        foreach (var r in Calibrator.KFold(data))
        {
            Console.WriteLine(Residual(r, CostCalibration.Default));
        }

        return 0;
    case "logo":
        // Leave one group out only (quicker than crossvalidate): each group's held-out median and the pooled one.
        var held = Calibrator.CrossValidate(data);
        foreach (var f in held)
        {
            Console.WriteLine($"{f.Group,-20} {f.Median():P1} ({f.HeldOut.Count})");
        }

        Console.WriteLine($"pooled {Calibrator.MedianAbsoluteError(held.SelectMany(f => f.HeldOut)):P2}"); // two decimals: the pages round to one, and a target can sit inside the rounding
        return 0;
    case "crossvalidate":
        // Refit with each group left out and predict it; prints the section docs/accuracy.md ends with and the band.
        var folds = Calibrator.CrossValidate(data);
        var kfold = Calibrator.KFold(data);
        var band = Calibrator.Band(folds, kfold);
        Console.Out.Write(AccuracyMarkdown.WriteCrossValidation(folds, kfold, band, CostCalibration.Default)); // the stored fit is the fit on every row
        Console.Error.WriteLine(band);
        return 0;
    default:
        Console.Error.WriteLine("Usage: dotnet run --project tools/DeploySpec.Calibration -- accuracy | fit | crossvalidate | logo [GROUP] | explain TEXT | residuals | residuals-refit | kfold-residuals | logo-residuals | predict FILE.csv | predict-refit FILE.csv");
        return 2;
}

static string Residual(PointResult r, CostCalibration calibration)
{
    var d = r.Point.Deployment;
    var pool = Calibrator.Evaluate(d, calibration).Pool.Coefficients;
    return string.Join("\t", r.Point.File, d.Engine, d.Model.Name, r.Point.GpuGroup, d.Cluster.TotalGpus, d.TensorParallel, d.PipelineParallel,
        Math.Max(1, d.ExpertParallel), d.Model.Weights, d.InputTokens, d.OutputTokens, r.Point.Concurrency, r.Point.Metric,
        r.Point.Measured.ToString("R", CultureInfo.InvariantCulture), r.Predicted.ToString("R", CultureInfo.InvariantCulture),
        r.RelativeError.ToString("F4", CultureInfo.InvariantCulture), pool.MaxConcurrency, d.MaxBatchSize,
        pool.Uncertainty.ToString("F3", CultureInfo.InvariantCulture));
}
