using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Measurements
{
    /// <summary>A run that does not apply to the deployment: which field disagrees, and how.</summary>
    internal sealed record RunMismatch(MeasuredRun Run, string Field, string Message);

    /// <summary>A measured figure the uncorrected model misses by more than its band (DS4006).</summary>
    internal sealed record Disagreement(MeasuredRun Run, string Quantity, double Measured, double Predicted, double Band, string Plan, string Load)
    {
        /// <summary>Measured / predicted - 1: +0.4 = measured 40% above the model.</summary>
        public double Difference => Measured / Predicted - 1.0;
    }

    /// <summary>What a deployment's benchmark runs say: the correction (null when no run matched), the runs compared, those skipped and why, and the disagreements beyond the band.</summary>
    internal sealed record MeasurementFitResult(MeasuredCorrection? Correction, IReadOnlyList<MeasuredComparison> Matched,
        IReadOnlyList<RunMismatch> Skipped, IReadOnlyList<Disagreement> Disagreements);

    /// <summary>
    /// Matches a project's benchmark runs to a deployment and fits the correction of the one cost model (docs/measurements.md).
    /// Pure: the same spec and runs give the same result. A run applies when its model (the file's model id against
    /// the model's Checkpoint or Name, case-insensitive, last path segment), its GPU (where the file states one) and
    /// its parallel shape are consistent with the deployment; each is compared at the run's own lengths and load.
    /// </summary>
    internal static class MeasurementFit
    {
        /// <summary>Multiplicative refinements of the factors: each evaluates every matched run once more.</summary>
        private const int Refinements = 4;

        /// <summary>
        /// Where a run's plan came from, the only phrases <see cref="MeasuredComparison.PlanSource"/> takes: the runs'
        /// text (<see cref="MeasuredCorrection"/>) stores each by its position here.
        /// </summary>
        public static readonly IReadOnlyList<string> PlanSources = new[]
        {
            "the file",
            "the deployment's pinned degrees; the file states none",
            "the recommended plan; the file states none",
        };

        public const string TimeToFirstToken = "TTFT";
        public const string TimePerOutputToken = "TPOT";
        public const string InterTokenLatency = "ITL";
        public const string Throughput = "output throughput";

        /// <summary>
        /// Fits by spec and runs, shared by the generator and the analyzer in one compiler process (each reports from the
        /// same fit) and kept across passes whose spec and files did not change. Bounded; a cancelled fit is not kept.
        /// </summary>
        private static readonly BoundedCache<FitKey, MeasurementFitResult> Fits = new(256);

        /// <summary>A spec and its runs, compared by value (the runs one by one).</summary>
        private sealed class FitKey : IEquatable<FitKey>
        {
            private readonly MeasuredRun[] _runs;
            private readonly int _hash;

            public FitKey(DeploymentSpec spec, IReadOnlyList<MeasuredRun> runs)
            {
                Spec = spec;
                _runs = runs.ToArray();
                int hash = spec.GetHashCode();
                foreach (var run in _runs)
                {
                    hash = unchecked(hash * 31 + run.GetHashCode());
                }

                _hash = hash;
            }

            public DeploymentSpec Spec { get; }

            public IReadOnlyList<MeasuredRun> Runs => _runs;

            public bool Equals(FitKey? other) => other is not null && _hash == other._hash && Spec.Equals(other.Spec) && _runs.SequenceEqual(other._runs);

            public override bool Equals(object? obj) => Equals(obj as FitKey);

            public override int GetHashCode() => _hash;
        }

        public static MeasurementFitResult Fit(DeploymentSpec deployment, IReadOnlyList<MeasuredRun> runs, CancellationToken cancellationToken = default) =>
            Fits.GetOrAdd(new FitKey(deployment with { Correction = null }, runs), key => FitUncached(key.Spec, key.Runs, cancellationToken));

        private static MeasurementFitResult FitUncached(DeploymentSpec deployment, IReadOnlyList<MeasuredRun> runs, CancellationToken cancellationToken)
        {
            var spec = deployment with { Correction = null };
            var skipped = new List<RunMismatch>();
            var matched = new List<Matched>();
            Degrees? recommended = null;
            bool planned = false;
            var folded = new Dictionary<(Degrees, int, int), (MemoryBreakdown, CostCoefficients)>(); // runs of one shape and lengths share their fold
            foreach (var run in runs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Match(spec, run, ref recommended, ref planned, folded, cancellationToken, out var m) is { } mismatch)
                {
                    skipped.Add(mismatch);
                }
                else
                {
                    matched.Add(m!);
                }
            }

            if (matched.Count == 0)
            {
                return new MeasurementFitResult(null, Array.Empty<MeasuredComparison>(), skipped, Array.Empty<Disagreement>());
            }

            // Factors: measured / predicted, geometric mean over the runs, refined a few times against the corrected
            // predictions (a factor on the decode terms moves TTFT a little too), each kept within the bound.
            double prefill = 1, decode = 1;
            for (int i = 0; i < Refinements; i++)
            {
                var k = new MeasuredCorrection { TimeToFirstTokenFactor = prefill, TimePerOutputTokenFactor = decode };
                var ttft = new List<double>();
                var tpot = new List<double>();
                var fromThroughput = new List<double>();
                foreach (var m in matched)
                {
                    var after = m.Predict(CostModel.Correct(m.Coefficients, k));
                    Ratio(ttft, m.MeasuredTtft, after.TimeToFirstTokenMs, after);
                    Ratio(tpot, m.MeasuredTpot, after.TimePerOutputTokenMs, after);
                    if (m.MeasuredThroughput is { } throughput)
                    {
                        Ratio(fromThroughput, after.OutputTokensPerSecond, throughput, after); // predicted / measured: slower tokens, less throughput
                    }
                }

                prefill = Bound(prefill * GeometricMean(ttft));
                decode = Bound(decode * GeometricMean(tpot.Count > 0 ? tpot : fromThroughput));
            }

            var correction = new MeasuredCorrection { TimeToFirstTokenFactor = prefill, TimePerOutputTokenFactor = decode };
            var comparisons = new List<MeasuredComparison>();
            var stored = new List<StoredRun>();
            var disagreements = new List<Disagreement>();
            var throughputRatios = new List<double>();
            double squares = 0;
            int figures = 0;
            foreach (var m in matched)
            {
                var run = m.Stored();
                var comparison = Compare(run, m.Coefficients, correction);
                var (ttft, tpot, throughput) = (comparison.TimeToFirstTokenMs, comparison.TimePerOutputTokenMs, comparison.OutputTokensPerSecond);
                foreach (var (figure, quantity) in new[] { (ttft, TimeToFirstToken), (tpot, m.TpotName), (throughput, Throughput) })
                {
                    if (figure is null)
                    {
                        continue;
                    }

                    squares += figure.ErrorAfter * figure.ErrorAfter;
                    figures++;
                    if (Math.Abs(figure.Measured / figure.Before - 1.0) > m.Coefficients.Uncertainty)
                    {
                        disagreements.Add(new Disagreement(m.Run, quantity, figure.Measured, figure.Before, m.Coefficients.Uncertainty, comparison.Plan, comparison.Load));
                    }
                }

                if (throughput is not null)
                {
                    throughputRatios.Add(throughput.Measured / throughput.Before);
                }

                comparisons.Add(comparison);
                stored.Add(run);
            }

            correction = correction with
            {
                ThroughputFactor = Bound(GeometricMean(throughputRatios)),
                Residual = figures == 0 ? 0 : Math.Sqrt(squares / figures),
                Runs = MeasuredCorrection.EncodeRuns(stored),
            };
            return new MeasurementFitResult(correction, comparisons, skipped, disagreements);
        }

        /// <summary>
        /// The correction <paramref name="deployment"/> carries, as reports read it: its factors and its runs compared
        /// before and after. The spec stores each run's shape, lengths, load and measured figures only; the model's
        /// figures are derived here as <see cref="Fit"/> derived them (the same fold of the same spec, the same
        /// evaluator), so generated code does not carry them. Null without a correction.
        /// </summary>
        public static MeasurementCalibration? Runtime(DeploymentSpec deployment)
        {
            if (deployment.Correction is not { } correction)
            {
                return null;
            }

            var spec = deployment with { Correction = null };
            var folded = new Dictionary<(Degrees, int, int), (MemoryBreakdown, CostCoefficients)>();
            var runs = new List<MeasuredComparison>();
            foreach (var run in MeasuredCorrection.DecodeRuns(correction.Runs))
            {
                var (memory, coefficients) = Fold(spec, run.Degrees, run.InputTokens, run.OutputTokens, folded);
                if (memory.Fits && coefficients.IsFinite) // as when it was fitted: the fit kept only runs that fold
                {
                    runs.Add(Compare(run, coefficients, correction));
                }
            }

            return new MeasurementCalibration(correction.TimeToFirstTokenFactor, correction.TimePerOutputTokenFactor,
                correction.ThroughputFactor, correction.Residual, runs);
        }

        /// <summary>The memory and cost coefficients of <paramref name="degrees"/> at a run's lengths, once per shape and lengths.</summary>
        private static (MemoryBreakdown Memory, CostCoefficients Coefficients) Fold(DeploymentSpec spec, Degrees degrees, int inputTokens, int outputTokens,
            Dictionary<(Degrees, int, int), (MemoryBreakdown, CostCoefficients)> folded)
        {
            if (!folded.TryGetValue((degrees, inputTokens, outputTokens), out var fold))
            {
                var runSpec = spec with { InputTokens = inputTokens, OutputTokens = outputTokens, MaxContext = 0, Concurrency = 0, RequestsPerSecond = 0 };
                var sized = MemoryModel.PerGpu(runSpec, degrees);
                fold = (sized, sized.Fits ? CostModel.Specialize(runSpec, degrees, sized, CostCalibration.Default) : default);
                folded[(degrees, inputTokens, outputTokens)] = fold;
            }

            return fold;
        }

        /// <summary>A stored run against the model's figures before and after <paramref name="correction"/>.</summary>
        private static MeasuredComparison Compare(StoredRun run, in CostCoefficients coefficients, MeasuredCorrection correction)
        {
            var before = Predict(coefficients, run.Concurrency, run.Rate);
            var after = Predict(CostModel.Correct(coefficients, correction), run.Concurrency, run.Rate);
            return new MeasuredComparison(run.File, run.Line, run.Degrees.ToString(), PlanSources[run.PlanSource], run.InputTokens, run.OutputTokens,
                Load(run.Concurrency, run.Rate, coefficients.MaxConcurrency),
                Figure(run.TimeToFirstTokenMs, before.TimeToFirstTokenMs, after.TimeToFirstTokenMs),
                Figure(run.TimePerOutputTokenMs, before.TimePerOutputTokenMs, after.TimePerOutputTokenMs),
                Figure(run.OutputTokensPerSecond, before.OutputTokensPerSecond, after.OutputTokensPerSecond));
        }

        /// <summary>The estimate at a run's load: its requests in flight, its arrival rate, or else at capacity (offline).</summary>
        private static PerformanceEstimate Predict(in CostCoefficients c, int? concurrency, double? rate) =>
            rate is { } r ? CostEvaluator.EvaluateAtRate(c, r) : CostEvaluator.Evaluate(c, concurrency ?? c.MaxConcurrency);

        /// <summary>The load as reports print it: "64 in flight", "2.5 req/s", "offline (capacity, 1024 in flight)".</summary>
        private static string Load(int? concurrency, double? rate, int maxConcurrency) =>
            concurrency is { } cap ? Format("{0} in flight", cap)
            : rate is { } r ? Format("{0:0.###} req/s", r)
            : Format("offline (capacity, {0} in flight)", maxConcurrency);

        /// <summary>A factor within [1 / <see cref="MeasurementCalibration.MaxFactor"/>, <see cref="MeasurementCalibration.MaxFactor"/>].</summary>
        public static double Bound(double factor) =>
            double.IsNaN(factor) ? 1 : Math.Min(MeasurementCalibration.MaxFactor, Math.Max(1.0 / MeasurementCalibration.MaxFactor, factor));

        private static double GeometricMean(List<double> ratios)
        {
            if (ratios.Count == 0)
            {
                return 1;
            }

            double sum = 0;
            foreach (double r in ratios)
            {
                sum += Math.Log(r);
            }

            return Math.Exp(sum / ratios.Count);
        }

        private static void Ratio(List<double> ratios, double? measured, double predicted, PerformanceEstimate estimate)
        {
            if (measured is { } m && Usable(m) && Usable(predicted) && !estimate.Saturated)
            {
                ratios.Add(m / predicted);
            }
        }

        private static MeasuredFigure? Figure(double? measured, double before, double after) =>
            measured is { } m && Usable(m) && Usable(before) && Usable(after) ? new MeasuredFigure(m, before, after) : null;

        private static bool Usable(double value) => value > 0 && !double.IsInfinity(value);

        /// <summary>One run that applies, with what it is compared at.</summary>
        private sealed record Matched(MeasuredRun Run, Degrees Degrees, int PlanSource, int InputTokens, int OutputTokens,
            CostCoefficients Coefficients, int? Concurrency, double? Rate)
        {
            public double? MeasuredTtft => Run.TimeToFirstToken?.MeanMs;

            public double? MeasuredTpot => Run.TimePerOutputToken?.MeanMs ?? Run.InterTokenLatency?.MeanMs;

            public string TpotName => Run.TimePerOutputToken?.MeanMs is not null ? TimePerOutputToken : InterTokenLatency;

            public double? MeasuredThroughput => Run.OutputTokensPerSecond;

            public PerformanceEstimate Predict(in CostCoefficients c) => MeasurementFit.Predict(c, Concurrency, Rate);

            /// <summary>The run as the spec stores it (<see cref="MeasuredCorrection.EncodeRuns"/>): the measured figures a comparison can use.</summary>
            public StoredRun Stored() => new(Run.File, Run.Line, Degrees, PlanSource, InputTokens, OutputTokens, Concurrency, Rate,
                Usable(MeasuredTtft), Usable(MeasuredTpot), Usable(MeasuredThroughput));

            private static double? Usable(double? measured) => measured is { } m && MeasurementFit.Usable(m) ? m : null;
        }

        private static RunMismatch? Match(DeploymentSpec spec, MeasuredRun run, ref Degrees? recommended, ref bool planned,
            Dictionary<(Degrees, int, int), (MemoryBreakdown Memory, CostCoefficients Coefficients)> folded, CancellationToken cancellationToken, out Matched? matched)
        {
            matched = null;
            var model = spec.Model;
            if (!string.IsNullOrWhiteSpace(run.ModelId) && !SameModel(run.ModelId!, model.Checkpoint) && !SameModel(run.ModelId!, model.Name))
            {
                return new RunMismatch(run, "model", Format("the run is of '{0}', the deployment's model is '{1}'{2}", run.ModelId!, model.Name,
                    model.Checkpoint.Length > 0 ? " (" + model.Checkpoint + ")" : ""));
            }

            var gpu = GpuCatalog.Of(spec.Cluster);
            if (!string.IsNullOrWhiteSpace(run.GpuName) && !SameGpu(run.GpuName!, gpu.Name))
            {
                return new RunMismatch(run, "GPU", Format("the run was on '{0}', the cluster has {1}", run.GpuName!, gpu.Label));
            }

            if (run.InputTokensPerRequest is not { } input || run.OutputTokensPerRequest is not { } output || input < 1 || output < 1)
            {
                return new RunMismatch(run, "lengths", "the run states no mean input and output tokens per request of at least 1");
            }

            Degrees degrees;
            int source;
            if (run.TensorParallel is not null || run.PipelineParallel is not null)
            {
                int tp = run.TensorParallel ?? 1, pp = run.PipelineParallel ?? 1;
                int dp = run.GpuCount is { } gpus && gpus >= tp * pp && gpus % (tp * pp) == 0 ? gpus / (tp * pp) : 1;
                degrees = new Degrees(tp, pp, dp, run.ExpertParallel ?? 1);
                source = 0;
                if (spec.TensorParallel > 0 && spec.TensorParallel != tp)
                {
                    return new RunMismatch(run, "TensorParallel", Format("the run used TP{0}, the deployment pins TP{1}", tp, spec.TensorParallel));
                }

                if (spec.PipelineParallel > 0 && spec.PipelineParallel != pp)
                {
                    return new RunMismatch(run, "PipelineParallel", Format("the run used PP{0}, the deployment pins PP{1}", pp, spec.PipelineParallel));
                }

                if (tp < 1 || pp < 1 || degrees.GpuCount > spec.Cluster.TotalGpus)
                {
                    return new RunMismatch(run, "parallel shape", Format("the run's {0} needs {1} GPUs, the cluster has {2}", degrees, degrees.GpuCount, spec.Cluster.TotalGpus));
                }
            }
            else
            {
                if (!planned)
                {
                    planned = true;
                    // A benchmark run is of one aggregated server: the first aggregated plan in the deployment's order.
                    recommended = PlanCache.Plan(spec, cancellationToken).Plans.FirstOrDefault(p => p.Mode == ServingMode.Aggregated)?.Pool.Degrees;
                }

                if (recommended is not { } plan)
                {
                    return new RunMismatch(run, "parallel shape", "the file states no plan and no plan of the deployment fits its cluster");
                }

                degrees = plan;
                source = spec.TensorParallel > 0 || spec.PipelineParallel > 0 ? 1 : 2;
            }

            int inputTokens = (int)Math.Round(input), outputTokens = Math.Max(1, (int)Math.Round(output));
            var (memory, coefficients) = Fold(spec, degrees, inputTokens, outputTokens, folded);
            if (!memory.Fits)
            {
                return new RunMismatch(run, "parallel shape", Format("{0} does not fit one request of {1} + {2} tokens on {3} in the model", degrees, inputTokens, outputTokens, gpu.Label));
            }

            if (!coefficients.IsFinite)
            {
                return new RunMismatch(run, "parallel shape", Format("the model has no finite estimate for {0}", degrees));
            }

            int? concurrency = null;
            double? rate = null;
            if (run.MaxConcurrency is { } cap && cap >= 1)
            {
                concurrency = cap;
            }
            else if (run.RequestRatePerSecond is { } r && r > 0 && !double.IsInfinity(r))
            {
                rate = r;
            }

            matched = new Matched(run, degrees, source, inputTokens, outputTokens, coefficients, concurrency, rate);
            return null;
        }

        /// <summary>The last path segment of a model id against a checkpoint's or a name's, case-insensitive.</summary>
        internal static bool SameModel(string modelId, string name) =>
            name.Length > 0 && string.Equals(LastSegment(modelId), LastSegment(name), StringComparison.OrdinalIgnoreCase);

        private static string LastSegment(string path)
        {
            string p = path.Trim().TrimEnd('/', '\\');
            int slash = Math.Max(p.LastIndexOf('/'), p.LastIndexOf('\\'));
            return slash < 0 ? p : p.Substring(slash + 1);
        }

        /// <summary>
        /// Whether a GPU name as a tool writes it ("NVIDIA H100 80GB HBM3") is the catalog's ("H100 SXM5 80GB"): the
        /// first word that is not the vendor's, case-insensitive (the model number: H100, H200, B200, A100).
        /// </summary>
        internal static bool SameGpu(string stated, string catalog) =>
            ModelNumber(stated) is { } a && string.Equals(a, ModelNumber(catalog), StringComparison.OrdinalIgnoreCase);

        private static string? ModelNumber(string name) =>
            name.Split(new[] { ' ', '-', '_', '(', ')', ',' }, StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(w => !w.Equals("NVIDIA", StringComparison.OrdinalIgnoreCase) && !w.Equals("Tesla", StringComparison.OrdinalIgnoreCase));

        private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
