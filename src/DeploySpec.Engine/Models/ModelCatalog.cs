using System.Collections.Generic;

namespace DeploySpec.Engine.Models
{
    /// <summary>
    /// Reference architectures, from the models' own config.json files (docs/models.md), in BF16. Use
    /// <c>with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }</c> for quantised deployments.
    /// </summary>
    public static class ModelCatalog
    {
        public static ModelArchitecture Llama31_8B { get; } = new()
        {
            Name = "Llama 3.1 8B", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8,
            IntermediateSize = 14336, VocabSize = 128256,
        };

        public static ModelArchitecture Llama31_70B { get; } = new()
        {
            Name = "Llama 3.1 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
            IntermediateSize = 28672, VocabSize = 128256,
        };

        public static ModelArchitecture Llama31_405B { get; } = new()
        {
            Name = "Llama 3.1 405B", Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8,
            IntermediateSize = 53248, VocabSize = 128256,
        };

        public static ModelArchitecture Llama2_70B { get; } = new()
        {
            Name = "Llama 2 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
            IntermediateSize = 28672, VocabSize = 32000,
        };

        public static ModelArchitecture Mixtral8x7B { get; } = new()
        {
            Name = "Mixtral 8x7B", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8,
            IntermediateSize = 14336, VocabSize = 32000, Experts = 8, ActiveExperts = 2,
        };

        public static ModelArchitecture Qwen25_72B { get; } = new()
        {
            Name = "Qwen2.5 72B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
            IntermediateSize = 29568, VocabSize = 152064, AttentionBias = true,
        };

        public static ModelArchitecture DeepSeekV3 { get; } = new()
        {
            Name = "DeepSeek-V3", Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128,
            IntermediateSize = 18432, VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1,
            ExpertIntermediateSize = 2048, DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536,
            ValueHeadDim = 128, MtpLayers = 1, // num_nextn_predict_layers: one MTP module, loaded only for Speculation.Mtp
        };

        public static ModelArchitecture GptOss120B { get; } = new()
        {
            Name = "GPT-OSS 120B", Layers = 36, HiddenSize = 2880, AttentionHeads = 64, KeyValueHeads = 8, HeadDim = 64,
            IntermediateSize = 2880, VocabSize = 201088, Experts = 128, ActiveExperts = 4, ExpertIntermediateSize = 2880,
            AttentionBias = true, SlidingWindow = 128, SlidingWindowLayers = 18,
        };

        public static ModelArchitecture Qwen3_30B_A3B { get; } = new()
        {
            Name = "Qwen3-30B-A3B", Layers = 48, HiddenSize = 2048, AttentionHeads = 32, KeyValueHeads = 4, HeadDim = 128,
            IntermediateSize = 6144, VocabSize = 151936, Experts = 128, ActiveExperts = 8, ExpertIntermediateSize = 768,
        };

        public static ModelArchitecture Qwen3_235B_A22B { get; } = new()
        {
            Name = "Qwen3-235B-A22B", Layers = 94, HiddenSize = 4096, AttentionHeads = 64, KeyValueHeads = 4, HeadDim = 128,
            IntermediateSize = 12288, VocabSize = 151936, Experts = 128, ActiveExperts = 8, ExpertIntermediateSize = 1536,
        };

        /// <summary>Llama 4 Scout (text): 16 routed experts and one shared in every layer, chunked local attention on three layers of four.</summary>
        public static ModelArchitecture Llama4Scout { get; } = new()
        {
            Name = "Llama 4 Scout", Layers = 48, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 8, HeadDim = 128,
            IntermediateSize = 16384, VocabSize = 202048, Experts = 16, ActiveExperts = 1, SharedExperts = 1, ExpertIntermediateSize = 8192,
            AttentionChunkSize = 8192, SlidingWindowPattern = 4,
        };

        /// <summary>Llama 4 Maverick (text): 128 routed experts and one shared on every second layer, dense FFNs between, chunked local attention on three layers of four.</summary>
        public static ModelArchitecture Llama4Maverick { get; } = new()
        {
            Name = "Llama 4 Maverick", Layers = 48, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 8, HeadDim = 128,
            IntermediateSize = 16384, VocabSize = 202048, Experts = 128, ActiveExperts = 1, SharedExperts = 1, ExpertIntermediateSize = 8192,
            MoeLayerInterval = 2, AttentionChunkSize = 8192, SlidingWindowPattern = 4,
        };

        public static IReadOnlyList<ModelArchitecture> All { get; } = new[]
        {
            Llama31_8B, Llama31_70B, Llama31_405B, Llama2_70B, Mixtral8x7B, Qwen25_72B, DeepSeekV3, GptOss120B,
            Qwen3_30B_A3B, Qwen3_235B_A22B, Llama4Scout, Llama4Maverick,
        };
    }
}
