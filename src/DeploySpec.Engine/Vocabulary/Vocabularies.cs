using System.Collections.Generic;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using static DeploySpec.Engine.Vocabulary.Terms;

namespace DeploySpec.Engine.Vocabulary
{
    /// <summary>
    /// [Model]: every property, its bounds, its config.json key(s) and its <see cref="ModelArchitecture"/> field. The rows'
    /// order is the order <see cref="SpecCodec"/> writes the spec that generated code holds: a new row goes last.
    /// </summary>
    internal static class ModelVocabulary
    {
        public static IReadOnlyList<Term<ModelArchitecture>> Terms { get; } = new[]
        {
            Text<ModelArchitecture>(nameof(ModelAttribute.Name), m => m.Name, (m, v) => m with { Name = v }),
            Text<ModelArchitecture>(nameof(ModelAttribute.Checkpoint), m => m.Checkpoint, (m, v) => m with { Checkpoint = v }),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.Layers), m => m.Layers, (m, v) => m with { Layers = v }, false, MaxLayers, "num_hidden_layers"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.HiddenSize), m => m.HiddenSize, (m, v) => m with { HiddenSize = v }, false, "hidden_size"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.AttentionHeads), m => m.AttentionHeads, (m, v) => m with { AttentionHeads = v }, false, "num_attention_heads"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.KeyValueHeads), m => m.KeyValueHeads, (m, v) => m with { KeyValueHeads = v }, true, "num_key_value_heads"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.HeadDim), m => m.HeadDim, (m, v) => m with { HeadDim = v }, true, "head_dim"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.IntermediateSize), m => m.IntermediateSize, (m, v) => m with { IntermediateSize = v }, true, "intermediate_size"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.VocabSize), m => m.VocabSize, (m, v) => m with { VocabSize = v }, false, "vocab_size"),
            Flag<ModelArchitecture>(nameof(ModelAttribute.TiedEmbeddings), m => m.TiedEmbeddings, (m, v) => m with { TiedEmbeddings = v }, "tie_word_embeddings"),
            Flag<ModelArchitecture>(nameof(ModelAttribute.AttentionBias), m => m.AttentionBias, (m, v) => m with { AttentionBias = v }, "attention_bias"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.Experts), m => m.Experts, (m, v) => m with { Experts = v }, true, "num_local_experts", "num_experts", "n_routed_experts"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.ActiveExperts), m => m.ActiveExperts, (m, v) => m with { ActiveExperts = v }, true, "num_experts_per_tok", "experts_per_token"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.ExpertIntermediateSize), m => m.ExpertIntermediateSize, (m, v) => m with { ExpertIntermediateSize = v }, true, "moe_intermediate_size"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.SharedExperts), m => m.SharedExperts, (m, v) => m with { SharedExperts = v }, true, "n_shared_experts"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.DenseLayers), m => m.DenseLayers, (m, v) => m with { DenseLayers = v }, true, MaxLayers, "first_k_dense_replace"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.KvLoraRank), m => m.KvLoraRank, (m, v) => m with { KvLoraRank = v }, true, "kv_lora_rank"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.QkRopeHeadDim), m => m.QkRopeHeadDim, (m, v) => m with { QkRopeHeadDim = v }, true, "qk_rope_head_dim"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.QLoraRank), m => m.QLoraRank, (m, v) => m with { QLoraRank = v }, true, "q_lora_rank"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.ValueHeadDim), m => m.ValueHeadDim, (m, v) => m with { ValueHeadDim = v }, true, "v_head_dim"),
            // Sliding windows are read per model family (a qwen2 config names a window it does not use).
            Dimension<ModelArchitecture>(nameof(ModelAttribute.SlidingWindow), m => m.SlidingWindow, (m, v) => m with { SlidingWindow = v }, true),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.SlidingWindowLayers), m => m.SlidingWindowLayers, (m, v) => m with { SlidingWindowLayers = v }, true, MaxLayers),
            Choice<ModelArchitecture, Precision>(nameof(ModelAttribute.Weights), m => m.Weights, (m, v) => m with { Weights = v }, "a known precision"),
            Choice<ModelArchitecture, Precision>(nameof(ModelAttribute.KvCache), m => m.KvCache, (m, v) => m with { KvCache = v }, "a known precision"),
            // Layer placement and recurrent layers: read per model family, except the keys only Qwen3-Next's linear attention uses.
            Dimension<ModelArchitecture>(nameof(ModelAttribute.SlidingWindowPattern), m => m.SlidingWindowPattern, (m, v) => m with { SlidingWindowPattern = v }, true, MaxLayers),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.AttentionChunkSize), m => m.AttentionChunkSize, (m, v) => m with { AttentionChunkSize = v }, true),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.MoeLayerInterval), m => m.MoeLayerInterval, (m, v) => m with { MoeLayerInterval = v }, true, MaxLayers),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.FullAttentionInterval), m => m.FullAttentionInterval, (m, v) => m with { FullAttentionInterval = v }, true, MaxLayers),
            Text<ModelArchitecture>(nameof(ModelAttribute.HybridPattern), m => m.HybridPattern, (m, v) => m with { HybridPattern = v }),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.RecurrentKeyHeads), m => m.RecurrentKeyHeads, (m, v) => m with { RecurrentKeyHeads = v }, true, "linear_num_key_heads"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.RecurrentValueHeads), m => m.RecurrentValueHeads, (m, v) => m with { RecurrentValueHeads = v }, true, "linear_num_value_heads"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.RecurrentKeyHeadDim), m => m.RecurrentKeyHeadDim, (m, v) => m with { RecurrentKeyHeadDim = v }, true, "linear_key_head_dim"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.RecurrentValueHeadDim), m => m.RecurrentValueHeadDim, (m, v) => m with { RecurrentValueHeadDim = v }, true, "linear_value_head_dim"),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.ConvKernel), m => m.ConvKernel, (m, v) => m with { ConvKernel = v }, true, 1024, "linear_conv_kernel_dim"),
            Flag<ModelArchitecture>(nameof(ModelAttribute.UngatedFfn), m => m.UngatedFfn, (m, v) => m with { UngatedFfn = v }),
            Dimension<ModelArchitecture>(nameof(ModelAttribute.MtpLayers), m => m.MtpLayers, (m, v) => m with { MtpLayers = v }, true, 16, "num_nextn_predict_layers"),
        };

        public static Term<ModelArchitecture>? Find(string name) => Vocabulary.Terms.Find(Terms, name);
    }

    /// <summary>[Cluster]: every property, its bounds and its <see cref="ClusterSpec"/> field (a new row goes last, <see cref="SpecCodec"/>).</summary>
    internal static class ClusterVocabulary
    {
        public const int MaxGpusPerNode = 1024;
        public const int MaxNodes = 16_384;
        public const double MaxPricePerGpuHour = 1_000_000;

        public static IReadOnlyList<Term<ClusterSpec>> Terms { get; } = new[]
        {
            Choice<ClusterSpec, Gpu>(nameof(ClusterAttribute.Gpu), c => c.Gpu, (c, v) => c with { Gpu = v }, "in the catalog", GpuCatalog.Contains),
            Count<ClusterSpec>(nameof(ClusterAttribute.GpusPerNode), c => c.GpusPerNode, (c, v) => c with { GpusPerNode = v }, 1, MaxGpusPerNode),
            Count<ClusterSpec>(nameof(ClusterAttribute.Nodes), c => c.Nodes, (c, v) => c with { Nodes = v }, 1, MaxNodes),
            Choice<ClusterSpec, Link>(nameof(ClusterAttribute.IntraNodeLink), c => c.IntraNodeLink, (c, v) => c with { IntraNodeLink = v }, "a known link"),
            Choice<ClusterSpec, Link>(nameof(ClusterAttribute.InterNodeLink), c => c.InterNodeLink, (c, v) => c with { InterNodeLink = v }, "a known link"),
            Count<ClusterSpec>(nameof(ClusterAttribute.NvLinkDomainGpus), c => c.NvLinkDomainGpus, (c, v) => c with { NvLinkDomainGpus = v }, 0, MaxGpusPerNode * MaxNodes),
            Number<ClusterSpec>(nameof(ClusterAttribute.PricePerGpuHour), c => c.PricePerGpuHour, (c, v) => c with { PricePerGpuHour = v }, 0, MaxPricePerGpuHour, false,
                "between 0 and 1,000,000 US dollars per GPU-hour (0 = the MSBuild default, else the catalog's reference price)"),
        };
    }

    /// <summary>
    /// [Accelerator]: every property, its bounds and its <see cref="AcceleratorSpec"/> field (a new row goes last,
    /// <see cref="SpecCodec"/>). The bounds only keep the arithmetic meaningful (the largest real figures are far below them).
    /// </summary>
    internal static class AcceleratorVocabulary
    {
        public const double MaxMemoryGiB = 100_000;
        public const double MaxBandwidthTBps = 1_000;
        public const double MaxTflops = 1_000_000;
        public const double MaxLinkGBps = 1_000_000;

        public static IReadOnlyList<Term<AcceleratorSpec>> Terms { get; } = new[]
        {
            Text<AcceleratorSpec>(nameof(AcceleratorAttribute.Name), a => a.Name, (a, v) => a with { Name = v }),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.MemoryGiB), a => a.MemoryGiB, (a, v) => a with { MemoryGiB = v }, MaxMemoryGiB, "GiB"),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.MemoryBandwidthTBps), a => a.MemoryBandwidthTBps, (a, v) => a with { MemoryBandwidthTBps = v }, MaxBandwidthTBps, "TB/s"),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.Bf16Tflops), a => a.Bf16Tflops, (a, v) => a with { Bf16Tflops = v }, MaxTflops, "TFLOPS"),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.Fp8Tflops), a => a.Fp8Tflops, (a, v) => a with { Fp8Tflops = v }, MaxTflops, "TFLOPS", "no FP8 tensor cores"),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.Fp4Tflops), a => a.Fp4Tflops, (a, v) => a with { Fp4Tflops = v }, MaxTflops, "TFLOPS", "no FP4 tensor cores"),
            Choice<AcceleratorSpec, Link>(nameof(AcceleratorAttribute.Link), a => a.Link, (a, v) => a with { Link = v },
                "a GPU-to-GPU link (InfiniBand and Ethernet join nodes: the cluster's InterNodeLink)", l => System.Enum.IsDefined(typeof(Link), l) && !LinkCatalog.IsNetwork(l)),
            Quantity<AcceleratorSpec>(nameof(AcceleratorAttribute.LinkGBps), a => a.LinkGBps, (a, v) => a with { LinkGBps = v }, MaxLinkGBps, "GB/s", "the link's catalog figure"),
            Count<AcceleratorSpec>(nameof(AcceleratorAttribute.LinkDomainGpus), a => a.LinkDomainGpus, (a, v) => a with { LinkDomainGpus = v }, 0, ClusterVocabulary.MaxGpusPerNode),
        };
    }

    /// <summary>[Deployment]: every property, its bounds and its <see cref="DeploymentSpec"/> field (a new row goes last, <see cref="SpecCodec"/>).</summary>
    internal static class DeploymentVocabulary
    {
        public const int MaxTokens = 10_000_000;
        private const int MaxGpus = ClusterVocabulary.MaxGpusPerNode * ClusterVocabulary.MaxNodes;

        public static IReadOnlyList<Term<DeploymentSpec>> Terms { get; } = new[]
        {
            Count<DeploymentSpec>(nameof(DeploymentAttribute.InputTokens), d => d.InputTokens, (d, v) => d with { InputTokens = v }, 1, MaxTokens),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.OutputTokens), d => d.OutputTokens, (d, v) => d with { OutputTokens = v }, 1, MaxTokens),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.MaxContext), d => d.MaxContext, (d, v) => d with { MaxContext = v }, 0, MaxTokens),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.Concurrency), d => d.Concurrency, (d, v) => d with { Concurrency = v }, 0, 100_000_000),
            Choice<DeploymentSpec, Objective>(nameof(DeploymentAttribute.Objective), d => d.Objective, (d, v) => d with { Objective = v }, "known"),
            Milliseconds<DeploymentSpec>(nameof(DeploymentAttribute.MaxTimeToFirstTokenMs), d => d.MaxTimeToFirstTokenMs, (d, v) => d with { MaxTimeToFirstTokenMs = v }),
            Milliseconds<DeploymentSpec>(nameof(DeploymentAttribute.MaxTimePerOutputTokenMs), d => d.MaxTimePerOutputTokenMs, (d, v) => d with { MaxTimePerOutputTokenMs = v }),
            Number<DeploymentSpec>(nameof(DeploymentAttribute.RequestsPerSecond), d => d.RequestsPerSecond, (d, v) => d with { RequestsPerSecond = v }, 0, 1e9, false, "between 0 and 1e9 requests per second (0 = none)"),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.TensorParallel), d => d.TensorParallel, (d, v) => d with { TensorParallel = v }, 0, MaxGpus),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.PipelineParallel), d => d.PipelineParallel, (d, v) => d with { PipelineParallel = v }, 0, MaxGpus),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.ExpertParallel), d => d.ExpertParallel, (d, v) => d with { ExpertParallel = v }, 0, MaxGpus),
            Choice<DeploymentSpec, ServingEngine>(nameof(DeploymentAttribute.Engine), d => d.Engine, (d, v) => d with { Engine = v }, "known"),
            Number<DeploymentSpec>(nameof(DeploymentAttribute.MemoryFraction), d => d.MemoryFraction, (d, v) => d with { MemoryFraction = v }, 0, 1, true, "in [0, 1) (0 = the engine's default)"),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.MaxBatchSize), d => d.MaxBatchSize, (d, v) => d with { MaxBatchSize = v }, 0, 1_000_000),
            Number<DeploymentSpec>(nameof(DeploymentAttribute.SafetyMarginGiB), d => d.SafetyMarginGiB, (d, v) => d with { SafetyMarginGiB = v }, 0, 1024, false, "between 0 and 1024 GiB"),
            Text<DeploymentSpec>(nameof(DeploymentAttribute.Measurements), d => d.Measurements, (d, v) => d with { Measurements = v }),
            Choice<DeploymentSpec, ServingMode>(nameof(DeploymentAttribute.Mode), d => d.Mode, (d, v) => d with { Mode = v }, "known"),
            Choice<DeploymentSpec, Speculation>(nameof(DeploymentAttribute.Speculation), d => d.Speculation, (d, v) => d with { Speculation = v }, "a known speculation method"),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.SpeculativeTokens), d => d.SpeculativeTokens, (d, v) => d with { SpeculativeTokens = v }, 0, Cost.SpeculationMethod.MaxSpeculativeTokens,
                "draft tokens per verify step; 0 = the method's default, " + Cost.SpeculationMethod.DefaultSpeculativeTokens),
            Number<DeploymentSpec>(nameof(DeploymentAttribute.AcceptanceRate), d => d.AcceptanceRate, (d, v) => d with { AcceptanceRate = v }, 0, 1, true,
                "in [0, 1): the probability that a draft token is accepted (0 = the method's default: EAGLE-3 0.80, MTP 0.85, a draft model 0.70)"),
            Choice<DeploymentSpec, LatencyStatistic>(nameof(DeploymentAttribute.TargetStatistic), d => d.TargetStatistic, (d, v) => d with { TargetStatistic = v }, "Mean, P90 or P99"),
            Count<DeploymentSpec>(nameof(DeploymentAttribute.MaxBatchedTokens), d => d.MaxBatchedTokens, (d, v) => d with { MaxBatchedTokens = v }, 0, MaxTokens,
                "tokens one engine iteration processes; 0 = the engine's default"),
        };
    }
}
