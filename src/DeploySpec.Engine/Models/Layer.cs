using System;

namespace DeploySpec.Engine.Models
{
    /// <summary>How a layer attends, which decides its KV cache per token and its attention work.</summary>
    public enum AttentionKind
    {
        /// <summary>Multi-head or grouped-query attention: K and V per KV head, per token.</summary>
        MultiHead,
        /// <summary>Multi-head latent attention (MLA): one compressed latent and a rope key per token, whole on every rank.</summary>
        Latent,
        /// <summary>No token mixer: a layer that is only an FFN (Nemotron-H's '-' and 'E' layers).</summary>
        None,
        /// <summary>Gated DeltaNet linear attention (Qwen3-Next): no KV cache, a fixed-size recurrent state per request.</summary>
        GatedDeltaNet,
        /// <summary>Mamba2 state-space mixer (Nemotron-H): no KV cache, a fixed-size convolution and SSM state per request.</summary>
        Mamba2,
    }

    /// <summary>What a layer's feed-forward block is.</summary>
    public enum FfnKind
    {
        /// <summary>One dense gated FFN, split by tensor parallelism.</summary>
        Dense,
        /// <summary>Routed experts (split over max(TP, EP) ranks), optional shared experts and a router.</summary>
        Experts,
        /// <summary>No FFN: a layer that is only a token mixer (Nemotron-H's 'M' and '*' layers).</summary>
        None,
    }

    /// <summary>
    /// One transformer block as every calculation sees it: parameters, KV bytes and attention work are read from
    /// here by the weights and KV sizing (<see cref="ModelMath"/>), the parameter counts and the cost model, so a
    /// new kind of layer is one more case of <see cref="Of"/>. Parameter counts are exact integers held in doubles.
    /// </summary>
    public readonly struct Layer
    {
        private readonly ModelArchitecture _model;

        private Layer(ModelArchitecture model, int index, AttentionKind attention, int window, int chunk, FfnKind ffn)
        {
            _model = model;
            Index = index;
            Attention = attention;
            Window = window;
            Chunk = chunk;
            Ffn = ffn;
        }

        /// <summary>Position of the layer in the model, 0-based.</summary>
        public int Index { get; }

        public AttentionKind Attention { get; }

        /// <summary>Tokens a sliding-window layer attends to and keeps in the KV cache; 0 for the whole context.</summary>
        public int Window { get; }

        /// <summary>Tokens per chunk of a chunked-attention layer (a token attends within its own chunk); 0 for none.</summary>
        public int Chunk { get; }

        public FfnKind Ffn { get; }

        /// <summary>True for a layer that keeps a fixed-size recurrent state per request instead of a KV cache.</summary>
        public bool IsRecurrent => Attention is AttentionKind.GatedDeltaNet or AttentionKind.Mamba2;

        /// <summary>
        /// Layer <paramref name="index"/> (0-based) of <paramref name="model"/>: with a <see cref="ModelArchitecture.HybridPattern"/>
        /// the pattern's character says what the layer's one block is; otherwise latent attention for MLA models,
        /// Gated DeltaNet except on every FullAttentionInterval-th layer, local layers (windowed or chunked) every layer
        /// but each SlidingWindowPattern-th, else spread evenly over the depth, and experts after the leading dense
        /// layers (every MoeLayerInterval-th).
        /// </summary>
        public static Layer Of(ModelArchitecture model, int index)
        {
            if (model.HybridPattern.Length > 0)
            {
                char block = index < model.HybridPattern.Length ? model.HybridPattern[index] : '*';
                return block switch
                {
                    'M' => new Layer(model, index, AttentionKind.Mamba2, 0, 0, FfnKind.None),
                    '-' => new Layer(model, index, AttentionKind.None, 0, 0, FfnKind.Dense),
                    'E' => new Layer(model, index, AttentionKind.None, 0, 0, FfnKind.Experts),
                    _ => new Layer(model, index, AttentionKind.MultiHead, LocalWindow(model, index), LocalChunk(model, index), FfnKind.None),
                };
            }

            var attention = model.IsMla ? AttentionKind.Latent
                : model.FullAttentionInterval > 0 && (index + 1) % model.FullAttentionInterval != 0 ? AttentionKind.GatedDeltaNet
                : AttentionKind.MultiHead;
            bool attends = attention is AttentionKind.MultiHead or AttentionKind.Latent;
            int window = attends ? LocalWindow(model, index) : 0;
            int chunk = attends ? LocalChunk(model, index) : 0;
            var ffn = HasExperts(model, index) ? FfnKind.Experts : FfnKind.Dense;
            return new Layer(model, index, attention, window, chunk, ffn);
        }

        private static int LocalWindow(ModelArchitecture m, int index) => m.SlidingWindow > 0 && IsLocal(m, index) ? m.SlidingWindow : 0;

        private static int LocalChunk(ModelArchitecture m, int index) => m.SlidingWindow == 0 && m.AttentionChunkSize > 0 && IsLocal(m, index) ? m.AttentionChunkSize : 0;

        /// <summary>
        /// True when layer <paramref name="index"/> attends locally: all but every SlidingWindowPattern-th layer, or
        /// SlidingWindowLayers of them spread evenly over the layers.
        /// </summary>
        private static bool IsLocal(ModelArchitecture m, int index)
        {
            if (m.SlidingWindowPattern > 0)
            {
                return (index + 1) % m.SlidingWindowPattern != 0;
            }

            int local = m.SlidingWindow > 0 || m.AttentionChunkSize > 0 ? m.SlidingWindowLayers : 0;
            if (local <= 0)
            {
                return false;
            }

            long before = (long)index * local / m.Layers;
            long after = (long)(index + 1) * local / m.Layers;
            return after > before;
        }

        /// <summary>True when layer <paramref name="index"/> has routed experts: a MoE model, past the dense layers, every MoeLayerInterval-th.</summary>
        private static bool HasExperts(ModelArchitecture m, int index) =>
            m.IsMoe && index >= m.DenseLayers && (m.MoeLayerInterval <= 1 || (index + 1) % m.MoeLayerInterval == 0);

        // ---- parameters -------------------------------------------------------------------------------------

        /// <summary>Attention parameters that tensor parallelism splits (Q, K, V, O; MLA up-projections).</summary>
        public double AttentionShardedParameters
        {
            get
            {
                var m = _model;
                double h = m.HiddenSize, heads = m.AttentionHeads, d = m.EffectiveHeadDim;
                if (Attention == AttentionKind.None)
                {
                    return 0;
                }

                if (IsRecurrent)
                {
                    return RecurrentShardedParameters;
                }

                if (Attention == AttentionKind.Latent)
                {
                    double rope = m.QkRopeHeadDim, kvRank = m.KvLoraRank, dv = m.EffectiveValueHeadDim;
                    double qInput = m.QLoraRank > 0 ? m.QLoraRank : h;
                    double qUp = qInput * heads * (d + rope);
                    double kvUp = kvRank * heads * (d + dv);
                    double output = heads * dv * h;
                    return qUp + kvUp + output;
                }

                double kvHeads = m.EffectiveKeyValueHeads;
                double qkvo = h * heads * d + 2 * h * kvHeads * d + heads * d * h;
                double bias = m.AttentionBias ? heads * d + 2 * kvHeads * d : 0;
                return qkvo + bias;
            }
        }

        /// <summary>
        /// A recurrent mixer's split parameters. Gated DeltaNet: in_proj_qkvz (q, k, v, z), in_proj_ba (b, a per value
        /// head), the causal convolution over q, k and v, dt_bias and A_log, out_proj. Mamba2: in_proj (z, x, B, C, dt),
        /// the convolution over x, B and C with its bias, A_log, D and dt_bias, the gated norm over the heads, out_proj.
        /// </summary>
        private double RecurrentShardedParameters
        {
            get
            {
                var m = _model;
                double h = m.HiddenSize, valueHeads = m.RecurrentValueHeads;
                double keyWidth = (double)m.RecurrentKeyHeads * m.RecurrentKeyHeadDim;
                double valueWidth = valueHeads * m.RecurrentValueHeadDim;
                double conv = 2 * keyWidth + valueWidth;
                double output = valueWidth * h;
                return Attention == AttentionKind.GatedDeltaNet
                    ? h * (2 * keyWidth + 2 * valueWidth + 2 * valueHeads) + conv * m.ConvKernel + 2 * valueHeads + output
                    : h * (2 * keyWidth + 2 * valueWidth + valueHeads) + conv * (m.ConvKernel + 1) + 3 * valueHeads + valueWidth + output;
            }
        }

        /// <summary>Attention parameters every tensor-parallel rank holds whole (MLA's down-projections and their norms; Gated DeltaNet's per-head norm).</summary>
        public double AttentionReplicatedParameters
        {
            get
            {
                if (Attention == AttentionKind.GatedDeltaNet)
                {
                    return _model.RecurrentValueHeadDim;
                }

                if (Attention != AttentionKind.Latent)
                {
                    return 0;
                }

                var m = _model;
                double h = m.HiddenSize;
                double qDown = m.QLoraRank > 0 ? h * m.QLoraRank + m.QLoraRank : 0;
                double kvDown = h * (m.KvLoraRank + m.QkRopeHeadDim) + m.KvLoraRank;
                return qDown + kvDown;
            }
        }

        /// <summary>The RMSNorm weight vectors: two, one per block (one for a layer that is a single block).</summary>
        public double NormParameters => (Attention == AttentionKind.None || Ffn == FfnKind.None ? 1.0 : 2.0) * _model.HiddenSize;

        /// <summary>Matrices of one FFN: gate, up and down, or up and down when ungated.</summary>
        private double FfnMatrices => _model.UngatedFfn ? 2.0 : 3.0;

        /// <summary>FFN parameters that tensor parallelism splits: the dense FFN, or a MoE layer's shared experts.</summary>
        public double ShardedFfnParameters => Ffn switch
        {
            FfnKind.Dense => FfnMatrices * _model.HiddenSize * _model.IntermediateSize,
            FfnKind.Experts => _model.SharedExperts * ExpertParameters,
            _ => 0,
        };

        /// <summary>All routed experts of a MoE layer (0 for a dense one): split over max(TP, EP) ranks.</summary>
        public double RoutedExpertParameters => Ffn == FfnKind.Experts ? _model.Experts * ExpertParameters : 0;

        /// <summary>The routed experts one token is sent to (0 for a dense layer).</summary>
        public double ActiveExpertParameters => Ffn == FfnKind.Experts ? _model.ActiveExperts * ExpertParameters : 0;

        /// <summary>The router of a MoE layer (0 for a dense one), held whole in 16 bits.</summary>
        public double RouterParameters => Ffn == FfnKind.Experts ? (double)_model.HiddenSize * _model.Experts : 0;

        /// <summary>One expert's FFN: gate (unless ungated), up and down projections.</summary>
        public double ExpertParameters => FfnMatrices * _model.HiddenSize * _model.EffectiveExpertIntermediateSize;

        // ---- KV cache and attention -------------------------------------------------------------------------

        /// <summary>
        /// KV-cache bytes this layer stores per token on one GPU: 2 (K and V) x KV heads per rank x head dim x bytes,
        /// or for latent attention (KvLoraRank + QkRopeHeadDim) x bytes, the latent whole on every TP rank.
        /// </summary>
        public double KvBytesPerToken(int tensorParallel)
        {
            var m = _model;
            double b = Units.BytesPerElement(m.KvCache);
            return Attention switch
            {
                AttentionKind.Latent => (m.KvLoraRank + m.QkRopeHeadDim) * b,
                AttentionKind.MultiHead => 2.0 * ModelMath.KvHeadsPerRank(m, tensorParallel) * m.EffectiveHeadDim * b,
                _ => 0, // recurrent layers keep a state instead (StateBytes); FFN-only layers keep nothing
            };
        }

        /// <summary>
        /// Tokens of a <paramref name="context"/>-token sequence this layer keeps in the KV cache and attends to: the
        /// window for a windowed layer; for a chunked layer at most one chunk (the engines size it like a window of the
        /// chunk, the longest a chunk's KV lives).
        /// </summary>
        public double AttendedTokens(double context) =>
            Window > 0 ? Math.Min(context, Window) : Chunk > 0 ? Math.Min(context, Chunk) : context;

        /// <summary>
        /// Bytes of the fixed-size state one request keeps in this layer on one GPU (0 for attention and FFN-only
        /// layers), in the model's dtype as vLLM keeps it by default (mamba_cache_dtype "auto"): the convolution's
        /// last ConvKernel - 1 inputs and the recurrent state, value heads x key head dim x value head dim, both split
        /// over TP. Mamba2's B/C groups that TP does not divide are replicated up to TP, as vLLM does.
        /// </summary>
        public double StateBytes(int tensorParallel)
        {
            if (!IsRecurrent)
            {
                return 0;
            }

            var m = _model;
            double tp = tensorParallel;
            int keyHeads = m.RecurrentKeyHeads;
            if (Attention == AttentionKind.Mamba2 && keyHeads % tensorParallel != 0)
            {
                keyHeads = tensorParallel;
            }

            double conv = (2.0 * keyHeads * m.RecurrentKeyHeadDim + (double)m.RecurrentValueHeads * m.RecurrentValueHeadDim) / tp * Math.Max(0, m.ConvKernel - 1);
            double recurrent = m.RecurrentValueHeads / tp * m.RecurrentKeyHeadDim * m.RecurrentValueHeadDim;
            return (conv + recurrent) * ModelMath.StateBytesPerElement(m);
        }

        /// <summary>
        /// Decode FLOPs of the state update per token on one GPU (0 for other layers): about 6 per element of the
        /// recurrent state (read it against the key, write the update, read it against the query) and 2 per
        /// convolution tap. An estimate, not calibrated: no recurrent model is in the calibration data.
        /// </summary>
        public double StateFlopsPerToken(int tensorParallel)
        {
            if (!IsRecurrent)
            {
                return 0;
            }

            var m = _model;
            double tp = tensorParallel;
            double recurrent = m.RecurrentValueHeads / tp * m.RecurrentKeyHeadDim * m.RecurrentValueHeadDim;
            double conv = (2.0 * m.RecurrentKeyHeads * m.RecurrentKeyHeadDim + (double)m.RecurrentValueHeads * m.RecurrentValueHeadDim) / tp * m.ConvKernel;
            return 6.0 * recurrent + 2.0 * conv;
        }

        /// <summary>Decode attention FLOPs per attended position on one GPU (QK^T and PV; MLA absorbed: scores on latent + rope, values on latent).</summary>
        public double DecodeFlopsPerPosition(int tensorParallel) =>
            AttentionFlops(tensorParallel, 2.0 * _model.KvLoraRank + _model.QkRopeHeadDim, _model.EffectiveHeadDim);

        /// <summary>Prefill attention FLOPs per (query, key) pair on one GPU.</summary>
        public double PrefillFlopsPerPair(int tensorParallel) =>
            AttentionFlops(tensorParallel, _model.EffectiveHeadDim + _model.QkRopeHeadDim + _model.EffectiveValueHeadDim, _model.EffectiveHeadDim);

        /// <summary>
        /// Attention FLOPs per (query, key) pair on one GPU: 2 x heads per rank x <paramref name="latentWidth"/> for latent
        /// attention, 4 x heads per rank x <paramref name="headDim"/> (QK^T and PV) for multi-head attention, none for a
        /// layer without attention.
        /// </summary>
        private double AttentionFlops(int tensorParallel, double latentWidth, double headDim)
        {
            double headsPerRank = (double)_model.AttentionHeads / tensorParallel;
            return Attention switch
            {
                AttentionKind.Latent => 2.0 * headsPerRank * latentWidth,
                AttentionKind.MultiHead => 4.0 * headsPerRank * headDim,
                _ => 0,
            };
        }

        /// <summary>(query, key) pairs causal attention over a <paramref name="prompt"/>-token prompt computes in this layer (windowed layers capped, chunked layers causal within each chunk).</summary>
        public double CausalPairs(double prompt)
        {
            if (Chunk > 0 && prompt > Chunk)
            {
                double c = Chunk, whole = Math.Floor(prompt / c), rest = prompt - whole * c;
                return whole * c * (c + 1) / 2.0 + rest * (rest + 1) / 2.0;
            }

            if (Window > 0 && prompt > Window)
            {
                double w = Window;
                return w * (w + 1) / 2.0 + (prompt - w) * w;
            }

            return prompt * (prompt + 1) / 2.0;
        }
    }
}
