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
            var ratios = new Dictionary<(Degrees Prefill, Degrees Decode), int>();
            var best = new List<(SizedCandidate Candidate, double Output)>();
            var folded = new Dictionary<Degrees, CostCoefficients>(); // a pool's coefficients, the same whichever pool it pairs with
            foreach (var candidate in screening.Fitting)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (candidate.PrefillDegrees is not { } prefill)
                {
                    plans.Add(Evaluate(deployment, candidate, calibration));
                    continue;
                }

                // One disaggregated plan per pair of worker shapes: the ratio of prefill to decode workers whose rates
                // match best, i.e. the most output at capacity (then the fewer GPUs, then the fewer prefill workers),
                // chosen on the pools' costs alone; only the chosen ratio is evaluated in full.
                var (decodePool, prefillPool, transfer) = FoldPools(deployment, candidate, calibration, folded);
                var costs = CostsOf(decodePool, prefillPool, transfer);
                double output = CostEvaluator.Evaluate(costs, costs.MaxConcurrency).OutputTokensPerSecond;
                var key = (WorkerShape(prefill), WorkerShape(candidate.Degrees));
                if (!ratios.TryGetValue(key, out int at))
                {
                    ratios[key] = best.Count;
                    best.Add((candidate, output));
                }
                else if (BetterRatio(candidate, output, best[at].Candidate, best[at].Output))
                {
                    best[at] = (candidate, output);
                }
            }

            foreach (var (candidate, _) in best)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plans.Add(Evaluate(deployment, candidate, calibration));
            }

            plans.Sort((a, b) => CompareForObjective(deployment, a, b));
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
            return new PlanningResult(deployment, plans, screening.Rejected, minLatency, maxThroughput, recommended, ParetoFrontier.Of(plans), screening.CandidateCount);
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
            if (deployment.Mode != ServingMode.Disaggregated)
            {
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
            }

            // Disaggregated candidates that do not fit are not listed one by one: each pool's split is also an
            // aggregated candidate, whose rejection says why it does not fit.
            var workers = new Dictionary<Degrees, MemoryBreakdown>();
            foreach (var (prefill, decode) in DisaggregatedCandidates(deployment))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var prefillMemory = PoolMemory(deployment, prefill, workers);
                var decodeMemory = PoolMemory(deployment, decode, workers);
                if (prefillMemory.Fits && decodeMemory.Fits &&
                    CandidateRules.TooFewRequests(deployment, decodeMemory, Units.Requests(decodeMemory.RequestsPerReplica, decode.DataParallel)) is null)
                {
                    fitting.Add(new SizedCandidate(decode, decodeMemory, position, prefill, prefillMemory));
                }

                position++;
            }

            return new Screening(fitting, rejected, position);
        }

        /// <summary>A pool's memory: that of one of its workers, the same for every count of them (sized once per worker shape and count).</summary>
        private static MemoryBreakdown PoolMemory(DeploymentSpec deployment, Degrees pool, Dictionary<Degrees, MemoryBreakdown> sized)
        {
            if (!sized.TryGetValue(pool, out var memory))
            {
                memory = MemoryModel.PerGpu(deployment, pool);
                sized[pool] = memory;
            }

            return memory;
        }

        /// <summary>
        /// Disaggregated candidates, after the aggregated ones: a prefill pool of x workers and a decode pool of y
        /// workers, each worker one pipeline stage of TP GPUs whose sizes divide one another (the larger workers are
        /// placed first, so no worker straddles a node); each pool's experts split within its workers' TP groups or
        /// spread over all its workers (the widest expert parallelism that splits them). For each pair of worker
        /// sizes, x takes every value from 1 (at most <see cref="RatioSteps"/> of them, evenly spread, on large
        /// clusters) and the decode workers fill the GPUs left. None when the deployment pins aggregated serving or any degree.
        /// </summary>
        public static IEnumerable<(Degrees Prefill, Degrees Decode)> DisaggregatedCandidates(DeploymentSpec deployment)
        {
            int total = deployment.Cluster.TotalGpus;
            if (deployment.Mode == ServingMode.Aggregated || deployment.PinsDegrees || total < 2)
            {
                yield break;
            }

            var sizes = new List<int>();
            foreach (int tp in Divisors(total))
            {
                if (tp < total && CandidateRules.Heads(deployment, tp) is null)
                {
                    sizes.Add(tp);
                }
            }

            foreach (int prefillTp in sizes)
            {
                foreach (int decodeTp in sizes)
                {
                    if (prefillTp % decodeTp != 0 && decodeTp % prefillTp != 0)
                    {
                        continue;
                    }

                    int maxX = (total - decodeTp) / prefillTp;
                    int previous = 0;
                    for (int step = 1; step <= Math.Min(maxX, RatioSteps); step++)
                    {
                        int x = maxX <= RatioSteps ? step : (int)((long)step * maxX / RatioSteps);
                        if (x <= previous)
                        {
                            continue;
                        }

                        previous = x;
                        int y = (total - x * prefillTp) / decodeTp;
                        foreach (int prefillEp in PoolExpertParallelism(deployment, prefillTp, x))
                        {
                            foreach (int decodeEp in PoolExpertParallelism(deployment, decodeTp, y))
                            {
                                yield return (new Degrees(prefillTp, 1, x, prefillEp), new Degrees(decodeTp, 1, y, decodeEp));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Counts of prefill workers tried per pair of worker sizes: all of them up to this many, else this many evenly spread.</summary>
        public const int RatioSteps = 16;

        /// <summary>A disaggregated pool's expert parallelism: within each worker's TP group, and spread over all its workers (the widest that splits the experts).</summary>
        private static IEnumerable<int> PoolExpertParallelism(DeploymentSpec deployment, int tp, int workers)
        {
            int widest = 0;
            foreach (int ep in ExpertParallelOptions(deployment, tp, workers))
            {
                if (CandidateRules.ExpertRanks(deployment, tp, workers, ep) is not null)
                {
                    continue;
                }

                if (ep <= tp)
                {
                    yield return ep;
                }
                else
                {
                    widest = ep;
                }
            }

            if (widest > 0)
            {
                yield return widest;
            }
        }

        /// <summary>A worker's shape, whatever the pool's count of them: its TP and how far its experts spread (per worker).</summary>
        private static Degrees WorkerShape(Degrees pool) => new(pool.TensorParallel, pool.PipelineParallel, 1, pool.ExpertParallel > pool.TensorParallel ? -1 : pool.ExpertParallel);

        /// <summary>The better ratio of two disaggregated candidates of the same worker shapes: more output at capacity, then fewer GPUs, then fewer prefill workers.</summary>
        private static bool BetterRatio(SizedCandidate a, double outputA, SizedCandidate b, double outputB)
        {
            int output = outputA.CompareTo(outputB);
            if (output != 0)
            {
                return output > 0;
            }

            int gpus = (a.Degrees.GpuCount + a.PrefillDegrees!.Value.GpuCount).CompareTo(b.Degrees.GpuCount + b.PrefillDegrees!.Value.GpuCount);
            return gpus != 0 ? gpus < 0 : a.PrefillDegrees.Value.DataParallel < b.PrefillDegrees.Value.DataParallel;
        }

        /// <summary>
        /// One plan's pools and runtime record, without its estimates (what generated code restores): an aggregated
        /// candidate's one pool; a disaggregated one's decode pool (its coefficients without prefill work), prefill pool
        /// and KV transfer.
        /// </summary>
        public static FoldedPlan Fold(DeploymentSpec deployment, SizedCandidate candidate, CostCalibration calibration)
        {
            var (pool, prefill, transfer) = FoldPools(deployment, candidate, calibration);
            var costs = CostsOf(pool, prefill, transfer);
            var capacity = CostEvaluator.Evaluate(costs, costs.MaxConcurrency);
            var plan = new PartitionPlan(ToRuntime(pool), CostPerMillionOutputTokens: Math.Round(capacity.CostPerMillionOutputTokens, 6),
                Prefill: prefill is null ? null : ToRuntime(prefill), KvTransferMs: Math.Round(transfer * 1e3, 4),
                GoodputRequestsPerSecond: SignificantDigits(Goodput(deployment, costs), 6));
            return new FoldedPlan(plan, pool, prefill, transfer);
        }

        /// <summary>What the evaluator takes for a plan of these pools: the one place a plan's <see cref="PlanCosts"/> is put together.</summary>
        public static PlanCosts CostsOf(PlanPool pool, PlanPool? prefill, double kvTransferSeconds) =>
            new(pool.Coefficients, prefill?.Coefficients ?? default, kvTransferSeconds);

        /// <summary>A candidate's pools and the KV transfer between them, folded by the cost model (no estimates).</summary>
        private static (PlanPool Pool, PlanPool? Prefill, double KvTransferSeconds) FoldPools(DeploymentSpec deployment, SizedCandidate candidate, CostCalibration calibration,
            Dictionary<Degrees, CostCoefficients>? folded = null)
        {
            CostCoefficients Specialize(Degrees degrees, MemoryBreakdown memory)
            {
                if (folded is null)
                {
                    return CostModel.Specialize(deployment, degrees, memory, calibration);
                }

                if (!folded.TryGetValue(degrees, out var coefficients))
                {
                    coefficients = CostModel.Specialize(deployment, degrees, memory, calibration);
                    folded[degrees] = coefficients;
                }

                return coefficients;
            }

            PlanPool? prefill = null;
            double transfer = 0;
            var coefficients = Specialize(candidate.Degrees, candidate.Memory);
            if (candidate.PrefillDegrees is { } prefillDegrees && candidate.PrefillMemory is { } prefillMemory)
            {
                prefill = new PlanPool(prefillDegrees, prefillMemory, Specialize(prefillDegrees, prefillMemory));
                coefficients = CostModel.DecodeOnly(coefficients);
                transfer = CostModel.KvTransferSeconds(deployment, prefillDegrees, candidate.Degrees, calibration);
            }

            return (new PlanPool(candidate.Degrees, candidate.Memory, coefficients), prefill, transfer);
        }

        /// <summary>The runtime view of a pool: its split, memory per GPU, capacity and the engine's memory setting.</summary>
        public static ServingPool ToRuntime(PlanPool pool) =>
            new ServingPool(pool.Degrees.TensorParallel, pool.Degrees.PipelineParallel, pool.Degrees.DataParallel, pool.Degrees.ExpertParallel,
                pool.Memory.ToRuntime(), pool.Coefficients.MaxConcurrency, Math.Round(pool.Memory.EngineMemoryFraction, 4));

        /// <summary>Folds one aggregated plan and works out its key estimates.</summary>
        public static EvaluatedPlan Evaluate(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown memory, CostCalibration calibration) =>
            Evaluate(deployment, new SizedCandidate(degrees, memory, -1), calibration);

        /// <summary>Folds one plan (aggregated or disaggregated) and works out its key estimates.</summary>
        public static EvaluatedPlan Evaluate(DeploymentSpec deployment, SizedCandidate candidate, CostCalibration calibration)
        {
            var folded = Fold(deployment, candidate, calibration);
            var plan = folded.Plan;
            var coefficients = folded.Costs;
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

            return new EvaluatedPlan(folded.Pool, plan, single, peak, best, meets, folded.Prefill, folded.KvTransferSeconds, candidate.Position);
        }

        /// <summary>True when <paramref name="estimate"/> meets the deployment's latency targets in their statistic (the mean, P90 or P99).</summary>
        public static bool MeetsTargets(DeploymentSpec deployment, PerformanceEstimate estimate) =>
            (deployment.MaxTimeToFirstTokenMs <= 0 || estimate.TimeToFirstTokenMsAt(deployment.TargetStatistic) <= deployment.MaxTimeToFirstTokenMs) &&
            (deployment.MaxTimePerOutputTokenMs <= 0 || estimate.TimePerOutputTokenMsAt(deployment.TargetStatistic) <= deployment.MaxTimePerOutputTokenMs);

        /// <summary>True when the deployment states a latency target (TTFT or TPOT).</summary>
        public static bool HasLatencyTargets(DeploymentSpec deployment) => deployment.MaxTimeToFirstTokenMs > 0 || deployment.MaxTimePerOutputTokenMs > 0;

        /// <summary>Rounds of bisection <see cref="Goodput"/> runs at most.</summary>
        public const int GoodputIterations = 50;

        /// <summary>
        /// Goodput: the highest arrival rate, requests per second, at which <see cref="CostEvaluator.EvaluateAtRate(in PlanCosts, double)"/>
        /// is not saturated and meets the targets in the deployment's statistic (latency grows with the rate, so
        /// bisection over (0, capacity): at most <see cref="GoodputIterations"/> rounds, until the bracket is within
        /// 1e-8 of capacity; deterministic). Without targets, the plan's capacity rate; 0 when even a trickle of
        /// requests (a billionth of capacity) misses them. Allocation-free.
        /// </summary>
        public static double Goodput(DeploymentSpec deployment, in PlanCosts costs)
        {
            double capacity = CostEvaluator.CapacityRequestsPerSecond(costs);
            if (!(capacity > 0) || double.IsInfinity(capacity))
            {
                return 0;
            }

            if (!HasLatencyTargets(deployment))
            {
                return capacity;
            }

            if (!Sustains(deployment, costs, capacity * 1e-9))
            {
                return 0;
            }

            double low = capacity * 1e-9, high = capacity;
            for (int i = 0; i < GoodputIterations && high - low > 1e-8 * capacity; i++)
            {
                double mid = 0.5 * (low + high);
                if (Sustains(deployment, costs, mid))
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

        /// <summary>True when the plan serves <paramref name="requestsPerSecond"/> without saturating and within the targets.</summary>
        private static bool Sustains(DeploymentSpec deployment, in PlanCosts costs, double requestsPerSecond)
        {
            var estimate = CostEvaluator.EvaluateAtRate(costs, requestsPerSecond);
            return !estimate.Saturated && MeetsTargets(deployment, estimate);
        }

        /// <summary><paramref name="value"/> to <paramref name="digits"/> significant digits (a deterministic figure for plan records).</summary>
        public static double SignificantDigits(double value, int digits)
        {
            if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
            {
                return value;
            }

            int decimals = digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
            if (decimals >= 0)
            {
                return Math.Round(value, Math.Min(decimals, 15));
            }

            double scale = Math.Pow(10, -decimals);
            return Math.Round(value / scale) * scale;
        }

        /// <summary>Largest concurrency (up to capacity) whose estimate meets the targets; latency grows with load.</summary>
        public static int MaxConcurrencyWithinTargets(DeploymentSpec deployment, in PlanCosts coefficients)
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

        private static int CompareForObjective(DeploymentSpec deployment, EvaluatedPlan a, EvaluatedPlan b)
        {
            var objective = deployment.Objective;
            int meets = b.MeetsTargets.CompareTo(a.MeetsTargets);
            if (meets != 0)
            {
                return meets;
            }

            if (objective == Objective.MinLatency || !a.MeetsTargets)
            {
                return CompareLatency(a, b);
            }

            if (HasLatencyTargets(deployment))
            {
                // With latency targets the plan worth most is the one that serves the most requests within them: goodput
                // per GPU (MaxThroughput), or the price of a request at goodput (MinCost; with no price, goodput per GPU).
                int goodput = GoodputValue(objective, b).CompareTo(GoodputValue(objective, a));
                if (goodput != 0)
                {
                    return goodput;
                }
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

            // Per GPU, as Objective.MaxThroughput says: every aggregated plan uses all the cluster's GPUs (the same order as
            // the total), a disaggregated one may leave some idle and must not win by the total of fewer GPUs.
            int throughput = b.BestWithinTargets.OutputTokensPerSecondPerGpu.CompareTo(a.BestWithinTargets.OutputTokensPerSecondPerGpu);
            if (throughput != 0)
            {
                return throughput;
            }

            // At a stated arrival rate every plan that meets the targets serves the same throughput: the faster there wins.
            int atRate = a.BestWithinTargets.TimePerOutputTokenMs.CompareTo(b.BestWithinTargets.TimePerOutputTokenMs);
            return atRate != 0 ? atRate : CompareLatency(a, b);
        }

        /// <summary>
        /// What goodput is worth to <paramref name="objective"/>, larger is better: output tokens per second per GPU at
        /// goodput, or for <see cref="Objective.MinCost"/> with a price, requests per dollar at goodput (goodput x 3600 /
        /// price per hour, the inverse of the price of a request).
        /// </summary>
        private static double GoodputValue(Objective objective, EvaluatedPlan plan)
        {
            double pricePerHour = plan.Pool.Coefficients.PricePerHour + (plan.Prefill?.Coefficients.PricePerHour ?? 0);
            return objective == Objective.MinCost && pricePerHour > 0
                ? plan.GoodputRequestsPerSecond * 3600.0 / pricePerHour
                : plan.GoodputRequestsPerSecond * plan.Pool.Coefficients.OutputTokens / plan.Plan.GpuCount;
        }

        private static int CompareLatency(EvaluatedPlan a, EvaluatedPlan b)
        {
            int tpot = a.SingleRequest.TimePerOutputTokenMs.CompareTo(b.SingleRequest.TimePerOutputTokenMs);
            if (tpot != 0)
            {
                return tpot;
            }

            int ttft = a.SingleRequest.TimeToFirstTokenMs.CompareTo(b.SingleRequest.TimeToFirstTokenMs);
            if (ttft != 0)
            {
                return ttft;
            }

            // Aggregated before disaggregated, then by split (decode pool, then prefill pool).
            int mode = a.Mode.CompareTo(b.Mode);
            if (mode != 0)
            {
                return mode;
            }

            int pool = CompareDegrees(a.Pool.Degrees, b.Pool.Degrees);
            return pool != 0 || a.Prefill is null || b.Prefill is null ? pool : CompareDegrees(a.Prefill.Degrees, b.Prefill.Degrees);
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

    /// <summary>A plan folded from its candidate: the runtime record, its pools and the KV transfer between them.</summary>
    public sealed record FoldedPlan(PartitionPlan Plan, PlanPool Pool, PlanPool? Prefill, double KvTransferSeconds)
    {
        /// <summary>What the evaluator takes for this plan.</summary>
        public PlanCosts Costs => Planner.CostsOf(Pool, Prefill, KvTransferSeconds);
    }
}
