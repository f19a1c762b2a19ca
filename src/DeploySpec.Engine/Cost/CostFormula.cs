using System;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// The closed-form evaluator: a steady state of continuous batching (docs/cost-model.md).
    /// With b requests in flight on a replica of PP stages, n = min(b, PP) micro-batches of m = b/n sequences:
    /// <list type="bullet">
    /// <item>TPOT(b) = PP*T(m) + (PP-1)*hop(m) + step(b) + (b-1)/OSL * stage prefill (others' prompts interleave),
    /// where step(b) = fixed + per-sequence x b is the engine's own work each iteration (scheduling, sampling).</item>
    /// <item>TTFT = PP stage prefills + hops + step (+ queueing once requests exceed capacity).</item>
    /// <item>replica throughput = b*OSL / (TTFT + (OSL-1)*TPOT) by Little's law.</item>
    /// </list>
    /// The generator emits this same arithmetic, specialised per plan; a differential test holds them together.
    /// </summary>
    public static class CostFormula
    {
        /// <summary>Cost of one micro-batch of <paramref name="m"/> sequences on the bottleneck stage, in seconds.</summary>
        public static double StageSeconds(PlanCoefficients c, double m)
        {
            double weights = c.DenseWeightSeconds;
            if (c.HasExperts)
            {
                weights += c.ExpertWeightSeconds * (1.0 - Math.Pow(c.ExpertMissProbability, m));
            }

            double gemm = Math.Max(m * c.GemmSecondsPerSequence, weights);
            return gemm + m * (c.AttentionSecondsPerSequence + c.CollectiveSecondsPerSequence) + c.CollectiveLatencySeconds;
        }

        public static PerformanceEstimate Evaluate(PlanCoefficients c, int concurrency)
        {
            if (concurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "Concurrency must be at least 1.");
            }

            double admitted = Math.Min(concurrency, c.MaxConcurrency);
            double replicas = Math.Min(c.Replicas, admitted);
            double b = admitted / replicas;
            double microBatches = Math.Min(b, c.Stages);
            double m = b / microBatches;

            double tpot = c.Stages * StageSeconds(c, m)
                + (c.Stages - 1) * (c.HopLatencySeconds + m * c.HopSecondsPerSequence)
                + c.StepOverheadSeconds + b * c.StepSecondsPerSequence
                + (b - 1.0) / c.OutputTokens * c.StagePrefillSeconds;
            double ttft = c.PrefillLatencySeconds;
            double throughput = replicas * b * c.OutputTokens / (ttft + (c.OutputTokens - 1) * tpot);
            if (concurrency > c.MaxConcurrency)
            {
                ttft += (concurrency - (double)c.MaxConcurrency) * c.OutputTokens / throughput;
            }

            return new PerformanceEstimate(concurrency, ttft * 1e3, tpot * 1e3, throughput, throughput / c.GpuCount);
        }
    }
}
