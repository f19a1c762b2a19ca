using System;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// Where speculative decoding pays on one plan: time per output token with and without it at one request, and the
    /// load (requests in flight in the whole deployment) from which it no longer lowers TPOT. The same split is sized and
    /// folded twice through the one cost model, once as declared and once with speculation off (no drafter weights or
    /// KV, one token per step), and the two are compared at equal requests in flight up to the smaller capacity.
    /// </summary>
    /// <param name="TpotWithMs">TPOT at one request with speculation, ms.</param>
    /// <param name="TpotWithoutMs">TPOT at one request without it, ms.</param>
    /// <param name="CrossoverConcurrency">The fewest requests in flight at which speculation's TPOT is no lower; null when it is lower up to <paramref name="ComparedUpTo"/>.</param>
    /// <param name="ComparedUpTo">Requests in flight compared up to: the smaller of the two capacities.</param>
    /// <param name="CapacityWith">Requests the plan holds with speculation (the drafter's KV and weights take room).</param>
    /// <param name="CapacityWithout">Requests it holds without.</param>
    public sealed record SpeculationPayoff(double TpotWithMs, double TpotWithoutMs, int? CrossoverConcurrency, int ComparedUpTo, int CapacityWith, int CapacityWithout)
    {
        /// <summary>TPOT without over TPOT with, at one request (above 1: speculation helps).</summary>
        public double SpeedupAtOneRequest => TpotWithoutMs / TpotWithMs;

        /// <summary>The payoff of <paramref name="spec"/>'s speculation on <paramref name="degrees"/>; null when the split does not fit either way or the spec does not speculate.</summary>
        public static SpeculationPayoff? Of(DeploymentSpec spec, Degrees degrees, CostCalibration? calibration = null)
        {
            if (!SpeculativeDecoding.Of(spec).IsOn)
            {
                return null;
            }

            calibration ??= CostCalibration.Default;
            var without = WithoutSpeculation(spec);
            var withMemory = MemoryModel.PerGpu(spec, degrees);
            var withoutMemory = MemoryModel.PerGpu(without, degrees);
            if (!withMemory.Fits || !withoutMemory.Fits)
            {
                return null;
            }

            var on = CostModel.Specialize(spec, degrees, withMemory, calibration);
            var off = CostModel.Specialize(without, degrees, withoutMemory, calibration);
            int upTo = Math.Min(on.MaxConcurrency, off.MaxConcurrency);
            bool Helps(int b) => CostEvaluator.Evaluate(on, b).TimePerOutputTokenMs < CostEvaluator.Evaluate(off, b).TimePerOutputTokenMs;

            int? crossover = null;
            if (!Helps(1))
            {
                crossover = 1;
            }
            else if (!Helps(upTo))
            {
                // The gain shrinks as load turns the verify step compute-bound: bisect for the first load where it is gone.
                int low = 1, high = upTo;
                while (high - low > 1)
                {
                    int mid = low + (high - low) / 2;
                    if (Helps(mid))
                    {
                        low = mid;
                    }
                    else
                    {
                        high = mid;
                    }
                }

                crossover = high;
            }

            return new SpeculationPayoff(CostEvaluator.Evaluate(on, 1).TimePerOutputTokenMs, CostEvaluator.Evaluate(off, 1).TimePerOutputTokenMs,
                crossover, upTo, on.MaxConcurrency, off.MaxConcurrency);
        }

        /// <summary>The same deployment with speculative decoding off.</summary>
        public static DeploymentSpec WithoutSpeculation(DeploymentSpec spec) =>
            spec with { Speculation = Speculation.None, SpeculativeTokens = 0, AcceptanceRate = 0, Draft = null };
    }
}
