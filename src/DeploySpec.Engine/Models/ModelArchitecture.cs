namespace DeploySpec.Engine.Models
{
    /// <summary>
    /// A model as declared (the [Model] attribute's values; 0 = not set). Value-equatable and made of primitives so
    /// the generator can cache it. The Effective* members apply the defaults.
    /// </summary>
    public sealed record ModelArchitecture
    {
        public string Name { get; init; } = "";
        /// <summary>What a serving engine loads: a HuggingFace repository id or a local path.</summary>
        public string Checkpoint { get; init; } = "";
        public int Layers { get; init; }
        public int HiddenSize { get; init; }
        public int AttentionHeads { get; init; }
        public int KeyValueHeads { get; init; }
        public int HeadDim { get; init; }
        public int IntermediateSize { get; init; }
        public int VocabSize { get; init; }
        public bool TiedEmbeddings { get; init; }
        public bool AttentionBias { get; init; }
        public int Experts { get; init; }
        public int ActiveExperts { get; init; }
        public int ExpertIntermediateSize { get; init; }
        public int SharedExperts { get; init; }
        public int DenseLayers { get; init; }
        public int KvLoraRank { get; init; }
        public int QkRopeHeadDim { get; init; }
        public int QLoraRank { get; init; }
        public int ValueHeadDim { get; init; }
        public int SlidingWindow { get; init; }
        public int SlidingWindowLayers { get; init; }
        public Precision Weights { get; init; } = Precision.Bf16;
        public Precision KvCache { get; init; } = Precision.Bf16;
        public int SlidingWindowPattern { get; init; }
        public int AttentionChunkSize { get; init; }
        public int MoeLayerInterval { get; init; }
        public int FullAttentionInterval { get; init; }
        /// <summary>One character per layer, one block each: M Mamba2, * attention, - dense FFN, E experts; empty = none.</summary>
        public string HybridPattern { get; init; } = "";
        public int RecurrentKeyHeads { get; init; }
        public int RecurrentValueHeads { get; init; }
        public int RecurrentKeyHeadDim { get; init; }
        public int RecurrentValueHeadDim { get; init; }
        public int ConvKernel { get; init; }
        public bool UngatedFfn { get; init; }
        /// <summary>Multi-token-prediction layers of the checkpoint (num_nextn_predict_layers); used only by <c>Speculation.Mtp</c>.</summary>
        public int MtpLayers { get; init; }

        /// <summary>KV heads; 0 means no grouped-query attention (one KV head per query head).</summary>
        public int EffectiveKeyValueHeads => KeyValueHeads > 0 ? KeyValueHeads : AttentionHeads;

        /// <summary>Head dimension; HiddenSize / AttentionHeads when not given.</summary>
        public int EffectiveHeadDim => HeadDim > 0 ? HeadDim : (AttentionHeads > 0 ? HiddenSize / AttentionHeads : 0);

        /// <summary>True for mixture-of-experts models.</summary>
        public bool IsMoe => Experts > 0;

        /// <summary>True for multi-head latent attention (DeepSeek-V2/V3).</summary>
        public bool IsMla => KvLoraRank > 0;

        /// <summary>Width of one routed expert's FFN.</summary>
        public int EffectiveExpertIntermediateSize => ExpertIntermediateSize > 0 ? ExpertIntermediateSize : IntermediateSize;

        /// <summary>Layers with a dense FFN (all of them for a dense model).</summary>
        public int EffectiveDenseLayers => IsMoe ? DenseLayers : Layers;

        /// <summary>MLA value head dimension.</summary>
        public int EffectiveValueHeadDim => ValueHeadDim > 0 ? ValueHeadDim : EffectiveHeadDim;

        /// <summary>True when some layers keep a fixed-size recurrent state per request instead of a KV cache.</summary>
        public bool HasRecurrentLayers => FullAttentionInterval > 0 || HybridPattern.IndexOf('M') >= 0;

        /// <summary>Layers that attend within a sliding window (0 without one).</summary>
        public int EffectiveSlidingWindowLayers => SlidingWindow > 0 ? SlidingWindowLayers : 0;
    }
}
