using System;
using System.Globalization;

namespace DeploySpec
{
    /// <summary>
    /// What a plan delivers at a given number of requests in flight (our cost model's estimate, not a measurement).
    /// </summary>
    public readonly struct PerformanceEstimate : IEquatable<PerformanceEstimate>
    {
        /// <summary>Creates an estimate.</summary>
        public PerformanceEstimate(int concurrency, double timeToFirstTokenMs, double timePerOutputTokenMs,
            double outputTokensPerSecond, double outputTokensPerSecondPerGpu)
        {
            Concurrency = concurrency;
            TimeToFirstTokenMs = timeToFirstTokenMs;
            TimePerOutputTokenMs = timePerOutputTokenMs;
            OutputTokensPerSecond = outputTokensPerSecond;
            OutputTokensPerSecondPerGpu = outputTokensPerSecondPerGpu;
        }

        /// <summary>Requests in flight in the whole deployment.</summary>
        public int Concurrency { get; }
        /// <summary>Arrival to first output token, in ms (queueing beyond the plan's capacity included).</summary>
        public double TimeToFirstTokenMs { get; }
        /// <summary>Mean time between consecutive output tokens of one request, in ms.</summary>
        public double TimePerOutputTokenMs { get; }
        /// <summary>Output tokens per second of the whole deployment.</summary>
        public double OutputTokensPerSecond { get; }
        /// <summary>Output tokens per second one request sees: 1000 / TimePerOutputTokenMs.</summary>
        public double OutputTokensPerSecondPerUser => 1000.0 / TimePerOutputTokenMs;
        /// <summary>Output tokens per second per GPU of the plan.</summary>
        public double OutputTokensPerSecondPerGpu { get; }

        /// <inheritdoc />
        public bool Equals(PerformanceEstimate other) =>
            Concurrency == other.Concurrency &&
            TimeToFirstTokenMs.Equals(other.TimeToFirstTokenMs) &&
            TimePerOutputTokenMs.Equals(other.TimePerOutputTokenMs) &&
            OutputTokensPerSecond.Equals(other.OutputTokensPerSecond) &&
            OutputTokensPerSecondPerGpu.Equals(other.OutputTokensPerSecondPerGpu);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is PerformanceEstimate other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() =>
            unchecked(Concurrency * 397 ^ TimePerOutputTokenMs.GetHashCode() * 31 ^ OutputTokensPerSecond.GetHashCode());

        /// <summary>"TTFT 512.3 ms, TPOT 17.86 ms (56.0 tok/s/user), 56.0 tok/s (7.0 tok/s/GPU) at 1 in flight".</summary>
        public override string ToString() => string.Format(
            CultureInfo.InvariantCulture,
            "TTFT {0:0.0} ms, TPOT {1:0.00} ms ({2:0.0} tok/s/user), {3:0.0} tok/s ({4:0.0} tok/s/GPU) at {5} in flight",
            TimeToFirstTokenMs, TimePerOutputTokenMs, OutputTokensPerSecondPerUser, OutputTokensPerSecond,
            OutputTokensPerSecondPerGpu, Concurrency);
    }

    /// <summary>A point of the Pareto frontier of throughput per GPU against per-user speed.</summary>
    public sealed class FrontierPoint
    {
        /// <summary>Creates a point.</summary>
        public FrontierPoint(PartitionPlan plan, PerformanceEstimate estimate)
        {
            Plan = plan ?? throw new ArgumentNullException(nameof(plan));
            Estimate = estimate;
        }

        /// <summary>The plan.</summary>
        public PartitionPlan Plan { get; }
        /// <summary>The plan's estimate at <see cref="Concurrency"/>.</summary>
        public PerformanceEstimate Estimate { get; }
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
