using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Calibration
{
    /// <summary>How well a calibration reproduces one measured figure.</summary>
    public sealed record PointResult(CalibrationPoint Point, double Predicted)
    {
        public double RelativeError => Predicted / Point.Measured - 1.0;
    }

    /// <summary>The seed scenario as our model sees it.</summary>
    public sealed record SeedResult(
        PerformanceEstimate Tp8SingleRequest,
        PerformanceEstimate Pp8SingleRequest,
        PerformanceEstimate Tp8Peak,
        PerformanceEstimate Pp8Peak)
    {
        /// <summary>TP8 per-user speed over PP8's at one request (published: 5.6x).</summary>
        public double MinLatencySpeedRatio => Tp8SingleRequest.OutputTokensPerSecondPerUser / Pp8SingleRequest.OutputTokensPerSecondPerUser;

        /// <summary>PP8 node throughput over TP8's at maximum load (published: 1.5x).</summary>
        public double MaxThroughputRatio => Pp8Peak.OutputTokensPerSecond / Tp8Peak.OutputTokensPerSecond;
    }

    /// <summary>A calibration and its fit to every measurement.</summary>
    public sealed record AccuracyReport(CostCalibration Calibration, IReadOnlyList<PointResult> Points, SeedResult Seed)
    {
        /// <summary>Median of |predicted / measured - 1| over every figure.</summary>
        public double MedianAbsoluteRelativeError => Calibrator.MedianAbsoluteError(Points);

        /// <summary>Median |error| of one file's figures of one metric (all metrics when null).</summary>
        public double Median(string file, Metric? metric = null) =>
            Calibrator.MedianAbsoluteError(Points.Where(p => p.Point.File == file && (metric is null || p.Point.Metric == metric)));
    }

    /// <summary>One fold of the cross-validation: a group left out of the fit, and the errors on it.</summary>
    public sealed record HeldOutResult(string Group, string Axis, CostCalibration Calibration, IReadOnlyList<PointResult> HeldOut)
    {
        public double Median(Metric? metric = null) =>
            Calibrator.MedianAbsoluteError(HeldOut.Where(p => metric is null || p.Point.Metric == metric));
    }

    /// <summary>
    /// Fits <see cref="CostCalibration"/> by Levenberg-Marquardt from three starts, robust least squares
    /// (pseudo-Huber, <see cref="RobustScale"/>) on log errors over every measured figure of every calibration file,
    /// shared and published (throughput, TTFT, inter-token and request latency alike, one weight each), and the
    /// seed's two ratios (weight 4 each, and a constraint beyond <see cref="SeedTolerance"/>: they are the published
    /// claim) and its TP8 throughput, with a weak prior toward the middle of every factor's range (<see cref="PriorWeight"/>). One fit, no per-row or per-file case: the GPU generation picks its
    /// efficiencies, and a block no row exercises is not fitted (Blackwell takes Hopper's values, the RTX parts
    /// Blackwell's, experts the dense efficiencies, an engine TensorRT-LLM's runtime). Expert compute factor 1-4,
    /// an engine's expert time 1/3-3 times TensorRT-LLM's.
    /// Bounds keep the fit physical: matmul efficiency at most 0.81 of dense peak (an 8192^3 BF16 matmul measured
    /// 790-800 TFLOP/s of 989.4), bandwidth efficiencies at most 0.90 (device copies measured ~4.3 of 4.8 TB/s on
    /// H200 and ~3.0 of 3.35 TB/s on H100; docs/hardware.md), all at least 0.2; GEMM half-saturation 0-2048 tokens;
    /// collective latency and an MoE layer's fixed time 1-200 µs, fixed step overhead 0.01-10 ms, per-sequence step overhead 0.01-10 µs.
    /// </summary>
    public static class Calibrator
    {
        public const double RatioWeight = 4.0;

        /// <summary>
        /// How far the seed's ratios may stray from the published 5.6x and 1.5x before the constraint acts: 8%, inside the
        /// 10% the seed is accepted at (SeedScenarioTests), because a constrained optimum sits on the constraint's edge.
        /// </summary>
        public const double SeedTolerance = 0.08;

        /// <summary>Weight of a seed ratio beyond <see cref="SeedTolerance"/>: large enough to act as a constraint on the fit.</summary>
        public const double SeedConstraintWeight = 10_000;
        public const double MaxMatmulEfficiency = 0.81;
        public const double MaxBandwidthEfficiency = 0.90;
        public const double MaxHalfSaturationTokens = 2048;
        public const double MaxExpertComputeFactor = 4.0;

        /// <summary>An engine's expert kernels may take from a third to three times TensorRT-LLM's time (fitted on its MoE rows).</summary>
        public const double MaxEngineExpertFactor = 3.0;

        /// <summary>The parameters, in vector order; a block is fitted only when some point exercises it.</summary>
        private enum Block { Hopper = 0, Blackwell = 5, BlackwellRtx = 10, Shared = 15, TensorRtLlm = 16, Experts = 18, Vllm = 20, Sglang = 23 }

        private const int Parameters = 26;

        public static CostCalibration Fit(IReadOnlyList<CalibrationPoint> points, UncertaintyBand? band = null)
        {
            band ??= CostCalibration.Default.Band;
            var used = new Used(
                Blackwell: points.Any(p => GpuCatalog.Of(p.Deployment.Cluster).Generation == GpuGeneration.Blackwell),
                BlackwellRtx: points.Any(p => GpuCatalog.Of(p.Deployment.Cluster).Generation == GpuGeneration.BlackwellRtx),
                Experts: points.Any(p => p.IsMoe),
                Vllm: points.Any(p => p.Engine == ServingEngine.Vllm),
                Sglang: points.Any(p => p.Engine == ServingEngine.Sglang));
            int[] active = Enumerable.Range(0, Parameters).Where(used.Fits).ToArray();
            double[] Expand(double[] y)
            {
                var x = new double[Parameters];
                for (int i = 0; i < active.Length; i++)
                {
                    x[active[i]] = y[i];
                }

                return x;
            }

            var fit = Minimize(y => WithPrior(Residuals(points, FromVector(Expand(y), used, band)), y), active.Length);
            return FromVector(Expand(fit), used, band);
        }

        /// <summary>
        /// Weight of the fit's weak prior: each fitted factor, in the fit's bounded coordinate (a logistic between its
        /// bounds, 0 at the middle of its range), adds (this x coordinate)^2 to the loss. A factor the rows hold firmly
        /// barely moves (the loss on the data rises 11.76 -> 11.79 on every row); one the rows leave nearly free stays near
        /// the middle of its range instead of drifting to whichever end the start, or an unrelated change of the data,
        /// finds. Without it, the fit without the rows with experts over attention-data-parallel GPUs read the RTX PRO
        /// 6000's collective efficiency at 0.37 or at 0.23, at nearly equal loss, as 22 unrelated figures changed, and the
        /// RTX PRO 6000's eight-GPU expert-parallel rows came out 5% or 14% off (docs/calibration.md, "The prior").
        /// </summary>
        public const double PriorWeight = 0.03;

        /// <summary>The data's residuals followed by the prior's, one per fitted coordinate (<see cref="PriorWeight"/>).</summary>
        private static double[] WithPrior(double[] residuals, double[] coordinates)
        {
            var r = new double[residuals.Length + coordinates.Length];
            residuals.CopyTo(r, 0);
            for (int i = 0; i < coordinates.Length; i++)
            {
                r[residuals.Length + i] = PriorWeight * coordinates[i];
            }

            return r;
        }

        /// <summary>Which parameter blocks the points exercise (Hopper, the shared factors and TensorRT-LLM's runtime always: the seed is in every fit).</summary>
        private sealed record Used(bool Blackwell, bool BlackwellRtx, bool Experts, bool Vllm, bool Sglang)
        {
            public bool Fits(int index) => index switch
            {
                (int)Block.Sglang + 2 => Sglang && Experts,
                >= (int)Block.Sglang => Sglang,
                (int)Block.Vllm + 2 => Vllm && Experts,
                >= (int)Block.Vllm => Vllm,
                >= (int)Block.Experts => Experts,
                >= (int)Block.Shared => true,
                >= (int)Block.BlackwellRtx => BlackwellRtx,
                >= (int)Block.Blackwell => Blackwell,
                _ => true,
            };
        }

        /// <summary>The fit's loss: the sum of the squared <see cref="Residuals"/>.</summary>
        public static double Objective(IReadOnlyList<CalibrationPoint> points, CostCalibration calibration)
        {
            double loss = 0;
            foreach (double r in Residuals(points, calibration))
            {
                loss += r * r;
            }

            return loss;
        }

        /// <summary>
        /// What the fit makes small, one entry per figure: the log error of every point (made robust,
        /// <see cref="RobustScale"/>), the seed's two ratios (weighted by <see cref="RatioWeight"/>) and its TP8 throughput, and the seed's ratios beyond <see cref="SeedTolerance"/>
        /// (weighted by <see cref="SeedConstraintWeight"/>). A figure the model cannot evaluate counts as a large error.
        /// </summary>
        public static double[] Residuals(IReadOnlyList<CalibrationPoint> points, CostCalibration calibration)
        {
            var r = new double[points.Count + 5];
            System.Threading.Tasks.Parallel.For(0, points.Count, i => r[i] = Robust(Math.Log(Predict(points[i], calibration) / points[i].Measured)));
            var seed = EvaluateSeed(calibration);
            double a = Math.Log(seed.MinLatencySpeedRatio / CalibrationData.SeedMinLatencySpeedRatio);
            double b = Math.Log(seed.MaxThroughputRatio / CalibrationData.SeedMaxThroughputRatio);
            double c = Math.Log(seed.Tp8Peak.OutputTokensPerSecond / CalibrationData.SeedTp8MaxThroughput);
            int n = points.Count;
            r[n] = Math.Sqrt(RatioWeight) * a;
            r[n + 1] = Math.Sqrt(RatioWeight) * b;
            r[n + 2] = c;

            // The seed's ratios are the claim DeploySpec is held to: beyond the accepted 10% either way they are a
            // constraint, not one figure among hundreds.
            double allowed = Math.Log(1.0 + SeedTolerance);
            r[n + 3] = Math.Sqrt(SeedConstraintWeight) * Math.Max(0, Math.Abs(a) - allowed);
            r[n + 4] = Math.Sqrt(SeedConstraintWeight) * Math.Max(0, Math.Abs(b) - allowed);
            for (int i = 0; i < r.Length; i++)
            {
                if (double.IsNaN(r[i]) || double.IsInfinity(r[i]))
                {
                    r[i] = UnevaluableResidual;
                }
            }

            return r;
        }

        /// <summary>
        /// Log errors beyond this count about linearly, not squared (the pseudo-Huber loss): a few rows the model cannot
        /// explain (a configuration run under conditions no row states) must not pull the fit away from the many it can.
        /// The errors DeploySpec reports are medians, which such rows do not move either.
        /// </summary>
        public const double RobustScale = 0.1;

        /// <summary>The residual whose square is the pseudo-Huber loss of log error <paramref name="e"/> at <see cref="RobustScale"/>.</summary>
        private static double Robust(double e) =>
            Math.Sign(e) * Math.Sqrt(2 * RobustScale * RobustScale * (Math.Sqrt(1 + e * e / (RobustScale * RobustScale)) - 1));

        /// <summary>The residual of a figure the model cannot evaluate at some trial parameters.</summary>
        private const double UnevaluableResidual = 1e3;

        /// <summary>
        /// Least squares by Levenberg-Marquardt (Math.NET Numerics, forward-difference Jacobian) from several starts,
        /// keeping the lowest loss: the loss has more than one basin (several factors end at a bound), and one start
        /// would let a small change of the data jump between them. Deterministic: the same residuals give the same answer.
        /// </summary>
        private static double[] Minimize(Func<double[], double[]> residuals, int parameters)
        {
            double[]? best = null;
            double bestLoss = double.MaxValue;
            foreach (double offset in FitStarts)
            {
                var start = Enumerable.Repeat(offset, parameters).ToArray();
                var y = LevenbergMarquardt.Minimize(residuals, start);
                double loss = residuals(y).Sum(v => v * v);
                if (loss < bestLoss)
                {
                    best = y;
                    bestLoss = loss;
                }
            }

            return best!;
        }

        /// <summary>The starts of the fit, in the squashed coordinates (0 is the middle of every factor's bounds).</summary>
        private static readonly double[] FitStarts = { 0.0, -1.5, 1.5 };

        public static AccuracyReport Report(IReadOnlyList<CalibrationPoint> points, CostCalibration calibration) =>
            new(calibration, points.Select(p => new PointResult(p, Predict(p, calibration))).ToList(), EvaluateSeed(calibration));

        /// <summary>
        /// The groups the cross-validation leaves out, one at a time, each named for the band axis it measures: each
        /// GPU (generation), each weight format but FP8 (precision), each model size, the latency rows (lengths and
        /// loads), the pipeline-parallel rows and the TP8 rows (parallelism), the rows with experts over attention-data-
        /// parallel GPUs (expert parallelism), the mixture-of-experts rows
        /// (architecture), and each engine's rows but TensorRT-LLM's, which hold the seed (engine). A group with no rows
        /// in the data is skipped, and its axis is "not measured".
        /// </summary>
        public static IReadOnlyList<(string Name, string Axis, Func<CalibrationPoint, bool> Member)> Groups { get; } = new (string, string, Func<CalibrationPoint, bool>)[]
        {
            ("H100 rows", "GPU generation", p => p.GpuGroup == "H100"),
            ("H200 rows", "GPU generation", p => p.GpuGroup == "H200"),
            ("B200 rows", "GPU generation", p => p.GpuGroup == "B200"),
            ("GB200 rows", "GPU generation", p => p.GpuGroup == "GB200"),
            ("RTX PRO 6000 rows", "GPU generation", p => p.GpuGroup == "RTXPRO6000"),
            ("FP4 rows", "precision", p => p.Weights == Precision.Fp4),
            ("BF16 rows", "precision", p => p.Weights == Precision.Bf16),
            ("up to 10B rows", "model size", p => p.SizeGroup == "up to 10B"),
            ("10B-100B rows", "model size", p => p.SizeGroup == "10B-100B"),
            ("over 100B rows", "model size", p => p.SizeGroup == "over 100B"),
            ("latency rows", "lengths", p => p.Concurrency > 0),
            ("PP > 1 rows", "parallelism", p => p.Deployment.PipelineParallel > 1),
            ("TP8 rows", "parallelism", p => p.Deployment.TensorParallel == 8),
            ("EP > TP rows", "expert parallelism", p => p.Deployment.ExpertParallel > p.Deployment.TensorParallel),
            ("MoE rows", "architecture", p => p.IsMoe),
            ("vLLM rows", "serving engine", p => p.Engine == ServingEngine.Vllm),
            ("SGLang rows", "serving engine", p => p.Engine == ServingEngine.Sglang),
        };

        /// <summary>Refits without each group that has rows and predicts it (the folds run in parallel).</summary>
        public static IReadOnlyList<HeldOutResult> CrossValidate(IReadOnlyList<CalibrationPoint> points)
        {
            var groups = Groups.Where(g => points.Any(g.Member)).ToList();
            var results = new ConcurrentBag<(int Index, HeldOutResult Result)>();
            System.Threading.Tasks.Parallel.For(0, groups.Count, i => results.Add((i, LeaveOut(points, groups[i]))));
            return results.OrderBy(r => r.Index).Select(r => r.Result).ToList();
        }

        /// <summary>Refits without one group's rows and predicts them.</summary>
        public static HeldOutResult LeaveOut(IReadOnlyList<CalibrationPoint> points, (string Name, string Axis, Func<CalibrationPoint, bool> Member) group)
        {
            var fitted = Fit(points.Where(p => !group.Member(p)).ToList());
            return new HeldOutResult(group.Name, group.Axis, fitted, points.Where(group.Member).Select(p => new PointResult(p, Predict(p, fitted))).ToList());
        }

        /// <summary>
        /// What a fit without some rows could not learn, against <paramref name="full"/> (the fit on every row): the
        /// blocks no remaining row exercises, which fall back (a generation's efficiencies to the next one's, the expert
        /// factors to the dense ones, an engine's runtime to TensorRT-LLM's), and the factors that sit at a bound of
        /// their range where the full fit does not (the remaining rows leave them free, or push them as far as they go).
        /// The leave-one-group-out table names them beside each group's error.
        /// </summary>
        public static IReadOnlyList<string> Unidentified(CostCalibration fitted, CostCalibration full)
        {
            var lacks = new List<string>();
            if (ReferenceEquals(fitted.Blackwell, fitted.Hopper) && !ReferenceEquals(full.Blackwell, full.Hopper))
            {
                lacks.Add("Blackwell's efficiencies (Hopper's)");
            }

            if (fitted.BlackwellRtx is null && full.BlackwellRtx is not null)
            {
                lacks.Add("RTX PRO 6000's efficiencies (Blackwell's)");
            }

            if (fitted.Experts is null && full.Experts is not null)
            {
                lacks.Add("expert factors (dense ones)");
            }

            if (fitted.Vllm is null && full.Vllm is not null)
            {
                lacks.Add("vLLM's runtime (TensorRT-LLM's)");
            }

            if (fitted.Sglang is null && full.Sglang is not null)
            {
                lacks.Add("SGLang's runtime (TensorRT-LLM's)");
            }

            var (floor, ceiling) = (FactorFloor.Value, FactorCeiling.Value);
            void Bound(string name, Func<CostCalibration, double?> factor)
            {
                if (factor(fitted) is not double value || factor(full) is not double fullValue)
                {
                    return;
                }

                double low = factor(floor)!.Value, high = factor(ceiling)!.Value;
                // Within 1% of the range of a bound, in log units (the factors are ratios and times), or of the ceiling
                // where the floor is 0.
                bool At(double v, double b) => low > 0
                    ? Math.Abs(Math.Log(v / b)) <= 0.01 * Math.Log(high / low)
                    : Math.Abs(v - b) <= 0.01 * (high - low);
                string? which = At(value, low) && !At(fullValue, low) ? "floor" : At(value, high) && !At(fullValue, high) ? "ceiling" : null;
                if (which is not null)
                {
                    lacks.Add($"{name} at its {which}");
                }
            }

            foreach (var (name, generation) in new (string, Func<CostCalibration, GenerationEfficiency?>)[]
            {
                ("Hopper's", c => c.Hopper),
                ("Blackwell's", c => ReferenceEquals(c.Blackwell, c.Hopper) ? null : c.Blackwell),
                ("RTX PRO 6000's", c => c.BlackwellRtx),
            })
            {
                Bound(name + " matmul efficiency", c => generation(c)?.Matmul);
                Bound(name + " weight-stream efficiency", c => generation(c)?.WeightStream);
                Bound(name + " KV-stream efficiency", c => generation(c)?.KvStream);
                Bound(name + " collective efficiency", c => generation(c)?.Collective);
                Bound(name + " GEMM half-saturation", c => generation(c)?.MatmulHalfSaturationTokens);
            }

            Bound("collective latency", c => c.CollectiveLatencySeconds);
            Bound("expert compute factor", c => c.Experts?.ComputeFactor);
            Bound("expert weight-stream efficiency", c => c.Experts?.WeightStream);
            foreach (var (name, runtime) in new (string, Func<CostCalibration, EngineRuntime?>)[]
            {
                ("TensorRT-LLM's", c => c.TensorRtLlm), ("vLLM's", c => c.Vllm), ("SGLang's", c => c.Sglang),
            })
            {
                Bound(name + " step overhead", c => runtime(c)?.StepOverheadSeconds);
                Bound(name + " per-sequence step", c => runtime(c)?.StepSecondsPerSequence);
                Bound(name + " expert kernels' factor", c => runtime(c) is { } r && !ReferenceEquals(r, c.TensorRtLlm) ? r.ExpertTimeFactor : null);
            }

            return lacks;
        }

        /// <summary>Every factor at the low (high) end of its range, from the parameterisation itself: each squashed coordinate at minus (plus) infinity.</summary>
        private static readonly Lazy<CostCalibration> FactorFloor = new(() => AtEnd(double.NegativeInfinity)), FactorCeiling = new(() => AtEnd(double.PositiveInfinity));

        private static CostCalibration AtEnd(double coordinate) =>
            FromVector(Enumerable.Repeat(coordinate, Parameters).ToArray(), new Used(Blackwell: true, BlackwellRtx: true, Experts: true, Vllm: true, Sglang: true), CostCalibration.Default.Band);

        /// <summary>The configuration a point measured: engine, model, weights, GPU and split (its lengths and loads vary within it).</summary>
        public static string Configuration(CalibrationPoint p)
        {
            var d = p.Deployment;
            return string.Join("|", d.Engine, d.Model.Name, d.Model.Weights, p.GpuGroup, d.Cluster.TotalGpus, d.TensorParallel, d.PipelineParallel, Math.Max(1, d.ExpertParallel));
        }

        /// <summary>The folds <see cref="KFold"/> splits the configurations into.</summary>
        public const int ConfigurationFolds = 10;

        /// <summary>
        /// Ten-fold cross-validation by configuration: the distinct configurations in ordinal order go round-robin into
        /// ten folds; each fold is refitted without its configurations (every length and load of them) and predicted.
        /// The error of a configuration the fit has not seen, of kinds it has seen.
        /// </summary>
        public static IReadOnlyList<PointResult> KFold(IReadOnlyList<CalibrationPoint> points)
        {
            var keys = points.Select(Configuration).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
            var fold = keys.Select((k, i) => (k, i % ConfigurationFolds)).ToDictionary(t => t.k, t => t.Item2, StringComparer.Ordinal);
            var results = new ConcurrentBag<(int Fold, IReadOnlyList<PointResult> Held)>();
            System.Threading.Tasks.Parallel.For(0, ConfigurationFolds, f =>
            {
                var fitted = Fit(points.Where(p => fold[Configuration(p)] != f).ToList());
                results.Add((f, points.Where(p => fold[Configuration(p)] == f).Select(p => new PointResult(p, Predict(p, fitted))).ToList()));
            });
            return results.OrderBy(r => r.Fold).SelectMany(r => r.Held).ToList();
        }

        /// <summary>The kinds a calibration point belongs to (the same rule plans are judged by).</summary>
        public static ExtrapolationAxes Kinds(CalibrationPoint p)
        {
            return CalibrationDomain.Kinds(p.Deployment, Split(p.Deployment));
        }

        /// <summary>
        /// The band the cross-validation supports: the calibrated corner from the ten folds by configuration; per axis,
        /// inside the data the ten-fold error of the configurations of that kind, beyond it the worst held-out group of
        /// that axis (null, "not measured", when no configuration or group of the axis has rows).
        /// </summary>
        public static UncertaintyBand Band(IReadOnlyList<HeldOutResult> folds, IReadOnlyList<PointResult> kfold)
        {
            AxisError Of(string axis, ExtrapolationAxes kind)
            {
                var inData = kfold.Where(r => (Kinds(r.Point) & kind) != 0).Select(r => Math.Abs(r.RelativeError)).ToList();
                var beyond = folds.Where(f => f.Axis == axis).Select(f => f.Median()).ToList();
                return new AxisError(inData.Count == 0 ? null : Round(Median(inData)), beyond.Count == 0 ? null : Round(beyond.Max()));
            }

            double? Trait(BandTraits trait)
            {
                var of = kfold.Where(r => (Traits(r.Point) & trait) != 0).Select(r => Math.Abs(r.RelativeError)).ToList();
                return of.Count == 0 ? null : Round(Median(of));
            }

            return new UncertaintyBand(Round(Median(kfold.Select(r => Math.Abs(r.RelativeError)))),
                Of("GPU generation", ExtrapolationAxes.GpuGeneration), Of("precision", ExtrapolationAxes.Precision), Of("model size", ExtrapolationAxes.ModelSize),
                Of("lengths", ExtrapolationAxes.Lengths), Of("parallelism", ExtrapolationAxes.Parallelism), Of("expert parallelism", ExtrapolationAxes.ExpertParallelism),
                Of("architecture", ExtrapolationAxes.Architecture),
                Of("serving engine", ExtrapolationAxes.Engine),
                Trait(BandTraits.WideExpertGroup), Trait(BandTraits.WidePcieGroup), Trait(BandTraits.GroupedQueryExperts));
        }

        /// <summary>The finer kinds (<see cref="BandTraits"/>) of a calibration point's pinned plan.</summary>
        public static BandTraits Traits(CalibrationPoint p) => CalibrationDomain.Traits(p.Deployment, Split(p.Deployment));

        private static double Round(double value) => Math.Round(value, 3);

        /// <summary>The model's figure for a measurement: offline throughput at capacity, or TTFT / ITL / throughput at the run's concurrency.</summary>
        public static double Predict(CalibrationPoint point, CostCalibration calibration)
        {
            var plan = Evaluate(point.Deployment, calibration);
            if (CalibrationData.BenchmarkRequests(point) is int requests && requests > 0)
            {
                return FiniteBenchmarkThroughput(plan.Costs, requests, point.Deployment.OutputTokens);
            }

            var estimate = point.Concurrency == 0 ? plan.Peak : CostEvaluator.Evaluate(plan.Costs, point.Concurrency);
            return point.Metric switch
            {
                Metric.TimeToFirstToken => estimate.TimeToFirstTokenMs,
                Metric.InterTokenLatency => estimate.TimePerOutputTokenMs,
                Metric.RequestLatency => estimate.TimeToFirstTokenMs + (point.Deployment.OutputTokens - 1) * estimate.TimePerOutputTokenMs,
                _ => estimate.OutputTokensPerSecond,
            };
        }

        /// <summary>
        /// Output tokens per second of an offline benchmark of <paramref name="requests"/> requests of uniform length, all
        /// queued at once: they run in waves of the plan's capacity, each as long as one request's latency at that load,
        /// and a last wave of the remainder runs its whole output length at a smaller batch. At or below capacity this is
        /// the closed-loop figure at that many requests; a whole number of full waves gives the figure at capacity.
        /// </summary>
        public static double FiniteBenchmarkThroughput(PlanCosts costs, int requests, int outputTokens)
        {
            int capacity = costs.MaxConcurrency;
            double WaveSeconds(int inFlight) => inFlight * (double)outputTokens / CostEvaluator.Evaluate(costs, inFlight).OutputTokensPerSecond;
            int fullWaves = requests / capacity, rest = requests % capacity;
            double seconds = fullWaves * WaveSeconds(capacity) + (rest > 0 ? WaveSeconds(rest) : 0);
            return requests * (double)outputTokens / seconds;
        }

        public static SeedResult EvaluateSeed(CostCalibration calibration)
        {
            var tp8 = Evaluate(CalibrationData.Seed(8, 1), calibration);
            var pp8 = Evaluate(CalibrationData.Seed(1, 8), calibration);
            return new SeedResult(tp8.SingleRequest, pp8.SingleRequest, tp8.Peak, pp8.Peak);
        }

        public static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            int n = sorted.Count;
            return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        }

        /// <summary>Median of |predicted / measured - 1| over <paramref name="results"/> (NaN for none).</summary>
        public static double MedianAbsoluteError(IEnumerable<PointResult> results) => Median(results.Select(p => Math.Abs(p.RelativeError)));

        /// <summary>Median of predicted / measured - 1 over <paramref name="results"/>: above 0, the model over-predicts.</summary>
        public static double MedianSignedError(IEnumerable<PointResult> results) => Median(results.Select(p => p.RelativeError));

        private static readonly ConcurrentDictionary<DeploymentSpec, (Degrees Degrees, MemoryBreakdown Memory)> Sized = new();

        /// <summary>The pinned plan of a calibration deployment; its memory does not depend on the calibration, so it is sized once.</summary>
        public static EvaluatedPlan Evaluate(DeploymentSpec deployment, CostCalibration calibration)
        {
            var (degrees, memory) = Sized.GetOrAdd(deployment, d =>
            {
                var g = Split(d);
                var m = MemoryModel.PerGpu(d, g);
                return m.Fits ? (g, m) : throw new InvalidOperationException($"Calibration point {d.Name} does not fit memory in our model.");
            });
            return Planner.Evaluate(deployment, degrees, memory, calibration);
        }

        /// <summary>The one split a calibration deployment pins: its TP and PP, the rest of its GPUs as replicas, its EP.</summary>
        private static Degrees Split(DeploymentSpec d) =>
            new(d.TensorParallel, d.PipelineParallel, d.Cluster.TotalGpus / (d.TensorParallel * d.PipelineParallel), Math.Max(1, d.ExpertParallel));

        private static double Squash(double x, double low, double high) => low + (high - low) / (1.0 + Math.Exp(-x));

        private static GenerationEfficiency Generation(double[] x, int at) => new(
            Matmul: Squash(x[at], 0.2, MaxMatmulEfficiency),
            WeightStream: Squash(x[at + 1], 0.2, MaxBandwidthEfficiency),
            KvStream: Squash(x[at + 2], 0.2, MaxBandwidthEfficiency),
            Collective: Squash(x[at + 3], 0.2, MaxBandwidthEfficiency),
            MatmulHalfSaturationTokens: Squash(x[at + 4], 0, MaxHalfSaturationTokens));

        private static EngineRuntime Runtime(double[] x, int at, bool expertFactor) => new(
            StepOverheadSeconds: 1e-5 * Math.Pow(1000.0, Squash(x[at], 0, 1)),
            StepSecondsPerSequence: 1e-8 * Math.Pow(1000.0, Squash(x[at + 1], 0, 1)),
            ExpertTimeFactor: expertFactor ? Math.Pow(MaxEngineExpertFactor, Squash(x[at + 2], -1, 1)) : 1.0);

        private static CostCalibration FromVector(double[] x, Used used, UncertaintyBand band)
        {
            var hopper = Generation(x, (int)Block.Hopper);
            return new CostCalibration(
                Hopper: hopper,
                Blackwell: used.Blackwell ? Generation(x, (int)Block.Blackwell) : hopper,
                BlackwellRtx: used.BlackwellRtx ? Generation(x, (int)Block.BlackwellRtx) : null,
                CollectiveLatencySeconds: 1e-6 * Math.Pow(200.0, Squash(x[(int)Block.Shared], 0, 1)),
                Experts: used.Experts
                    ? new ExpertEfficiency(
                        ComputeFactor: Squash(x[(int)Block.Experts], 1.0, MaxExpertComputeFactor),
                        WeightStream: Squash(x[(int)Block.Experts + 1], 0.2, MaxBandwidthEfficiency))
                    : null,
                TensorRtLlm: Runtime(x, (int)Block.TensorRtLlm, expertFactor: false),
                Vllm: used.Vllm ? Runtime(x, (int)Block.Vllm, used.Experts) : null,
                Sglang: used.Sglang ? Runtime(x, (int)Block.Sglang, used.Experts) : null,
                Band: band);
        }
    }
}
