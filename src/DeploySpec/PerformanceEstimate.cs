using System.Globalization;

namespace DeploySpec
{
    /// <summary>
    /// What a plan delivers at a given number of requests in flight (our cost model's estimate, not a measurement).
    /// </summary>
    /// <param name="Concurrency">Requests in flight in the whole deployment.</param>
    /// <param name="TimeToFirstTokenMs">Arrival to first output token, in ms (queueing beyond the plan's capacity included).</param>
    /// <param name="TimePerOutputTokenMs">Mean time between consecutive output tokens of one request, in ms.</param>
    /// <param name="OutputTokensPerSecond">Output tokens per second of the whole deployment.</param>
    /// <param name="OutputTokensPerSecondPerGpu">Output tokens per second per GPU of the plan.</param>
    public readonly record struct PerformanceEstimate(
        int Concurrency,
        double TimeToFirstTokenMs,
        double TimePerOutputTokenMs,
        double OutputTokensPerSecond,
        double OutputTokensPerSecondPerGpu)
    {
        /// <summary>Output tokens per second one request sees: 1000 / TimePerOutputTokenMs.</summary>
        public double OutputTokensPerSecondPerUser => 1000.0 / TimePerOutputTokenMs;

        /// <summary>"TTFT 512.3 ms, TPOT 17.86 ms (56.0 tok/s/user), 56.0 tok/s (7.0 tok/s/GPU) at 1 in flight".</summary>
        public override string ToString() => string.Format(
            CultureInfo.InvariantCulture,
            "TTFT {0:0.0} ms, TPOT {1:0.00} ms ({2:0.0} tok/s/user), {3:0.0} tok/s ({4:0.0} tok/s/GPU) at {5} in flight",
            TimeToFirstTokenMs, TimePerOutputTokenMs, OutputTokensPerSecondPerUser, OutputTokensPerSecond,
            OutputTokensPerSecondPerGpu, Concurrency);
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
