using DeploySpec.Engine.Planning;
using DeploySpec.Parsing;

namespace DeploySpec.Generators
{
    /// <summary>
    /// Everything the emitter writes for one deployment. Value-equatable (primitives, strings and the engine's spec
    /// records), so an unchanged deployment is not emitted again. The plan table itself is the compact line of
    /// <see cref="CompiledDeployment.Encode"/> and the spec that of <see cref="SpecCodec.Encode"/>; the rest is what the doc comments name.
    /// <see cref="Unplanned"/>: why the deployment was not planned (its spec has errors, or nothing fits), or null;
    /// such a deployment gets the same members, which throw (<see cref="CompiledDeployment.EncodeUnplanned"/>).
    /// </summary>
    public sealed record DeploymentEmit(
        TypeDeclarationSpec Type,
        string Description,
        string ObjectiveName,
        string Spec,
        string Table,
        int PlanCount,
        int RejectedCount,
        string MinLatency,
        string MaxThroughput,
        string Recommended,
        string RecommendedSummary,
        bool RecommendedMeetsTargets,
        string? Unplanned = null)
    {
        public string HintName => Type.HintName;
    }
}
