using DeploySpec.Engine.Cost;
using DeploySpec.Parsing;

namespace DeploySpec.Generators
{
    /// <summary>One plan to emit: degrees, memory in bytes, and the folded cost coefficients.</summary>
    public sealed record PlanEmit(
        int TensorParallel,
        int PipelineParallel,
        int DataParallel,
        int ExpertParallel,
        long WeightsBytes,
        long KvCacheBytes,
        long ActivationsBytes,
        long ReserveBytes,
        long CapacityBytes,
        PlanCoefficients Coefficients,
        string Summary,
        double EngineMemoryFraction = 0)
    {
        public string Label => "TP" + TensorParallel + " x PP" + PipelineParallel + " x DP" + DataParallel + (ExpertParallel > 1 ? " x EP" + ExpertParallel : "");
    }

    /// <summary>A rejected candidate to emit.</summary>
    public sealed record RejectionEmit(string Plan, string Reason);

    /// <summary>The deployment's resolved facts, as the generated DeploymentFacts holds them.</summary>
    public sealed record FactsEmit(
        string Name, string ModelName, string Checkpoint, Precision Weights, Precision KvCache,
        int Layers, int AttentionHeads, int KeyValueHeads, int Experts, int ActiveExperts,
        Gpu Gpu, string GpuName, int GpusPerNode, int Nodes,
        int InputTokens, int OutputTokens, int ContextTokens, ServingEngine Engine, int MaxBatchSize,
        Objective Objective, double MaxTimeToFirstTokenMs, double MaxTimePerOutputTokenMs);

    /// <summary>A frontier point to emit: which plan, at which concurrency.</summary>
    public sealed record FrontierEmit(int PlanIndex, int Concurrency);

    /// <summary>Everything the emitter writes for one deployment. Value-equatable: primitives, strings, records.</summary>
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
        FactsEmit Facts,
        EquatableArray<RejectionEmit> Rejections)
    {
        public string HintName => Type.DisplayName + ".DeploySpec.g.cs";
    }
}
