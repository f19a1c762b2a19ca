using System;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Serving;

namespace DeploySpec.Engine.Memory
{
    /// <summary>
    /// Per-GPU memory of one plan on its most loaded GPU, in bytes, and what it allows: the engine's working figures
    /// (unrounded, with the KV bytes per token, per request and per context and the requests that fit). Why not
    /// <see cref="MemoryPerGpu"/>: that is the rounded record a plan reports to apps; <see cref="ToRuntime"/> is the one conversion.
    /// </summary>
    public sealed record MemoryBreakdown(
        double WeightsBytes,
        double ActivationsBytes,
        double ReserveBytes,
        double KvCacheBytes,
        double CapacityBytes,
        double KvBytesPerTokenPerGpu,
        double KvBytesPerRequestPerGpu,
        double KvBytesPerContextPerGpu,
        int RequestsPerReplica,
        double EngineMemoryFraction = 0)
    {
        /// <summary>True when the weights, the activations, the reserve and one request of the longest context fit.</summary>
        public bool Fits => RequestsPerReplica >= 1 && KvCacheBytes >= KvBytesPerContextPerGpu;

        public MemoryPerGpu ToRuntime() => new(
            (long)Math.Round(WeightsBytes), (long)Math.Round(Math.Max(0, KvCacheBytes)), (long)Math.Round(ActivationsBytes),
            (long)Math.Round(ReserveBytes), (long)Math.Round(CapacityBytes));
    }

    /// <summary>
    /// Per-GPU memory of a plan: weights and KV per stage from the model math, the activation peak and the
    /// memory outside the framework's allocator here, and how the serving engine divides the rest from its profile
    /// (<see cref="KvCacheBudget.Of"/>; docs/memory.md). A deployment's SafetyMarginGiB is kept free on
    /// top (it moves from the KV cache to the reserve). Non-torch memory is the CUDA context (0.5 GiB), cuBLAS
    /// workspaces (0.25 GiB) and, with more than one GPU per replica, NCCL buffers (0.4 GiB). The activation peak
    /// is that of a forward pass over the engine's batched-token budget, plus float32 logits for a full batch of
    /// sequences.
    /// </summary>
    public static class MemoryModel
    {
        public const double CudaContextBytes = 0.5 * Units.BytesPerGiB;
        public const double CublasWorkspaceBytes = 0.25 * Units.BytesPerGiB;
        public const double NcclBufferBytes = 0.4 * Units.BytesPerGiB;

        /// <summary>Memory of the most loaded GPU of <paramref name="degrees"/>.</summary>
        public static MemoryBreakdown PerGpu(DeploymentSpec deployment, Degrees degrees)
        {
            var model = deployment.Model;
            var gpu = GpuCatalog.Of(deployment.Cluster);
            var engine = ServingEngineProfile.For(deployment.Engine);
            var layout = StageLayout.Create(model.Layers, degrees.PipelineParallel);
            int tp = degrees.TensorParallel;

            double capacity = gpu.MemoryBytes;
            double nonTorch = CudaContextBytes + CublasWorkspaceBytes + (tp * degrees.PipelineParallel > 1 ? NcclBufferBytes : 0);
            double margin = deployment.SafetyMarginGiB * Units.BytesPerGiB;
            int maxBatch = MaxBatchSize(deployment);
            double activations = ActivationPeakBytes(model, tp, engine.MaxBatchedTokens, maxBatch);

            // The most loaded GPU is the stage with the most KV per sequence, then the most weights: check each.
            MemoryBreakdown? worst = null;
            for (int stage = 0; stage < layout.Stages; stage++)
            {
                double weights = ModelMath.WeightBytesPerGpu(model, layout, stage, tp, degrees.ExpertParallel);
                var budget = KvCacheBudget.Of(engine, capacity, weights, activations, nonTorch, deployment.MemoryFraction, margin);
                double perToken = ModelMath.KvBytesPerTokenPerGpu(model, layout, stage, tp);
                double perRequest = KvBytesPerRequest(model, layout, stage, tp, deployment.TokensPerRequest, engine.TokensPerKvBlock);
                double perContext = KvBytesPerRequest(model, layout, stage, tp, deployment.ContextTokens, engine.TokensPerKvBlock);
                double kvPool = budget.KvPoolBytes;
                // A stage whose layers keep nothing per request (only FFN layers) is bound by the batch limit alone.
                int requests = kvPool <= 0 ? 0 : perRequest <= 0 ? maxBatch : (int)Math.Min(maxBatch, Math.Floor(kvPool / perRequest));
                var candidate = new MemoryBreakdown(weights, activations, budget.ReserveBytes, kvPool, capacity, perToken, perRequest, perContext, requests, budget.EngineMemoryFraction);
                if (worst is null || IsMoreLoaded(candidate, worst))
                {
                    worst = candidate;
                }
            }

            return worst!;
        }

        /// <summary>A stage that does not fit beats one that does; then fewer requests; then more weights.</summary>
        private static bool IsMoreLoaded(MemoryBreakdown candidate, MemoryBreakdown worst)
        {
            if (candidate.Fits != worst.Fits)
            {
                return !candidate.Fits;
            }

            return candidate.RequestsPerReplica < worst.RequestsPerReplica ||
                   (candidate.RequestsPerReplica == worst.RequestsPerReplica && candidate.WeightsBytes > worst.WeightsBytes);
        }

        /// <summary>The batch limit in force: the deployment's, else the engine's default.</summary>
        public static int MaxBatchSize(DeploymentSpec deployment) =>
            deployment.MaxBatchSize > 0 ? deployment.MaxBatchSize : ServingEngineProfile.For(deployment.Engine).DefaultMaxBatchSize;

        /// <summary>KV bytes of one whole request on one GPU, rounded up to whole KV blocks per layer, plus the fixed state of its recurrent layers.</summary>
        public static double KvBytesPerRequest(ModelArchitecture model, StageLayout layout, int stage, int tp, int tokens, int tokensPerBlock)
        {
            double blocks = Math.Ceiling(tokens / (double)tokensPerBlock);
            double rounded = blocks * tokensPerBlock;
            return ModelMath.KvBytesPerSequencePerGpu(model, layout, stage, tp, rounded);
        }

        /// <summary>
        /// Activation peak of one forward pass over <paramref name="tokens"/> batched tokens on one GPU (BF16):
        /// the residual stream and norm output, the Q/K/V projection, the gated FFN's two halves and its product,
        /// plus float32 logits and probabilities for <paramref name="sequences"/> sampled sequences over the
        /// whole vocabulary. For mixture-of-experts models the fused-MoE kernels' caches as vLLM and SGLang allocate
        /// them: gate/up outputs and the activated product per routed expert (counted in the FFN width) and the
        /// down projection's output per routed expert before the weighted sum, active experts x hidden per token.
        /// </summary>
        public static double ActivationPeakBytes(ModelArchitecture model, int tp, int tokens, int sequences)
        {
            const double activationBytes = 2.0;
            double ffnWidth = model.IsMoe
                ? Math.Max(model.IntermediateSize, (model.ActiveExperts + model.SharedExperts) * model.EffectiveExpertIntermediateSize)
                : model.IntermediateSize;
            double qkv = (model.AttentionHeads + 2.0 * model.EffectiveKeyValueHeads) * model.EffectiveHeadDim / tp;
            double moeDownOutputs = model.IsMoe ? (double)model.ActiveExperts * model.HiddenSize : 0;
            double perToken = (4.0 * model.HiddenSize + qkv + 3.0 * ffnWidth / tp + moeDownOutputs) * activationBytes;
            double logits = 2.0 * sequences * (double)model.VocabSize * 4.0;
            return tokens * perToken + logits;
        }
    }
}
