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
    /// top (it moves from the KV cache to the reserve). Memory outside the framework's allocator ("non-torch") comes in
    /// two parts, both as vLLM v0.19 logs them on H100: what a process holds before it loads anything (the CUDA context,
    /// and with more than one GPU per replica the NCCL communicators), and what the first forward pass adds (cuBLAS
    /// workspaces; with TP, NCCL and custom all-reduce buffers). The activation peak is that of vLLM's profile run.
    /// With speculative decoding the last stage also holds the drafter's weights (counted in the weights) and its KV
    /// per token of every request (<see cref="Cost.DraftCost"/>), and the sampler sizes for k + 1 tokens per sequence.
    /// </summary>
    public static class MemoryModel
    {
        /// <summary>Non-torch memory before loading, one GPU: vLLM v0.19's "worker init memory snapshot" on H100 logs non_torch_memory=0.51GiB (docs/memory.md).</summary>
        public const double StartupNonTorchBytes = 0.51 * Units.BytesPerGiB;

        /// <summary>Non-torch memory before loading with more than one GPU per replica (NCCL communicators): 1.43-1.53 GiB in the same logs at PP2, TP2 and TP4, taken as 1.55 GiB.</summary>
        public const double StartupNonTorchBytesMultiGpu = 1.55 * Units.BytesPerGiB;

        /// <summary>
        /// Non-torch memory the profile run adds without TP (cuBLAS workspaces): vLLM v0.19 logs "non-torch forward
        /// increase memory" of 0.24-0.27 GiB on H100 for most models and 0.46 GiB for Granite 3.x, for a reason the logs do
        /// not show; the largest, rounded up to 0.05 GiB, so that no model's is under-counted (docs/memory.md).
        /// </summary>
        public const double ForwardNonTorchBytes = 0.5 * Units.BytesPerGiB;

        /// <summary>Non-torch memory the profile run adds with TP (NCCL and custom all-reduce buffers): 2.06-2.11 GiB at TP2 and 2.13-2.21 GiB at TP4 in the same logs; the largest, rounded up to 0.05 GiB. TP8 is not in the logs.</summary>
        public const double ForwardNonTorchBytesTensorParallel = 2.25 * Units.BytesPerGiB;

        /// <summary>
        /// Bytes per (sequence x vocabulary entry) vLLM's sampler holds in float32 on top of the model-dtype logits when
        /// it samples a full batch with top-k and top-p, as its profile run does: the float32 copy of the logits, the
        /// probabilities, the exponential noise it divides them by (<c>random_sample</c>), 4 bytes each, and 1 byte more
        /// that the logs show (the top-k/top-p mask). Checked against the v0.19 logs' torch peak (docs/memory.md).
        /// </summary>
        public const double SamplerFloat32BytesPerLogit = 13.0;

        /// <summary>Memory of the most loaded GPU of <paramref name="degrees"/>.</summary>
        public static MemoryBreakdown PerGpu(DeploymentSpec deployment, Degrees degrees)
        {
            var model = deployment.Model;
            var gpu = GpuCatalog.Of(deployment.Cluster);
            var engine = ServingEngineProfile.For(deployment.Engine);
            var layout = StageLayout.Create(model.Layers, degrees.PipelineParallel);
            int tp = degrees.TensorParallel;

            double capacity = gpu.MemoryBytes;
            double startupNonTorch = tp * degrees.PipelineParallel > 1 ? StartupNonTorchBytesMultiGpu : StartupNonTorchBytes;
            double forwardNonTorch = tp > 1 ? ForwardNonTorchBytesTensorParallel : ForwardNonTorchBytes;
            double margin = deployment.SafetyMarginGiB * Units.BytesPerGiB;
            int maxBatch = MaxBatchSize(deployment);
            var speculation = Cost.SpeculativeDecoding.Of(deployment);
            var draft = Cost.DraftCost.Of(deployment, tp);
            // A verify step samples k + 1 positions per sequence.
            double activations = ActivationPeakBytes(model, tp, MaxBatchedTokens(deployment), maxBatch * (speculation.DraftTokens + 1), degrees.ExpertParallel,
                engine.MoeBatchesPerRank(tp, degrees.ExpertParallel));

            // An engine that derives its memory fraction (SGLang) does it from its own settings; under attention data
            // parallel SGLang runs --tp-size over the whole expert group and --dp-size over its attention ranks.
            bool attentionDp = degrees.ExpertParallel > tp;
            double derivedReserve = engine.DerivedReserveBytes(capacity, MaxBatchedTokens(deployment), attentionDp ? degrees.ExpertParallel : tp,
                degrees.PipelineParallel, attentionDp ? degrees.ExpertParallel / tp : 1, model.IsMla, deployment.Speculation);

            // The most loaded GPU is the stage with the most KV per sequence, then the most weights: check each.
            MemoryBreakdown? worst = null;
            for (int stage = 0; stage < layout.Stages; stage++)
            {
                // The drafter runs on the last stage, with the LM head.
                bool drafts = stage == layout.Stages - 1 && speculation.IsOn;
                double weights = ModelMath.WeightBytesPerGpu(model, layout, stage, tp, degrees.ExpertParallel) + (drafts ? draft.WeightBytes : 0);
                var budget = KvCacheBudget.Of(engine, capacity, weights, activations, startupNonTorch, forwardNonTorch, deployment.MemoryFraction, margin, derivedReserve);
                double perToken = ModelMath.KvBytesPerTokenPerGpu(model, layout, stage, tp);
                double perRequest = KvBytesPerRequest(model, layout, stage, tp, deployment.TokensPerRequest, engine.TokensPerKvBlock);
                double perContext = KvBytesPerRequest(model, layout, stage, tp, deployment.ContextTokens, engine.TokensPerKvBlock);
                if (drafts)
                {
                    perToken += draft.KvBytesPerToken;
                    perRequest += draft.KvBytesPerToken * Blocks(deployment.TokensPerRequest, engine.TokensPerKvBlock);
                    perContext += draft.KvBytesPerToken * Blocks(deployment.ContextTokens, engine.TokensPerKvBlock);
                }

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

        /// <summary>Tokens one iteration of <paramref name="deployment"/>'s engine batches at most: the spec's, else the engine's default on its GPU.</summary>
        public static int MaxBatchedTokens(DeploymentSpec deployment)
        {
            if (deployment.MaxBatchedTokens > 0)
            {
                return deployment.MaxBatchedTokens;
            }

            var gpu = GpuCatalog.Of(deployment.Cluster);
            return ServingEngineProfile.For(deployment.Engine).DefaultMaxBatchedTokens(gpu.MemoryBytes, gpu.Name);
        }

        /// <summary>
        /// The batch limit in force: the deployment's, else the engine's default, which on an engine whose decode
        /// iterations count against the token budget (<see cref="ServingEngineProfile.DecodeCountsAgainstTokenBudget"/>)
        /// is at most <see cref="MaxBatchedTokens"/>: each running request takes a token of every iteration.
        /// </summary>
        public static int MaxBatchSize(DeploymentSpec deployment)
        {
            if (deployment.MaxBatchSize > 0)
            {
                return deployment.MaxBatchSize;
            }

            var engine = ServingEngineProfile.For(deployment.Engine);
            var gpu = GpuCatalog.Of(deployment.Cluster);
            int limit = engine.DefaultMaxBatchSizeOn(gpu.MemoryBytes, gpu.Name);
            return engine.DecodeCountsAgainstTokenBudget ? Math.Min(limit, MaxBatchedTokens(deployment)) : limit;
        }

        /// <summary>Tokens of <paramref name="tokens"/> rounded up to whole KV blocks.</summary>
        private static double Blocks(int tokens, int tokensPerBlock) => Math.Ceiling(tokens / (double)tokensPerBlock) * tokensPerBlock;

        /// <summary>KV bytes of one whole request on one GPU, rounded up to whole KV blocks per layer, plus the fixed state of its recurrent layers.</summary>
        public static double KvBytesPerRequest(ModelArchitecture model, StageLayout layout, int stage, int tp, int tokens, int tokensPerBlock)
        {
            double blocks = Math.Ceiling(tokens / (double)tokensPerBlock);
            double rounded = blocks * tokensPerBlock;
            return ModelMath.KvBytesPerSequencePerGpu(model, layout, stage, tp, rounded);
        }

        /// <summary>
        /// The torch allocator's peak in vLLM V1's profile run (v0.17 to v0.19), on one GPU: a forward pass over
        /// <paramref name="tokens"/> batched tokens, then the sampler over min(<paramref name="sequences"/>, tokens)
        /// sequences, each sampling with top-k and top-p over the whole vocabulary (the logits are gathered on every TP
        /// rank). The peak is the larger of
        /// <list type="bullet">
        /// <item>the forward pass: the residual stream and norm output, the Q/K/V projection, the gated FFN's two halves
        /// and its product (for mixture-of-experts models the dense and shared-expert FFN), plus the fused-MoE workspace;</item>
        /// <item>after it: the forward's output hidden states, the fused-MoE workspace (vLLM's workspace manager keeps it),
        /// the model-dtype logits and <see cref="SamplerFloat32BytesPerLogit"/> bytes of float32 sampler tensors per logit.</item>
        /// </list>
        /// Activations are in the model's dtype (16 bits for quantised checkpoints, 32 for FP32). docs/memory.md checks
        /// this against the logged "torch peak memory increase". The fused-MoE workspace holds <paramref name="moeBatches"/>
        /// batches of tokens where the engine gathers every attention-data-parallel rank's tokens into each rank's MoE
        /// layer (<see cref="Serving.ServingEngineProfile.MoeBatchesPerRank"/>).
        /// </summary>
        public static double ActivationPeakBytes(ModelArchitecture model, int tp, int tokens, int sequences, int expertParallel = 1, int moeBatches = 1)
        {
            double dtype = ModelMath.AuxiliaryBytesPerParameter(model);
            double moeWorkspace = FusedMoeWorkspaceBytes(model, expertParallel > 1 ? 1 : tp, tokens * moeBatches, dtype);
            double denseFfn = model.IsMoe
                ? Math.Max(model.DenseLayers > 0 ? model.IntermediateSize : 0, model.SharedExperts * (double)model.EffectiveExpertIntermediateSize)
                : model.IntermediateSize;
            double qkv = (model.AttentionHeads + 2.0 * model.EffectiveKeyValueHeads) * model.EffectiveHeadDim / tp;
            double forward = tokens * (4.0 * model.HiddenSize + qkv + 3.0 * denseFfn / tp) * dtype + moeWorkspace;

            double sampled = Math.Min(sequences, tokens);
            double sampler = sampled * (double)model.VocabSize * (dtype + SamplerFloat32BytesPerLogit);
            double afterForward = tokens * (double)model.HiddenSize * dtype + moeWorkspace + sampler;
            return Math.Max(forward, afterForward);
        }

        /// <summary>
        /// vLLM's fused-MoE workspace for <paramref name="tokens"/> tokens (its Triton experts' <c>workspace_shapes</c>):
        /// (tokens, top-k, max(N/2, hidden)), (tokens, top-k, max(N, hidden)) and the (tokens, hidden) output, N the
        /// width of the gate and up projections on one rank (2 x the expert width / TP; the expert width alone for an
        /// ungated FFN). Zero for a dense model.
        /// </summary>
        private static double FusedMoeWorkspaceBytes(ModelArchitecture model, int expertTp, int tokens, double bytesPerElement)
        {
            if (!model.IsMoe)
            {
                return 0;
            }

            double width = model.EffectiveExpertIntermediateSize / (double)expertTp;
            double n = model.UngatedFfn ? width : 2 * width;
            double h = model.HiddenSize;
            return tokens * (model.ActiveExperts * (Math.Max(n / 2, h) + Math.Max(n, h)) + h) * bytesPerElement;
        }
    }
}
