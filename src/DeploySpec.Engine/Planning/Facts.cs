using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;

namespace DeploySpec.Engine.Planning
{
    /// <summary>The resolved facts of a deployment, as its generated members, reports and launch commands carry them.</summary>
    public static class Facts
    {
        /// <summary>What <paramref name="deployment"/> is planned for: model, cluster, workload and the engine settings in force.</summary>
        public static DeploymentFacts Of(DeploymentSpec deployment)
        {
            var model = deployment.Model;
            var cluster = deployment.Cluster;
            var speculation = Cost.SpeculativeDecoding.Of(deployment);
            return new DeploymentFacts(
                Name: deployment.Name,
                ModelName: model.Name,
                Checkpoint: model.Checkpoint,
                Weights: model.Weights,
                KvCache: model.KvCache,
                Layers: model.Layers,
                AttentionHeads: model.AttentionHeads,
                KeyValueHeads: model.IsMla ? 0 : model.EffectiveKeyValueHeads,
                Experts: model.Experts,
                ActiveExperts: model.ActiveExperts,
                Gpu: GpuCatalog.Of(cluster).Kind,
                GpuName: GpuCatalog.Of(cluster).Name,
                GpusPerNode: cluster.GpusPerNode,
                Nodes: cluster.Nodes,
                InputTokens: deployment.InputTokens,
                OutputTokens: deployment.OutputTokens,
                ContextTokens: deployment.ContextTokens,
                Engine: deployment.Engine,
                MaxBatchSize: MemoryModel.MaxBatchSize(deployment),
                Objective: deployment.Objective,
                MaxTimeToFirstTokenMs: deployment.MaxTimeToFirstTokenMs,
                MaxTimePerOutputTokenMs: deployment.MaxTimePerOutputTokenMs,
                RequestsPerSecond: deployment.RequestsPerSecond,
                Measurements: Measurements.MeasurementFit.Runtime(deployment),
                PricePerGpuHour: Cost.Pricing.PerGpuHour(cluster),
                PriceSource: Cost.Pricing.Source(cluster),
                Speculation: speculation.Method,
                SpeculativeTokens: speculation.DraftTokens,
                AcceptanceRate: speculation.AcceptanceRate,
                AcceptedTokensPerStep: speculation.AcceptedTokensPerStep,
                DraftCheckpoint: speculation.Method == Speculation.DraftModel ? deployment.Draft?.Checkpoint ?? "" : "",
                TargetStatistic: deployment.TargetStatistic,
                MaxBatchedTokens: MemoryModel.MaxBatchedTokens(deployment));
        }
    }
}
