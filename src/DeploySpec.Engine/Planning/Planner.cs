using System;
using System.Collections.Generic;
using System.Threading;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// Enumerates TP x PP x DP (x EP) over the cluster's GPUs, keeps the plans that fit memory, costs them and
    /// ranks them. Deterministic: the same spec always gives the same result in the same order.
    /// </summary>
    public static class Planner
    {
        public static PlanningResult Plan(DeploymentSpec deployment, CostCalibration? calibration = null, CancellationToken cancellationToken = default)
        {
            calibration ??= CostCalibration.Default;
            var screening = Screen(deployment, cancellationToken);
            var plans = new List<EvaluatedPlan>(screening.Fitting.Count);
            foreach (var candidate in screening.Fitting)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plans.Add(Evaluate(deployment, candidate.Degrees, candidate.Memory, calibration));
            }

            plans.Sort((a, b) => CompareForObjective(deployment.Objective, a, b));
            for (int i = 0; i < plans.Count; i++)
            {
                plans[i] = plans[i] with { Plan = plans[i].Plan with { Index = i } };
            }

            EvaluatedPlan? minLatency = null, maxThroughput = null;
            foreach (var plan in plans)
            {
                if (minLatency is null || CompareLatency(plan, minLatency) < 0)
                {
                    minLatency = plan;
                }

                if (maxThroughput is null || CompareThroughput(plan, maxThroughput) < 0)
                {
                    maxThroughput = plan;
                }
            }

            EvaluatedPlan? recommended = plans.Count == 0 ? null : plans[0].MeetsTargets ? plans[0] : minLatency;
            return new PlanningResult(deployment, plans, screening.Rejected, minLatency, maxThroughput, recommended, ParetoFrontier.Of(plans));
        }

        /// <summary>
        /// Every candidate judged on partitioning and memory alone (no cost model): what fits and holds the
        /// deployment's Concurrency, and why each other candidate is not a plan, in candidate order.
        /// </summary>
        public static Screening Screen(DeploymentSpec deployment, CancellationToken cancellationToken = default)
        {
            var fitting = new List<SizedCandidate>();
            var rejected = new List<RejectedPlan>();
            int position = 0;
            foreach (var degrees in Candidates(deployment, rejected))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var memory = MemoryModel.PerGpu(deployment, degrees);
                if (!memory.Fits)
                {
                    var kind = memory.KvCacheBytes <= 0 ? RejectionKind.Memory : RejectionKind.Context;
                    rejected.Add(new RejectedPlan(degrees, kind, CandidateRules.Misfit(deployment, degrees, memory), memory));
                }
                else if (CandidateRules.TooFewRequests(deployment, memory, Units.Requests(memory.RequestsPerReplica, degrees.DataParallel)) is { } tooFew)
                {
                    rejected.Add(new RejectedPlan(degrees, RejectionKind.Concurrency, tooFew, memory));
                }
                else
                {
                    fitting.Add(new SizedCandidate(degrees, memory, position));
                }

                position++;
            }

            return new Screening(fitting, rejected, position);
        }

        /// <summary>One plan's pool and runtime record, without its estimates (what generated code restores).</summary>
        public static (PartitionPlan Plan, PlanPool Pool) Fold(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown memory, CostCalibration calibration)
        {
            var pool = new PlanPool(degrees, memory, CostModel.Specialize(deployment, degrees, memory, calibration));
            var capacity = CostEvaluator.Evaluate(pool.Coefficients, pool.Coefficients.MaxConcurrency);
            return (new PartitionPlan(ToRuntime(pool), CostPerMillionOutputTokens: Math.Round(capacity.CostPerMillionOutputTokens, 6)), pool);
        }

        /// <summary>The runtime view of a pool: its split, memory per GPU, capacity and the engine's memory setting.</summary>
        public static ServingPool ToRuntime(PlanPool pool) =>
            new ServingPool(pool.Degrees.TensorParallel, pool.Degrees.PipelineParallel, pool.Degrees.DataParallel, pool.Degrees.ExpertParallel,
                pool.Memory.ToRuntime(), pool.Coefficients.MaxConcurrency, Math.Round(pool.Memory.EngineMemoryFraction, 4));

        /// <summary>Folds one plan and works out its key estimates.</summary>
        public static EvaluatedPlan Evaluate(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown memory, CostCalibration calibration)
        {
            var (plan, pool) = Fold(deployment, degrees, memory, calibration);
            var coefficients = pool.Coefficients;
            var single = CostEvaluator.Evaluate(coefficients, 1);
            var peak = CostEvaluator.Evaluate(coefficients, coefficients.MaxConcurrency);
            bool meets;
            PerformanceEstimate best;
            if (deployment.RequestsPerSecond > 0)
            {
                // A stated arrival rate: judged at that rate, queueing included; a plan that cannot sustain it meets nothing.
                best = CostEvaluator.EvaluateAtRate(coefficients, deployment.RequestsPerSecond);
                meets = !best.Saturated && MeetsTargets(deployment, best);
            }
            else
            {
                meets = MeetsTargets(deployment, single);
                best = meets ? CostEvaluator.Evaluate(coefficients, MaxConcurrencyWithinTargets(deployment, coefficients)) : single;
            }

            return new EvaluatedPlan(pool, plan, single, peak, best, meets);
        }

        public static bool MeetsTargets(DeploymentSpec deployment, PerformanceEstimate estimate) =>
            (deployment.MaxTimeToFirstTokenMs <= 0 || estimate.TimeToFirstTokenMs <= deployment.MaxTimeToFirstTokenMs) &&
            (deployment.MaxTimePerOutputTokenMs <= 0 || estimate.TimePerOutputTokenMs <= deployment.MaxTimePerOutputTokenMs);

        /// <summary>Largest concurrency (up to capacity) whose estimate meets the targets; latency grows with load.</summary>
        public static int MaxConcurrencyWithinTargets(DeploymentSpec deployment, CostCoefficients coefficients)
        {
            int low = 1, high = coefficients.MaxConcurrency;
            if (MeetsTargets(deployment, CostEvaluator.Evaluate(coefficients, high)))
            {
                return high;
            }

            while (high - low > 1)
            {
                int mid = low + (high - low) / 2;
                if (MeetsTargets(deployment, CostEvaluator.Evaluate(coefficients, mid)))
                {
                    low = mid;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }

        /// <summary>
        /// Candidates over all the cluster's GPUs (TP x PP x DP = GPUs). TP must split the attention heads (and the
        /// KV heads, or be a multiple of them: vLLM then replicates); PP at most one layer per stage; EP for MoE
        /// spans whole replicas and must split the experts. Pinned degrees restrict the search.
        /// </summary>
        public static IEnumerable<Degrees> Candidates(DeploymentSpec deployment, List<RejectedPlan>? rejected = null)
        {
            int total = deployment.Cluster.TotalGpus;
            var divisors = Divisors(total);
            foreach (int tp in divisors)
            {
                if (deployment.TensorParallel > 0 && tp != deployment.TensorParallel)
                {
                    continue;
                }

                var heads = CandidateRules.Heads(deployment, tp);
                foreach (int pp in divisors)
                {
                    if ((total / tp) % pp != 0 || (deployment.PipelineParallel > 0 && pp != deployment.PipelineParallel))
                    {
                        continue;
                    }

                    int dp = total / (tp * pp);
                    if ((heads ?? CandidateRules.Layers(deployment, pp)) is { } partition)
                    {
                        rejected?.Add(new RejectedPlan(new Degrees(tp, pp, dp, 1), RejectionKind.Partition, partition));
                        continue;
                    }

                    foreach (int ep in ExpertParallelOptions(deployment, tp, dp))
                    {
                        if (CandidateRules.ExpertRanks(deployment, tp, dp, ep) is { } experts)
                        {
                            rejected?.Add(new RejectedPlan(new Degrees(tp, pp, dp, ep), RejectionKind.Partition, experts));
                            continue;
                        }

                        yield return new Degrees(tp, pp, dp, ep);
                    }
                }
            }
        }

        /// <summary>The divisors of <paramref name="n"/> in ascending order, found in O(sqrt n) (clusters may hold millions of GPUs).</summary>
        private static List<int> Divisors(int n)
        {
            var low = new List<int>();
            var high = new List<int>();
            for (int d = 1; (long)d * d <= n; d++)
            {
                if (n % d == 0)
                {
                    low.Add(d);
                    if (d != n / d)
                    {
                        high.Add(n / d);
                    }
                }
            }

            high.Reverse();
            low.AddRange(high);
            return low;
        }

        private static IEnumerable<int> ExpertParallelOptions(DeploymentSpec deployment, int tp, int dp)
        {
            if (deployment.ExpertParallel > 0)
            {
                yield return deployment.ExpertParallel;
                yield break;
            }

            yield return 1;
            if (!deployment.Model.IsMoe)
            {
                yield break;
            }

            // EP spanning g > 1 replicas shares one copy of the experts between them (wide expert parallelism).
            for (int g = 2; g <= dp && (long)tp * g <= deployment.Model.Experts; g++)
            {
                if (dp % g == 0 && deployment.Model.Experts % (tp * g) == 0)
                {
                    yield return tp * g;
                }
            }
        }

        private static int CompareForObjective(Objective objective, EvaluatedPlan a, EvaluatedPlan b)
        {
            int meets = b.MeetsTargets.CompareTo(a.MeetsTargets);
            if (meets != 0)
            {
                return meets;
            }

            if (objective == Objective.MinLatency || !a.MeetsTargets)
            {
                return CompareLatency(a, b);
            }

            if (objective == Objective.MinCost)
            {
                // Cheapest per token within the targets; with no price every GPU costs the same, so output per GPU decides.
                double costA = a.BestWithinTargets.CostPerMillionOutputTokens, costB = b.BestWithinTargets.CostPerMillionOutputTokens;
                int cost = costA > 0 && costB > 0 ? costA.CompareTo(costB)
                    : b.BestWithinTargets.OutputTokensPerSecondPerGpu.CompareTo(a.BestWithinTargets.OutputTokensPerSecondPerGpu);
                if (cost != 0)
                {
                    return cost;
                }
            }

            int throughput = b.BestWithinTargets.OutputTokensPerSecond.CompareTo(a.BestWithinTargets.OutputTokensPerSecond);
            if (throughput != 0)
            {
                return throughput;
            }

            // At a stated arrival rate every plan that meets the targets serves the same throughput: the faster there wins.
            int atRate = a.BestWithinTargets.TimePerOutputTokenMs.CompareTo(b.BestWithinTargets.TimePerOutputTokenMs);
            return atRate != 0 ? atRate : CompareLatency(a, b);
        }

        private static int CompareLatency(EvaluatedPlan a, EvaluatedPlan b)
        {
            int tpot = a.SingleRequest.TimePerOutputTokenMs.CompareTo(b.SingleRequest.TimePerOutputTokenMs);
            if (tpot != 0)
            {
                return tpot;
            }

            int ttft = a.SingleRequest.TimeToFirstTokenMs.CompareTo(b.SingleRequest.TimeToFirstTokenMs);
            return ttft != 0 ? ttft : CompareDegrees(a.Pool.Degrees, b.Pool.Degrees);
        }

        private static int CompareThroughput(EvaluatedPlan a, EvaluatedPlan b)
        {
            int peak = b.Peak.OutputTokensPerSecond.CompareTo(a.Peak.OutputTokensPerSecond);
            return peak != 0 ? peak : CompareLatency(a, b);
        }

        private static int CompareDegrees(Degrees a, Degrees b)
        {
            int c = a.TensorParallel.CompareTo(b.TensorParallel);
            if (c == 0) c = a.PipelineParallel.CompareTo(b.PipelineParallel);
            if (c == 0) c = a.DataParallel.CompareTo(b.DataParallel);
            if (c == 0) c = a.ExpertParallel.CompareTo(b.ExpertParallel);
            return c;
        }
    }
}
