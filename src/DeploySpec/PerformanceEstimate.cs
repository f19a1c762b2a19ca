using System.Globalization;

namespace DeploySpec
{
    /// <summary>
    /// What a plan delivers at a given number of requests in flight, or at a given arrival rate (our cost model's
    /// estimate, not a measurement), with how sure the model is of it.
    /// </summary>
    /// <param name="Concurrency">Requests in flight in the whole deployment (at a rate: the mean, rounded up).</param>
    /// <param name="TimeToFirstTokenMs">
    /// Arrival to first output token, in ms: waiting for the iteration in flight and for other prompts' prefill, the
    /// prefill itself sharing iterations with other requests' decodes, and queueing once arrivals outpace the plan
    /// (infinite when <see cref="Saturated"/>).
    /// </param>
    /// <param name="TimePerOutputTokenMs">Mean time between consecutive output tokens of one request, in ms (other requests' prefill chunks included).</param>
    /// <param name="OutputTokensPerSecond">Output tokens per second of the whole deployment.</param>
    /// <param name="OutputTokensPerSecondPerGpu">Output tokens per second per GPU of the plan.</param>
    /// <param name="Saturated">True when requests arrive faster than the plan can serve them: the queue grows without bound.</param>
    /// <param name="Uncertainty">
    /// Relative half-width of the estimate's band (0.15 = plus or minus 15%): the median error the model showed on
    /// measurements left out of its fit (docs/accuracy.md), wider along each axis where the plan lies outside the
    /// calibration data. A typical error, not a bound.
    /// </param>
    /// <param name="ExtrapolatedAlong">The axes along which this plan lies outside the calibration data (none: calibrated).</param>
    /// <param name="CalibratedOnMeasurements">
    /// True when the deployment's estimates were corrected with the project's own benchmark results
    /// ([Deployment(Measurements = ...)], docs/measurements.md); <see cref="Uncertainty"/> is then never below the
    /// model's own band for the plan, nor below the corrected estimates' error on those results.
    /// </param>
    /// <param name="NotMeasured">
    /// The axes of <see cref="ExtrapolatedAlong"/> that no calibration measurement exercises: <see cref="Uncertainty"/>
    /// holds no error for them (the model's error along them is unknown, not small).
    /// </param>
    /// <param name="CostPerMillionOutputTokens">
    /// US dollars per million output tokens at this throughput, the plan's GPUs paid for whether busy or not (the
    /// cluster's price per GPU-hour; 0 when no price is known).
    /// </param>
    /// <param name="TimeToFirstTokenP90Ms">
    /// 90th percentile of the time to first token, in ms: the deterministic part of TTFT plus the 90th percentile of the
    /// queue waits, each with an exponential tail P(W &gt; t) = P_wait exp(-(c mu - lambda) t) under Poisson arrivals,
    /// never below the mean (docs/cost-model.md, "Percentiles"); infinite when <see cref="Saturated"/>.
    /// </param>
    /// <param name="TimeToFirstTokenP99Ms">99th percentile of the time to first token, in ms (as <paramref name="TimeToFirstTokenP90Ms"/>).</param>
    /// <param name="TimePerOutputTokenP90Ms">
    /// 90th percentile of the time per output token, in ms: at an arrival rate, TPOT with the number in flight at the
    /// 90th percentile of a Poisson count around its mean (capped at the slots); in a closed loop the count is fixed and
    /// this is the mean.
    /// </param>
    /// <param name="TimePerOutputTokenP99Ms">99th percentile of the time per output token, in ms (as <paramref name="TimePerOutputTokenP90Ms"/>).</param>
    public readonly record struct PerformanceEstimate(
        int Concurrency,
        double TimeToFirstTokenMs,
        double TimePerOutputTokenMs,
        double OutputTokensPerSecond,
        double OutputTokensPerSecondPerGpu,
        bool Saturated = false,
        double Uncertainty = 0,
        ExtrapolationAxes ExtrapolatedAlong = ExtrapolationAxes.None,
        bool CalibratedOnMeasurements = false,
        ExtrapolationAxes NotMeasured = ExtrapolationAxes.None,
        double CostPerMillionOutputTokens = 0,
        double TimeToFirstTokenP90Ms = 0,
        double TimeToFirstTokenP99Ms = 0,
        double TimePerOutputTokenP90Ms = 0,
        double TimePerOutputTokenP99Ms = 0)
    {
        /// <summary>The time to first token in <paramref name="statistic"/> (the mean, P90 or P99), in ms.</summary>
        public double TimeToFirstTokenMsAt(LatencyStatistic statistic) => statistic switch
        {
            LatencyStatistic.P90 => TimeToFirstTokenP90Ms,
            LatencyStatistic.P99 => TimeToFirstTokenP99Ms,
            _ => TimeToFirstTokenMs,
        };

        /// <summary>The time per output token in <paramref name="statistic"/> (the mean, P90 or P99), in ms.</summary>
        public double TimePerOutputTokenMsAt(LatencyStatistic statistic) => statistic switch
        {
            LatencyStatistic.P90 => TimePerOutputTokenP90Ms,
            LatencyStatistic.P99 => TimePerOutputTokenP99Ms,
            _ => TimePerOutputTokenMs,
        };

        /// <summary>Output tokens per second one request sees: 1000 / TimePerOutputTokenMs.</summary>
        public double OutputTokensPerSecondPerUser => 1000.0 / TimePerOutputTokenMs;

        /// <summary>
        /// <see cref="EstimateProvenance.CalibratedOnProjectMeasurements"/> when corrected with the project's own
        /// benchmark results; otherwise calibrated when the plan lies inside the calibration data on every axis, else extrapolated.
        /// </summary>
        public EstimateProvenance Provenance =>
            CalibratedOnMeasurements ? EstimateProvenance.CalibratedOnProjectMeasurements
            : ExtrapolatedAlong == ExtrapolationAxes.None ? EstimateProvenance.Calibrated : EstimateProvenance.Extrapolated;

        /// <summary>"TTFT 512.3 ms, TPOT 17.86 ms (56.0 tok/s/user), 56.0 tok/s (7.0 tok/s/GPU) at 1 in flight, ±12% (calibrated)".</summary>
        public override string ToString() => string.Format(
            CultureInfo.InvariantCulture,
            "TTFT {0:0.0} ms, TPOT {1:0.00} ms ({2:0.0} tok/s/user), {3:0.0} tok/s ({4:0.0} tok/s/GPU) at {5} in flight{6}, \u00b1{7:0}% ({8})",
            TimeToFirstTokenMs, TimePerOutputTokenMs, OutputTokensPerSecondPerUser, OutputTokensPerSecond,
            OutputTokensPerSecondPerGpu, Concurrency, Saturated ? " (saturated)" : "", Uncertainty * 100,
            ProvenanceText);

        /// <summary>"calibrated", "extrapolated along model size", "calibrated on this project's measurements" (and the axes the model extrapolates along, if any).</summary>
        public string ProvenanceText =>
            (CalibratedOnMeasurements
                ? "calibrated on this project's measurements" + (ExtrapolatedAlong == ExtrapolationAxes.None ? "" : "; the model extrapolates along " + ExtrapolatedAlong.Describe())
                : ExtrapolatedAlong == ExtrapolationAxes.None ? "calibrated" : "extrapolated along " + ExtrapolatedAlong.Describe())
            + (NotMeasured == ExtrapolationAxes.None ? "" : "; not measured: " + NotMeasured.Describe());
    }

    /// <summary>Whether an estimate lies inside the data the cost model was calibrated on.</summary>
    public enum EstimateProvenance
    {
        /// <summary>Inside the calibration data on every axis.</summary>
        Calibrated = 0,
        /// <summary>Outside it on at least one axis (<see cref="PerformanceEstimate.ExtrapolatedAlong"/>).</summary>
        Extrapolated = 1,
        /// <summary>Calibrated on this project's measurements: corrected with the benchmark results its [Deployment(Measurements = ...)] names.</summary>
        CalibratedOnProjectMeasurements = 2,
    }

    /// <summary>The axes along which a plan can lie outside the calibration data (docs/accuracy.md).</summary>
    [System.Flags]
    public enum ExtrapolationAxes
    {
        /// <summary>Inside the data on every axis.</summary>
        None = 0,
        /// <summary>A GPU that was not measured (calibrated: H100 SXM, H200 SXM, B200, GB200, RTX PRO 6000 Blackwell).</summary>
        GpuGeneration = 1,
        /// <summary>Weights in a format not measured on that GPU (calibrated: FP8 and BF16 on H100 and H200; FP4 on B200, GB200, RTX PRO 6000), or a KV cache neither FP8 nor BF16.</summary>
        Precision = 2,
        /// <summary>A model outside the measured sizes (8 B to 671 B parameters).</summary>
        ModelSize = 4,
        /// <summary>Input or output lengths outside the measured ranges (32 to 32,768 in, 1 to 32,768 out).</summary>
        Lengths = 8,
        /// <summary>Tensor or pipeline parallelism above 8, or a model replica beyond one NVLink domain (the band inside the data: the held-out error of the pipeline-parallel rows).</summary>
        Parallelism = 16,
        /// <summary>Mixture-of-experts, latent (MLA) or chunked attention (the band is the held-out error of the MoE rows, which run all three).</summary>
        Architecture = 32,
        /// <summary>A serving engine whose own runs were not in the fit (it runs with TensorRT-LLM's fitted step overheads).</summary>
        Engine = 64,
        /// <summary>Disaggregated prefill/decode or speculative decoding: no calibration row measures either, so the band holds no error for it (not measured).</summary>
        ServingMode = 128,
        /// <summary>
        /// Experts over more GPUs than the attention tensor-parallel group (attention data parallel, EP &gt; TP): the band
        /// inside the data is the held-out error of those rows; beyond it, expert parallelism above 8 or an expert group
        /// beyond one NVLink domain.
        /// </summary>
        ExpertParallelism = 256,
        /// <summary>
        /// Sliding-window, recurrent (linear attention, state-space) or hybrid layers: no calibration row ran them, so the
        /// band holds no error for them (not measured), rather than another kind's.
        /// </summary>
        LayerKind = 512,
    }

    /// <summary>The one way the axes of extrapolation are written, in estimates, reports and diagnostics.</summary>
    public static class ExtrapolationAxesText
    {
        private static readonly (ExtrapolationAxes Axis, string Name)[] Names =
        {
            (ExtrapolationAxes.GpuGeneration, "GPU generation"),
            (ExtrapolationAxes.Precision, "precision"),
            (ExtrapolationAxes.ModelSize, "model size"),
            (ExtrapolationAxes.Lengths, "lengths"),
            (ExtrapolationAxes.Parallelism, "parallelism"),
            (ExtrapolationAxes.ExpertParallelism, "expert parallelism"),
            (ExtrapolationAxes.Architecture, "architecture"),
            (ExtrapolationAxes.LayerKind, "layer kind"),
            (ExtrapolationAxes.Engine, "serving engine"),
            (ExtrapolationAxes.ServingMode, "serving mode"),
        };

        /// <summary>"GPU generation, model size": the axes in <paramref name="axes"/>, in declaration order ("" for none).</summary>
        public static string Describe(this ExtrapolationAxes axes) => axes.Describe(ExtrapolationAxes.None);

        /// <summary>
        /// "architecture, layer kind (not measured)": the axes in <paramref name="axes"/>, in declaration order, each of
        /// <paramref name="notMeasured"/> marked as one no calibration row measures ("" for none).
        /// </summary>
        public static string Describe(this ExtrapolationAxes axes, ExtrapolationAxes notMeasured)
        {
            var text = new System.Text.StringBuilder();
            foreach (var (axis, name) in Names)
            {
                if ((axes & axis) != 0)
                {
                    text.Append(text.Length == 0 ? "" : ", ").Append(name).Append((notMeasured & axis) != 0 ? " (not measured)" : "");
                }
            }

            return text.ToString();
        }
    }

    /// <summary>A point of the Pareto frontier of throughput per GPU against per-user speed.</summary>
    /// <param name="Plan">The plan.</param>
    /// <param name="Estimate">The plan's estimate at <see cref="Concurrency"/>.</param>
    public sealed record FrontierPoint(PartitionPlan Plan, PerformanceEstimate Estimate)
    {
        /// <summary>Requests in flight at this point.</summary>
        public int Concurrency => Estimate.Concurrency;
        /// <summary>Output tokens per second one request sees.</summary>
        public double OutputTokensPerSecondPerUser => Estimate.OutputTokensPerSecondPerUser;
        /// <summary>Output tokens per second per GPU.</summary>
        public double OutputTokensPerSecondPerGpu => Estimate.OutputTokensPerSecondPerGpu;

        /// <inheritdoc />
        public override string ToString() => Plan + " @ " + Concurrency.ToString(CultureInfo.InvariantCulture) + ": " + Estimate;
    }
}
