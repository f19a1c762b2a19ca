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
        public double MedianAbsoluteRelativeError => Calibrator.Median(Points.Select(p => Math.Abs(p.RelativeError)));

        /// <summary>Median |error| of one file's figures of one metric (all metrics when null).</summary>
        public double Median(string file, Metric? metric = null) =>
            Calibrator.Median(Points.Where(p => p.Point.File == file && (metric is null || p.Point.Metric == metric)).Select(p => Math.Abs(p.RelativeError)));
    }

    /// <summary>One fold of the cross-validation: a group left out of the fit, and the errors on it.</summary>
    public sealed record HeldOutResult(string Group, CostCalibration Calibration, IReadOnlyList<PointResult> HeldOut)
    {
        public double Median(Metric? metric = null) =>
            Calibrator.Median(HeldOut.Where(p => metric is null || p.Point.Metric == metric).Select(p => Math.Abs(p.RelativeError)));
    }

    /// <summary>
    /// Fits <see cref="CostCalibration"/> by least squares on log errors over every measured figure of the three
    /// calibration files (throughput, TTFT, inter-token latency alike, one weight each) and the seed's two ratios
    /// (weight 4 each: they are the published claim) and its TP8 throughput. One fit, no per-row or per-file case:
    /// the GPU generation picks its efficiencies, and Blackwell's equal Hopper's when no Blackwell row is in the fit.
    /// Bounds keep the fit physical: matmul efficiency at most 0.81 of dense peak (an 8192^3 BF16 matmul measured
    /// 790-800 TFLOP/s of 989.4), bandwidth efficiencies at most 0.90 (device copies measured ~4.3 of 4.8 TB/s on
    /// H200 and ~3.0 of 3.35 TB/s on H100; docs/hardware.md), all at least 0.2; GEMM half-saturation 0-2048 tokens;
    /// collective latency 1-200 µs, fixed step overhead 0.01-10 ms, per-sequence step overhead 0.01-10 µs.
    /// </summary>
    public static class Calibrator
    {
        public const double RatioWeight = 4.0;
        public const double MaxMatmulEfficiency = 0.81;
        public const double MaxBandwidthEfficiency = 0.90;
        public const double MaxHalfSaturationTokens = 2048;
        private const int Parameters = 12;

        public static CostCalibration Fit(IReadOnlyList<CalibrationPoint> points, UncertaintyBand? band = null)
        {
            band ??= CostCalibration.Default.Band;
            bool blackwell = points.Any(p => GpuCatalog.Of(p.Deployment.Cluster).Generation == GpuGeneration.Blackwell);
            double Loss(double[] x) => Objective(points, FromVector(x, blackwell, band));
            var best = new double[Parameters];
            foreach (var (step, tolerance) in new[] { (1.0, 1e-10), (0.25, 1e-12), (0.05, 1e-14) })
            {
                best = NelderMead.Minimize(Loss, best, step, 6000, tolerance);
            }

            return FromVector(best, blackwell, band);
        }

        public static double Objective(IReadOnlyList<CalibrationPoint> points, CostCalibration calibration)
        {
            double loss = 0;
            foreach (var p in points)
            {
                double r = Math.Log(Predict(p, calibration) / p.Measured);
                loss += r * r;
            }

            var seed = EvaluateSeed(calibration);
            double a = Math.Log(seed.MinLatencySpeedRatio / CalibrationData.SeedMinLatencySpeedRatio);
            double b = Math.Log(seed.MaxThroughputRatio / CalibrationData.SeedMaxThroughputRatio);
            double c = Math.Log(seed.Tp8Peak.OutputTokensPerSecond / CalibrationData.SeedTp8MaxThroughput);
            loss += RatioWeight * (a * a + b * b) + c * c;
            return double.IsNaN(loss) || double.IsInfinity(loss) ? double.MaxValue : loss;
        }

        public static AccuracyReport Report(IReadOnlyList<CalibrationPoint> points, CostCalibration calibration) =>
            new(calibration, points.Select(p => new PointResult(p, Predict(p, calibration))).ToList(), EvaluateSeed(calibration));

        /// <summary>
        /// The groups the cross-validation leaves out, one at a time: each GPU (the B200 group is also the only FP4
        /// and only Blackwell data), each model size, and the latency rows.
        /// </summary>
        public static IReadOnlyList<(string Name, Func<CalibrationPoint, bool> Member)> Groups { get; } = new (string, Func<CalibrationPoint, bool>)[]
        {
            ("H100 rows", p => p.GpuGroup == "H100"),
            ("H200 rows", p => p.GpuGroup == "H200"),
            ("B200 (FP4) rows", p => p.GpuGroup == "B200"),
            ("8B rows", p => p.SizeGroup == "8B"),
            ("70B rows", p => p.SizeGroup == "70B"),
            ("latency rows", p => p.File == CalibrationData.LatencyFile),
        };

        /// <summary>Refits without each group and predicts it (the folds run in parallel).</summary>
        public static IReadOnlyList<HeldOutResult> CrossValidate(IReadOnlyList<CalibrationPoint> points)
        {
            var results = new ConcurrentBag<(int Index, HeldOutResult Result)>();
            System.Threading.Tasks.Parallel.For(0, Groups.Count, i =>
            {
                var (name, member) = Groups[i];
                var fitted = Fit(points.Where(p => !member(p)).ToList());
                results.Add((i, new HeldOutResult(name, fitted, points.Where(member).Select(p => new PointResult(p, Predict(p, fitted))).ToList())));
            });
            return results.OrderBy(r => r.Index).Select(r => r.Result).ToList();
        }

        /// <summary>
        /// The band the cross-validation supports: the pooled held-out median for the calibrated corner, the worst
        /// held-out GPU and model size for those axes, the B200 rows for precision, the latency rows for lengths, and
        /// the largest of these for the axes no group tests (parallelism, architecture).
        /// </summary>
        public static UncertaintyBand Band(IReadOnlyList<HeldOutResult> folds)
        {
            double Of(string group) => folds.Single(f => f.Group == group).Median();
            double pooled = Median(folds.SelectMany(f => f.HeldOut).Select(p => Math.Abs(p.RelativeError)));
            double gpu = Math.Max(Of("H100 rows"), Math.Max(Of("H200 rows"), Of("B200 (FP4) rows")));
            double precision = Of("B200 (FP4) rows");
            double size = Math.Max(Of("8B rows"), Of("70B rows"));
            double lengths = Of("latency rows");
            double worst = new[] { gpu, precision, size, lengths }.Max();
            return new UncertaintyBand(Round(pooled), Round(gpu), Round(precision), Round(size), Round(lengths), Round(worst), Round(worst));
        }

        private static double Round(double value) => Math.Round(value, 3);

        /// <summary>The model's figure for a measurement: offline throughput at capacity, or TTFT / ITL / throughput at the run's concurrency.</summary>
        public static double Predict(CalibrationPoint point, CostCalibration calibration)
        {
            var plan = Evaluate(point.Deployment, calibration);
            var estimate = point.Concurrency == 0 ? plan.Peak : CostEvaluator.Evaluate(plan.Coefficients, point.Concurrency);
            return point.Metric switch
            {
                Metric.TimeToFirstToken => estimate.TimeToFirstTokenMs,
                Metric.InterTokenLatency => estimate.TimePerOutputTokenMs,
                _ => estimate.OutputTokensPerSecond,
            };
        }

        /// <summary>Peak output throughput of a pinned calibration deployment (its single plan at capacity).</summary>
        public static double Predict(DeploymentSpec deployment, CostCalibration calibration) => Evaluate(deployment, calibration).Peak.OutputTokensPerSecond;

        public static SeedResult EvaluateSeed(CostCalibration calibration)
        {
            var tp8 = Evaluate(CalibrationData.Seed(8, 1), calibration);
            var pp8 = Evaluate(CalibrationData.Seed(1, 8), calibration);
            return new SeedResult(tp8.SingleRequest, pp8.SingleRequest, tp8.Peak, pp8.Peak);
        }

        internal static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            int n = sorted.Count;
            return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        }

        private static readonly ConcurrentDictionary<DeploymentSpec, (Degrees Degrees, MemoryBreakdown Memory)> Sized = new();

        /// <summary>The pinned plan of a calibration deployment; its memory does not depend on the calibration, so it is sized once.</summary>
        private static EvaluatedPlan Evaluate(DeploymentSpec deployment, CostCalibration calibration)
        {
            var (degrees, memory) = Sized.GetOrAdd(deployment, d =>
            {
                var g = new Degrees(d.TensorParallel, d.PipelineParallel, d.Cluster.TotalGpus / (d.TensorParallel * d.PipelineParallel), 1);
                var m = MemoryModel.PerGpu(d, g);
                return m.Fits ? (g, m) : throw new InvalidOperationException($"Calibration point {d.Name} does not fit memory in our model.");
            });
            return Planner.Evaluate(deployment, degrees, memory, calibration);
        }

        private static double Squash(double x, double low, double high) => low + (high - low) / (1.0 + Math.Exp(-x));

        private static GenerationEfficiency Generation(double[] x, int at) => new(
            Matmul: Squash(x[at], 0.2, MaxMatmulEfficiency),
            WeightStream: Squash(x[at + 1], 0.2, MaxBandwidthEfficiency),
            KvStream: Squash(x[at + 2], 0.2, MaxBandwidthEfficiency),
            Collective: Squash(x[at + 3], 0.2, MaxBandwidthEfficiency));

        private static CostCalibration FromVector(double[] x, bool blackwell, UncertaintyBand band)
        {
            var hopper = Generation(x, 0);
            return new CostCalibration(
                Hopper: hopper,
                Blackwell: blackwell ? Generation(x, 4) : hopper,
                MatmulHalfSaturationTokens: Squash(x[8], 0, MaxHalfSaturationTokens),
                CollectiveLatencySeconds: 1e-6 * Math.Pow(200.0, Squash(x[9], 0, 1)),
                TensorRtLlm: new EngineRuntime(
                    StepOverheadSeconds: 1e-5 * Math.Pow(1000.0, Squash(x[10], 0, 1)),
                    StepSecondsPerSequence: 1e-8 * Math.Pow(1000.0, Squash(x[11], 0, 1))),
                Band: band);
        }
    }
}
