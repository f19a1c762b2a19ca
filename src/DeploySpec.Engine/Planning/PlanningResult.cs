using System.Collections.Generic;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Memory;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// One pool of a plan as the engine sizes it: its split (<see cref="Degrees"/>, DataParallel = workers), the
    /// memory of its most loaded GPU and its folded cost coefficients. The runtime view is <see cref="ServingPool"/>.
    /// </summary>
    public sealed record PlanPool(Degrees Degrees, MemoryBreakdown Memory, CostCoefficients Coefficients)
    {
        public override string ToString() => Degrees.ToString();
    }

    /// <summary>
    /// A plan that fits: its pool (split, memory, folded cost coefficients), for a disaggregated plan its prefill pool
    /// and the KV transfer between them, its runtime record and key estimates.
    /// </summary>
    /// <param name="Pool">The pool that decodes: an aggregated plan's only pool, a disaggregated plan's decode pool.</param>
    /// <param name="Plan">The runtime record.</param>
    /// <param name="SingleRequest">The estimate with one request in flight.</param>
    /// <param name="Peak">The estimate at capacity.</param>
    /// <param name="BestWithinTargets">The estimate at the most load that meets the targets (at the stated rate, when one is).</param>
    /// <param name="MeetsTargets">True when the plan meets the latency targets.</param>
    /// <param name="Prefill">A disaggregated plan's prefill pool; null when aggregated.</param>
    /// <param name="KvTransferSeconds">Time to send one request's KV cache from the prefill pool to the decode pool, s (0 when aggregated).</param>
    /// <param name="Position">Its candidate's position among the planner's candidates (<see cref="SizedCandidate.Position"/>), as plan tables write it; -1 when evaluated outside a search.</param>
    public sealed record EvaluatedPlan(
        PlanPool Pool,
        PartitionPlan Plan,
        PerformanceEstimate SingleRequest,
        PerformanceEstimate Peak,
        PerformanceEstimate BestWithinTargets,
        bool MeetsTargets,
        PlanPool? Prefill = null,
        double KvTransferSeconds = 0,
        int Position = -1)
    {
        /// <summary>Aggregated or disaggregated.</summary>
        public ServingMode Mode => Prefill is null ? ServingMode.Aggregated : ServingMode.Disaggregated;

        /// <summary>What the evaluator takes for this plan.</summary>
        public PlanCosts Costs => Planner.CostsOf(Pool, Prefill, KvTransferSeconds);

        /// <summary>
        /// The highest arrival rate the plan sustains within the latency targets in the deployment's statistic, requests
        /// per second (<see cref="Planner.Goodput"/>, as <see cref="PartitionPlan.GoodputRequestsPerSecond"/> rounds it).
        /// </summary>
        public double GoodputRequestsPerSecond => Plan.GoodputRequestsPerSecond;

        public override string ToString() => Plan.ToString();
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

    /// <summary>A candidate that is not a plan, and why: the typed finding (with its memory when it got that far).</summary>
    public sealed record RejectedPlan(Degrees Degrees, RejectionKind Kind, Finding Finding, MemoryBreakdown? Memory = null)
    {
        /// <summary>The finding's message without its subject, as the generated RejectedPlans give it.</summary>
        public string Reason => Finding.Reason;
    }

    /// <summary>A candidate that fits memory and holds the requests the deployment asks for, before it is costed.</summary>
    /// <param name="Degrees">The split.</param>
    /// <param name="Memory">Its memory on the most loaded GPU.</param>
    /// <param name="Position">Its position among the planner's candidates (<see cref="Planner.Candidates"/>, then <see cref="Planner.DisaggregatedCandidates"/>), as plan tables write it.</param>
    /// <param name="PrefillDegrees">A disaggregated candidate's prefill pool (null when aggregated); <paramref name="Degrees"/> is then its decode pool.</param>
    /// <param name="PrefillMemory">The prefill pool's memory on its most loaded GPU (null when aggregated).</param>
    public sealed record SizedCandidate(Degrees Degrees, MemoryBreakdown Memory, int Position, Degrees? PrefillDegrees = null, MemoryBreakdown? PrefillMemory = null);

    /// <summary>
    /// Every candidate of a deployment judged on partitioning and memory alone, without the cost model: the ones
    /// that fit (in candidate order) and why each other one is not a plan. The planner costs and ranks the first;
    /// generated code restores both from the spec without planning again.
    /// </summary>
    public sealed record Screening(IReadOnlyList<SizedCandidate> Fitting, IReadOnlyList<RejectedPlan> Rejected, int CandidateCount);

    /// <summary>Everything the planner concluded about one deployment; <c>CandidateCount</c> is the screening's (<see cref="Screening.CandidateCount"/>).</summary>
    public sealed record PlanningResult(
        DeploymentSpec Deployment,
        IReadOnlyList<EvaluatedPlan> Plans,
        IReadOnlyList<RejectedPlan> Rejected,
        EvaluatedPlan? MinLatency,
        EvaluatedPlan? MaxThroughput,
        EvaluatedPlan? Recommended,
        IReadOnlyList<FrontierPoint> Frontier,
        int CandidateCount = 0)
    {
        public bool HasPlans => Plans.Count > 0;

        public bool RecommendedMeetsTargets => Recommended?.MeetsTargets ?? false;
    }
}
