using DeploySpec.Cost;
using DeploySpec.Parsing;

namespace DeploySpec.Generators
{
    /// <summary>One plan to emit: the runtime plan, its folded cost coefficients and a one-line summary.</summary>
    public sealed record PlanEmit(PartitionPlan Plan, CostCoefficients Costs, string Summary);

    /// <summary>A frontier point to emit: which plan, at which concurrency.</summary>
    public sealed record FrontierEmit(int PlanIndex, int Concurrency);

    /// <summary>
    /// Everything the emitter writes for one deployment. Value-equatable: primitives, strings and the runtime
    /// records themselves (written by <see cref="Literals.New"/>), so nothing is listed twice.
    /// </summary>
    public sealed record DeploymentEmit(
        TypeDeclarationSpec Type,
        string Description,
        string ObjectiveName,
        EquatableArray<PlanEmit> Plans,
        int MinLatencyIndex,
        int MaxThroughputIndex,
        int RecommendedIndex,
        bool RecommendedMeetsTargets,
        EquatableArray<FrontierEmit> Frontier,
        DeploymentFacts Facts,
        EquatableArray<PlanRejection> Rejections)
    {
        public string HintName => Type.HintName;
    }
}
