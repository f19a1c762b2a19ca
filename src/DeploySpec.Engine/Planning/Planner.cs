using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using DeploySpec.Cost;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>A plan that fits, with its memory, folded cost coefficients and key estimates.</summary>
    public sealed record EvaluatedPlan(
        Degrees Degrees,
        PartitionPlan Plan,
        MemoryBreakdown Memory,
        CostCoefficients Coefficients,
        PerformanceEstimate SingleRequest,
        PerformanceEstimate Peak,
        PerformanceEstimate BestWithinTargets,
        bool MeetsTargets)
    {
        public override string ToString() => Degrees.ToString();
    }

    /// <summary>Why a candidate is not a plan.</summary>
    public enum RejectionKind
    {
        /// <summary>The degrees cannot split this model (heads, layers, experts).</summary>
        Partition,
        /// <summary>Weights, activations and reserve exceed a GPU.</summary>
        Memory,
        /// <summary>What is left for the KV cache cannot hold one request of the longest context.</summary>
        Context,
        /// <summary>It fits, but holds fewer requests than the deployment's Concurrency.</summary>
        Concurrency,
    }

    /// <summary>A candidate that is not a plan, and why (with its memory when it got that far).</summary>
    public sealed record RejectedPlan(Degrees Degrees, RejectionKind Kind, string Reason, MemoryBreakdown? Memory = null);

    /// <summary>A Pareto-optimal operating point: a plan (index into Plans) at a concurrency.</summary>
    public sealed record FrontierEntry(int PlanIndex, PerformanceEstimate Estimate);

    /// <summary>Everything the planner concluded about one deployment.</summary>
    public sealed record PlanningResult(
        DeploymentSpec Deployment,
        IReadOnlyList<EvaluatedPlan> Plans,
        IReadOnlyList<RejectedPlan> Rejected,
        EvaluatedPlan? MinLatency,
        EvaluatedPlan? MaxThroughput,
        EvaluatedPlan? Recommended,
        IReadOnlyList<FrontierEntry> Frontier)
    {
        public bool HasPlans => Plans.Count > 0;

        public bool RecommendedMeetsTargets => Recommended?.MeetsTargets ?? false;
    }

    /// <summary>
    /// Enumerates TP x PP x DP (x EP) over the cluster's GPUs, keeps the plans that fit memory, costs them and
    /// ranks them. Deterministic: the same spec always gives the same result in the same order.
    /// </summary>
    public static class Planner
    {
        public static PlanningResult Plan(DeploymentSpec deployment, CostCalibration? calibration = null, CancellationToken cancellationToken = default)
        {
            calibration ??= CostCalibration.Default;
            var plans = new List<EvaluatedPlan>();
            var rejected = new List<RejectedPlan>();
            foreach (var degrees in Candidates(deployment, rejected))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var memory = MemoryModel.PerGpu(deployment, degrees);
                if (!memory.Fits)
                {
                    var kind = memory.KvCacheBytes <= 0 ? RejectionKind.Memory : RejectionKind.Context;
                    rejected.Add(new RejectedPlan(degrees, kind, DescribeMisfit(deployment, memory), memory));
                    continue;
                }

                int capacity = memory.RequestsPerReplica * degrees.DataParallel;
                if (deployment.Concurrency > 0 && capacity < deployment.Concurrency)
                {
                    rejected.Add(new RejectedPlan(degrees, RejectionKind.Concurrency, Format(
                        "holds {0} requests of {1} tokens at once ({2:0.0} GiB of KV per GPU), Concurrency requires {3}",
                        capacity, deployment.TokensPerRequest, memory.KvCacheBytes / Units.BytesPerGiB, deployment.Concurrency), memory));
                    continue;
                }

                plans.Add(Evaluate(deployment, degrees, memory, calibration));
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
            return new PlanningResult(deployment, plans, rejected, minLatency, maxThroughput, recommended, Frontier(plans));
        }

        /// <summary>Folds one plan and works out its key estimates.</summary>
        public static EvaluatedPlan Evaluate(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown memory, CostCalibration calibration)
        {
            var coefficients = CostModel.Specialize(deployment, degrees, memory, calibration);
            var plan = new PartitionPlan(degrees.TensorParallel, degrees.PipelineParallel, degrees.DataParallel,
                degrees.ExpertParallel, memory.ToRuntime(), coefficients.MaxConcurrency, Math.Round(memory.EngineMemoryFraction, 4));
            var single = CostEvaluator.Evaluate(coefficients, 1);
            var peak = CostEvaluator.Evaluate(coefficients, coefficients.MaxConcurrency);
            bool meets = MeetsTargets(deployment, single);
            var best = meets ? CostEvaluator.Evaluate(coefficients, MaxConcurrencyWithinTargets(deployment, coefficients)) : single;
            return new EvaluatedPlan(degrees, plan, memory, coefficients, single, peak, best, meets);
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
            var model = deployment.Model;
            int total = deployment.Cluster.TotalGpus;
            for (int tp = 1; tp <= total; tp++)
            {
                if (total % tp != 0 || (deployment.TensorParallel > 0 && tp != deployment.TensorParallel))
                {
                    continue;
                }

                string? tpProblem = TensorParallelProblem(model, tp);
                for (int pp = 1; pp <= total / tp; pp++)
                {
                    if ((total / tp) % pp != 0 || (deployment.PipelineParallel > 0 && pp != deployment.PipelineParallel))
                    {
                        continue;
                    }

                    int dp = total / (tp * pp);
                    if (tpProblem != null)
                    {
                        rejected?.Add(new RejectedPlan(new Degrees(tp, pp, dp, 1), RejectionKind.Partition, tpProblem));
                        continue;
                    }

                    if (pp > model.Layers)
                    {
                        rejected?.Add(new RejectedPlan(new Degrees(tp, pp, dp, 1), RejectionKind.Partition, Format("PP{0} exceeds the {1} layers", pp, model.Layers)));
                        continue;
                    }

                    foreach (int ep in ExpertParallelOptions(deployment, tp, dp))
                    {
                        string? epProblem = ExpertParallelProblem(model, tp, dp, ep);
                        if (epProblem != null)
                        {
                            rejected?.Add(new RejectedPlan(new Degrees(tp, pp, dp, ep), RejectionKind.Partition, epProblem));
                            continue;
                        }

                        yield return new Degrees(tp, pp, dp, ep);
                    }
                }
            }
        }

        public static string? TensorParallelProblem(ModelArchitecture model, int tp)
        {
            if (model.AttentionHeads % tp != 0)
            {
                return Format("TP{0} does not divide the {1} attention heads", tp, model.AttentionHeads);
            }

            int kv = model.EffectiveKeyValueHeads;
            if (!model.IsMla && kv % tp != 0 && tp % kv != 0)
            {
                return Format("TP{0} neither divides nor is a multiple of the {1} KV heads", tp, kv);
            }

            return null;
        }

        /// <summary>Whether EP can split this model's experts at all (independent of the cluster).</summary>
        public static string? ExpertParallelStructureProblem(ModelArchitecture model, int ep)
        {
            if (ep <= 1)
            {
                return null;
            }

            if (!model.IsMoe)
            {
                return Format("EP{0} on a dense model (no experts)", ep);
            }

            return model.Experts % ep != 0 ? Format("EP{0} does not divide the {1} experts", ep, model.Experts) : null;
        }

        public static string? ExpertParallelProblem(ModelArchitecture model, int tp, int dp, int ep)
        {
            if (ep == 1)
            {
                return null;
            }

            string? structure = ExpertParallelStructureProblem(model, ep);
            if (structure is not null)
            {
                return structure;
            }

            if ((tp * dp) % ep != 0)
            {
                return Format("EP{0} does not divide the {1} GPUs of a stage's TP x DP ranks", ep, tp * dp);
            }

            return null;
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
            for (int g = 2; g <= dp; g++)
            {
                if (dp % g == 0 && deployment.Model.Experts % (tp * g) == 0)
                {
                    yield return tp * g;
                }
            }
        }

        private static string DescribeMisfit(DeploymentSpec deployment, MemoryBreakdown memory)
        {
            const double GiB = Units.BytesPerGiB;
            double free = memory.CapacityBytes - memory.WeightsBytes - memory.ActivationsBytes - memory.ReserveBytes;
            if (memory.KvCacheBytes <= 0)
            {
                return Format(
                    "weights {0:0.0} GiB + activations {1:0.0} GiB + reserve {2:0.0} GiB exceed the {3:0.0} GiB of one GPU",
                    memory.WeightsBytes / GiB, memory.ActivationsBytes / GiB, memory.ReserveBytes / GiB, memory.CapacityBytes / GiB);
            }

            return Format(
                "one request of {0} tokens needs {1:0.00} GiB of KV per GPU, only {2:0.00} GiB left after weights {3:0.0} GiB (free {4:0.00} GiB)",
                deployment.ContextTokens, memory.KvBytesPerContextPerGpu / GiB, memory.KvCacheBytes / GiB, memory.WeightsBytes / GiB, free / GiB);
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

            int throughput = b.BestWithinTargets.OutputTokensPerSecond.CompareTo(a.BestWithinTargets.OutputTokensPerSecond);
            return throughput != 0 ? throughput : CompareLatency(a, b);
        }

        private static int CompareLatency(EvaluatedPlan a, EvaluatedPlan b)
        {
            int tpot = a.SingleRequest.TimePerOutputTokenMs.CompareTo(b.SingleRequest.TimePerOutputTokenMs);
            if (tpot != 0)
            {
                return tpot;
            }

            int ttft = a.SingleRequest.TimeToFirstTokenMs.CompareTo(b.SingleRequest.TimeToFirstTokenMs);
            return ttft != 0 ? ttft : CompareDegrees(a.Degrees, b.Degrees);
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

        /// <summary>
        /// The Pareto frontier of (per-user speed, throughput per GPU) over every plan at concurrency 1, 2, 4, ...
        /// up to its capacity, fastest per user first.
        /// </summary>
        public static IReadOnlyList<FrontierEntry> Frontier(IReadOnlyList<EvaluatedPlan> plans)
        {
            var points = new List<FrontierEntry>();
            for (int i = 0; i < plans.Count; i++)
            {
                var c = plans[i].Coefficients;
                for (int concurrency = 1; ; concurrency = concurrency >= c.MaxConcurrency / 2 ? c.MaxConcurrency : concurrency * 2)
                {
                    points.Add(new FrontierEntry(i, CostEvaluator.Evaluate(c, concurrency)));
                    if (concurrency >= c.MaxConcurrency)
                    {
                        break;
                    }
                }
            }

            var frontier = new List<FrontierEntry>();
            foreach (var p in points)
            {
                bool dominated = false;
                foreach (var q in points)
                {
                    bool noWorse = q.Estimate.OutputTokensPerSecondPerUser >= p.Estimate.OutputTokensPerSecondPerUser &&
                                   q.Estimate.OutputTokensPerSecondPerGpu >= p.Estimate.OutputTokensPerSecondPerGpu;
                    bool better = q.Estimate.OutputTokensPerSecondPerUser > p.Estimate.OutputTokensPerSecondPerUser ||
                                  q.Estimate.OutputTokensPerSecondPerGpu > p.Estimate.OutputTokensPerSecondPerGpu;
                    if (noWorse && better)
                    {
                        dominated = true;
                        break;
                    }
                }

                if (!dominated && !frontier.Exists(f => f.Estimate.OutputTokensPerSecondPerUser == p.Estimate.OutputTokensPerSecondPerUser &&
                                                        f.Estimate.OutputTokensPerSecondPerGpu == p.Estimate.OutputTokensPerSecondPerGpu))
                {
                    frontier.Add(p);
                }
            }

            frontier.Sort((a, b) =>
            {
                int speed = b.Estimate.OutputTokensPerSecondPerUser.CompareTo(a.Estimate.OutputTokensPerSecondPerUser);
                return speed != 0 ? speed : a.PlanIndex.CompareTo(b.PlanIndex);
            });
            return frontier;
        }

        private static string Format(string format, params object[] args) =>
            string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
