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
    }

    /// <summary>What a layer's feed-forward block is.</summary>
    public enum FfnKind
    {
        /// <summary>One dense gated FFN, split by tensor parallelism.</summary>
        Dense,
        /// <summary>Routed experts (split over max(TP, EP) ranks), optional shared experts and a router.</summary>
        Experts,
    }

    /// <summary>
    /// One transformer block as every calculation sees it: parameters, KV bytes and attention work are read from
    /// here by the weights and KV sizing (<see cref="ModelMath"/>), the parameter counts and the cost model, so a
    /// new kind of layer is one more case of <see cref="Of"/>. Parameter counts are exact integers held in doubles.
    /// </summary>
    public readonly struct Layer
    {
        private readonly ModelArchitecture _model;

        private Layer(ModelArchitecture model, int index, AttentionKind attention, int window, FfnKind ffn)
        {
            _model = model;
            Index = index;
            Attention = attention;
            Window = window;
            Ffn = ffn;
        }

        /// <summary>Position of the layer in the model, 0-based.</summary>
        public int Index { get; }

        public AttentionKind Attention { get; }

        /// <summary>Tokens a sliding-window layer attends to and keeps in the KV cache; 0 for the whole context.</summary>
        public int Window { get; }

        public FfnKind Ffn { get; }

        /// <summary>
        /// Layer <paramref name="index"/> (0-based) of <paramref name="model"/>: latent attention for MLA models,
        /// sliding-window layers spread evenly over the depth, experts after the leading dense layers.
        /// </summary>
        public static Layer Of(ModelArchitecture model, int index)
        {
            var attention = model.IsMla ? AttentionKind.Latent : AttentionKind.MultiHead;
            int window = IsWindowed(model, index) ? model.SlidingWindow : 0;
            var ffn = model.IsMoe && index >= model.DenseLayers ? FfnKind.Experts : FfnKind.Dense;
            return new Layer(model, index, attention, window, ffn);
        }

        /// <summary>True when layer <paramref name="index"/> attends within the sliding window (spread evenly over the layers).</summary>
        private static bool IsWindowed(ModelArchitecture m, int index)
        {
            int windowed = m.EffectiveSlidingWindowLayers;
            if (windowed <= 0)
            {
                return false;
            }

            long before = (long)index * windowed / m.Layers;
            long after = (long)(index + 1) * windowed / m.Layers;
            return after > before;
        }

        // ---- parameters -------------------------------------------------------------------------------------

        /// <summary>Attention parameters that tensor parallelism splits (Q, K, V, O; MLA up-projections).</summary>
        public double AttentionShardedParameters
        {
            get
            {
                var m = _model;
                double h = m.HiddenSize, heads = m.AttentionHeads, d = m.EffectiveHeadDim;
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

        /// <summary>Attention parameters every tensor-parallel rank holds whole (MLA's down-projections and their norms).</summary>
        public double AttentionReplicatedParameters
        {
            get
            {
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

        /// <summary>The two RMSNorm weight vectors.</summary>
        public double NormParameters => 2.0 * _model.HiddenSize;

        /// <summary>FFN parameters that tensor parallelism splits: the dense FFN, or a MoE layer's shared experts.</summary>
        public double ShardedFfnParameters => Ffn == FfnKind.Dense
            ? 3.0 * _model.HiddenSize * _model.IntermediateSize
            : _model.SharedExperts * ExpertParameters;

        /// <summary>All routed experts of a MoE layer (0 for a dense one): split over max(TP, EP) ranks.</summary>
        public double RoutedExpertParameters => Ffn == FfnKind.Experts ? _model.Experts * ExpertParameters : 0;

        /// <summary>The routed experts one token is sent to (0 for a dense layer).</summary>
        public double ActiveExpertParameters => Ffn == FfnKind.Experts ? _model.ActiveExperts * ExpertParameters : 0;

        /// <summary>The router of a MoE layer (0 for a dense one), held whole in 16 bits.</summary>
        public double RouterParameters => Ffn == FfnKind.Experts ? (double)_model.HiddenSize * _model.Experts : 0;

        /// <summary>One expert's gated FFN: gate, up and down projections.</summary>
        public double ExpertParameters => 3.0 * _model.HiddenSize * _model.EffectiveExpertIntermediateSize;

        // ---- KV cache and attention -------------------------------------------------------------------------

        /// <summary>
        /// KV-cache bytes this layer stores per token on one GPU: 2 (K and V) x KV heads per rank x head dim x bytes,
        /// or for latent attention (KvLoraRank + QkRopeHeadDim) x bytes, the latent whole on every TP rank.
        /// </summary>
        public double KvBytesPerToken(int tensorParallel)
        {
            var m = _model;
            double b = Units.BytesPerElement(m.KvCache);
            return Attention == AttentionKind.Latent
                ? (m.KvLoraRank + m.QkRopeHeadDim) * b
                : 2.0 * ModelMath.KvHeadsPerRank(m, tensorParallel) * m.EffectiveHeadDim * b;
        }

        /// <summary>Tokens of a <paramref name="context"/>-token sequence this layer keeps in the KV cache and attends to.</summary>
        public double AttendedTokens(double context) =>
            Window > 0 ? Math.Min(context, Window) : context;

        /// <summary>Decode attention FLOPs per attended position on one GPU (QK^T and PV; MLA absorbed: scores on latent + rope, values on latent).</summary>
        public double DecodeFlopsPerPosition(int tensorParallel)
        {
            var m = _model;
            double headsPerRank = (double)m.AttentionHeads / tensorParallel;
            return Attention == AttentionKind.Latent
                ? 2.0 * headsPerRank * (2.0 * m.KvLoraRank + m.QkRopeHeadDim)
                : 4.0 * headsPerRank * m.EffectiveHeadDim;
        }

        /// <summary>Prefill attention FLOPs per (query, key) pair on one GPU.</summary>
        public double PrefillFlopsPerPair(int tensorParallel)
        {
            var m = _model;
            double headsPerRank = (double)m.AttentionHeads / tensorParallel;
            return Attention == AttentionKind.Latent
                ? 2.0 * headsPerRank * (m.EffectiveHeadDim + m.QkRopeHeadDim + m.EffectiveValueHeadDim)
                : 4.0 * headsPerRank * m.EffectiveHeadDim;
        }

        /// <summary>(query, key) pairs causal attention over a <paramref name="prompt"/>-token prompt computes in this layer (windowed layers capped).</summary>
        public double CausalPairs(double prompt)
        {
            if (Window > 0 && prompt > Window)
            {
                double w = Window;
                return w * (w + 1) / 2.0 + (prompt - w) * w;
            }

            return prompt * (prompt + 1) / 2.0;
        }
    }
}
