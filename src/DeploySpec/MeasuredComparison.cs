using System.Collections.Generic;
using System.Globalization;

namespace DeploySpec
{
    /// <summary>One figure of a benchmark run against the cost model: measured, predicted before and after the correction.</summary>
    /// <param name="Measured">What the run measured (its mean).</param>
    /// <param name="Before">The model's prediction for that run without the project's measurements.</param>
    /// <param name="After">The prediction with the correction fitted on them.</param>
    public sealed record MeasuredFigure(double Measured, double Before, double After)
    {
        /// <summary>Relative error of the uncorrected prediction against the measurement (+0.2 = the model predicted 20% high).</summary>
        public double ErrorBefore => Before / Measured - 1.0;

        /// <summary>Relative error of the corrected prediction against the measurement.</summary>
        public double ErrorAfter => After / Measured - 1.0;
    }

    /// <summary>One benchmark run of the project's own that matched a deployment, and how the model compares with it.</summary>
    /// <param name="File">The result file, as the project names it.</param>
    /// <param name="Line">The 1-based line the run starts on.</param>
    /// <param name="Plan">The plan it was compared at, e.g. "TP8 x PP1 x DP1".</param>
    /// <param name="PlanSource">Where the plan came from: "the file", "the deployment's pinned degrees; the file states none", "the recommended plan; the file states none".</param>
    /// <param name="InputTokens">Mean prompt tokens per request in the run (rounded).</param>
    /// <param name="OutputTokens">Mean output tokens per request in the run (rounded).</param>
    /// <param name="Load">The load, as compared: "64 in flight", "2.5 req/s", "offline (capacity)".</param>
    /// <param name="TimeToFirstTokenMs">Mean time to first token, ms (null when the file does not state it).</param>
    /// <param name="TimePerOutputTokenMs">Mean time per output token (TPOT, or the mean inter-token latency), ms.</param>
    /// <param name="OutputTokensPerSecond">Output tokens per second of the run.</param>
    public sealed record MeasuredComparison(
        string File,
        int Line,
        string Plan,
        string PlanSource,
        int InputTokens,
        int OutputTokens,
        string Load,
        MeasuredFigure? TimeToFirstTokenMs,
        MeasuredFigure? TimePerOutputTokenMs,
        MeasuredFigure? OutputTokensPerSecond);

    /// <summary>
    /// How a deployment's estimates were corrected with the project's own benchmark results (docs/measurements.md):
    /// one factor per quantity, measured / predicted, the geometric mean over the matched runs, each bounded to
    /// [1/<see cref="MaxFactor"/>, <see cref="MaxFactor"/>]. The time-per-output-token factor scales the decode
    /// iteration's terms, the time-to-first-token factor the prefill terms; throughput follows from both.
    /// </summary>
    /// <param name="TimeToFirstTokenFactor">Applied to the prefill terms (1 when no run states a TTFT).</param>
    /// <param name="TimePerOutputTokenFactor">Applied to the decode iteration's terms (from TPOT, or from throughput where no run states a TPOT).</param>
    /// <param name="ThroughputFactor">Measured / predicted output throughput (reported; not applied on its own).</param>
    /// <param name="Residual">Root-mean-square relative error of the corrected predictions on the matched runs.</param>
    /// <param name="Runs">The matched runs, compared before and after.</param>
    public sealed record MeasurementCalibration(
        double TimeToFirstTokenFactor,
        double TimePerOutputTokenFactor,
        double ThroughputFactor,
        double Residual,
        IReadOnlyList<MeasuredComparison> Runs)
    {
        /// <summary>The most one correction factor may move an estimate, either way: one odd file cannot move estimates further.</summary>
        public const double MaxFactor = 1.5;

        /// <summary>Equal factors, residual and runs (the runs compared one by one, not as list references).</summary>
        public bool Equals(MeasurementCalibration? other) =>
            other is not null && TimeToFirstTokenFactor.Equals(other.TimeToFirstTokenFactor) && TimePerOutputTokenFactor.Equals(other.TimePerOutputTokenFactor) &&
            ThroughputFactor.Equals(other.ThroughputFactor) && Residual.Equals(other.Residual) && System.Linq.Enumerable.SequenceEqual(Runs, other.Runs);

        /// <inheritdoc />
        public override int GetHashCode()
        {
            int hash = TimeToFirstTokenFactor.GetHashCode() ^ (TimePerOutputTokenFactor.GetHashCode() * 31) ^ (Runs.Count * 997);
            return hash;
        }

        /// <inheritdoc />
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "TTFT x{0:0.000}, TPOT x{1:0.000} from {2} run(s), residual {3:0.0}%", TimeToFirstTokenFactor, TimePerOutputTokenFactor, Runs.Count, Residual * 100);
    }
}
