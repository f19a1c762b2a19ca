using System;
using System.Threading;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>The arithmetic that proves a deployment cannot fit, and what would make it fit.</summary>
    public sealed record FitReport(
        double WeightBytes,
        double OneRequestKvBytes,
        double UsableBytesPerGpu,
        int Gpus,
        ClusterSpec? SmallestFittingCluster,
        bool FitsWithFp8,
        bool FitsWithFp8KvCache)
    {
        /// <summary>Weights plus the KV cache of one request of the longest context, over the whole model.</summary>
        public double WeightAndOneRequestBytes => WeightBytes + OneRequestKvBytes;

        /// <summary>What all the cluster's GPUs offer after the engine's reserve and activations.</summary>
        public double ClusterUsableBytes => UsableBytesPerGpu * Gpus;
    }

    /// <summary>
    /// What would make a deployment fit: FP8, an FP8 KV cache, or the smallest cluster of its GPU. Every planner run
    /// here honours the cancellation token (the analyzers call this while the user types).
    /// </summary>
    public static class FitAdvisor
    {
        /// <summary>Largest cluster the search for a fitting one will consider, in nodes.</summary>
        public const int MaxNodesSearched = 1024;

        public static FitReport Analyze(DeploymentSpec deployment, CancellationToken cancellationToken = default)
        {
            var model = deployment.Model;
            var single = StageLayout.Create(model.Layers, 1);
            double weights = ModelMath.TotalWeightBytes(model);
            double kv = ModelMath.KvBytesPerSequencePerGpu(model, single, 0, 1, deployment.ContextTokens);
            var probe = MemoryModel.PerGpu(deployment, new Degrees(1, 1, 1, 1));
            double usable = probe.CapacityBytes - probe.ReserveBytes - probe.ActivationsBytes;

            // FP8 would be applied to this deployment as written, pins included; only the cluster search ignores pins.
            bool fp8 = Units.BytesPerElement(model.Weights) > 1.0 &&
                       Planner.Plan(deployment with { Model = model with { Weights = Precision.Fp8, KvCache = Smaller(model.KvCache, Precision.Fp8) } }, cancellationToken: cancellationToken).HasPlans;
            bool fp8Kv = Units.BytesPerElement(model.KvCache) > 1.0 &&
                         Planner.Plan(deployment with { Model = model with { KvCache = Precision.Fp8 } }, cancellationToken: cancellationToken).HasPlans;
            return new FitReport(weights, kv, usable, deployment.Cluster.TotalGpus, SmallestFittingCluster(deployment, cancellationToken), fp8, fp8Kv);
        }

        /// <summary>
        /// The smallest cluster of the same GPU that has a plan (pins ignored): a single node grows to the GPU's
        /// scale-up domain first, then nodes are added. Null when nothing up to <see cref="MaxNodesSearched"/> nodes fits.
        /// </summary>
        public static ClusterSpec? SmallestFittingCluster(DeploymentSpec deployment, CancellationToken cancellationToken = default)
        {
            var unpinned = Unpinned(deployment);
            var cluster = deployment.Cluster;
            if (cluster.Nodes == 1)
            {
                // A rack-scale GPU (NVL72) grows by trays, whose NVLink domain already spans nodes; others fill their node's domain first.
                var gpu = Hardware.GpuCatalog.Of(cluster);
                int domain = gpu.ScaleUpSpansNodes ? cluster.GpusPerNode : Math.Max(cluster.GpusPerNode, gpu.ScaleUpDomainGpus);
                for (int g = 1; g <= domain; g++)
                {
                    var candidate = cluster with { GpusPerNode = g, Nodes = 1 };
                    if (IsValid(candidate) && Planner.Plan(unpinned with { Cluster = candidate }, cancellationToken: cancellationToken).HasPlans)
                    {
                        return candidate;
                    }
                }

                cluster = cluster with { GpusPerNode = domain };
            }

            // One plan first on the largest cluster searched: more GPUs offer more ways to split, so when even that one
            // has no plan we say so at once instead of trying every size below it (the analyzers run this while the
            // user types).
            if (!Planner.Plan(unpinned with { Cluster = cluster with { Nodes = MaxNodesSearched } }, cancellationToken: cancellationToken).HasPlans)
            {
                return null;
            }

            // Skip node counts whose memory cannot even hold the weights once.
            var probe = MemoryModel.PerGpu(unpinned with { Cluster = cluster }, new Degrees(1, 1, 1, 1));
            double usable = Math.Max(1.0, probe.CapacityBytes - probe.ReserveBytes - probe.ActivationsBytes);
            int start = Math.Max(1, (int)Math.Min(MaxNodesSearched, Math.Floor(ModelMath.TotalWeightBytes(deployment.Model) / (usable * cluster.GpusPerNode))));
            for (int nodes = start; nodes <= MaxNodesSearched; nodes++)
            {
                var candidate = cluster with { Nodes = nodes };
                if (IsValid(candidate) && Planner.Plan(unpinned with { Cluster = candidate }, cancellationToken: cancellationToken).HasPlans)
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>
        /// A cluster the "scale the cluster" fix may suggest: one that is itself valid. The fix changes only GpusPerNode
        /// and Nodes, so a declared NvLinkDomainGpus must still tile the suggested cluster.
        /// </summary>
        private static bool IsValid(ClusterSpec candidate) => SpecValidation.Validate(candidate).Count == 0;

        /// <summary>The deployment with its pinned degrees cleared (the planner searches them).</summary>
        public static DeploymentSpec Unpinned(DeploymentSpec deployment) =>
            deployment with { TensorParallel = 0, PipelineParallel = 0, ExpertParallel = 0 };

        /// <summary>The narrower of two formats (an FP8 switch never widens an FP4 or INT4 KV cache).</summary>
        public static Precision Smaller(Precision current, Precision proposed) =>
            Units.BytesPerElement(current) <= Units.BytesPerElement(proposed) ? current : proposed;
    }
}
