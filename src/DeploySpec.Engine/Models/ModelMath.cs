using System;

namespace DeploySpec.Engine.Models
{
    /// <summary>
    /// Parameter counts, weight bytes and KV-cache bytes derived from a model's architecture. Parameter counts are
    /// doubles (exact integers up to 2^53, far beyond any model). Gated FFNs (gate, up, down) throughout.
    /// Quantised checkpoints (8 bits or fewer) keep the embedding, the LM head, norms and routers in 16 bits, as the
    /// FP8/FP4 checkpoints of vLLM and TensorRT-LLM do.
    /// </summary>
    public static class ModelMath
    {
        // ---- parameters -------------------------------------------------------------------------------------

        /// <summary>Attention parameters of one layer that tensor parallelism splits (Q, K, V, O; MLA up-projections).</summary>
        public static double AttentionShardedParameters(ModelArchitecture m)
        {
            double h = m.HiddenSize, heads = m.AttentionHeads, d = m.EffectiveHeadDim;
            if (m.IsMla)
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

        /// <summary>Attention parameters every tensor-parallel rank holds whole (MLA's down-projections and their norms).</summary>
        public static double AttentionReplicatedParameters(ModelArchitecture m)
        {
            if (!m.IsMla)
            {
                return 0;
            }

            double h = m.HiddenSize;
            double qDown = m.QLoraRank > 0 ? h * m.QLoraRank + m.QLoraRank : 0;
            double kvDown = h * (m.KvLoraRank + m.QkRopeHeadDim) + m.KvLoraRank;
            return qDown + kvDown;
        }

        /// <summary>One dense gated FFN: gate, up and down projections.</summary>
        public static double DenseFfnParameters(ModelArchitecture m) => 3.0 * m.HiddenSize * m.IntermediateSize;

        /// <summary>One expert's gated FFN.</summary>
        public static double ExpertParameters(ModelArchitecture m) => 3.0 * m.HiddenSize * m.EffectiveExpertIntermediateSize;

        /// <summary>The router of one MoE layer.</summary>
        public static double RouterParameters(ModelArchitecture m) => (double)m.HiddenSize * m.Experts;

        /// <summary>The two RMSNorm weight vectors of one layer.</summary>
        public static double LayerNormParameters(ModelArchitecture m) => 2.0 * m.HiddenSize;

        /// <summary>The input embedding table.</summary>
        public static double EmbeddingParameters(ModelArchitecture m) => (double)m.VocabSize * m.HiddenSize;

        /// <summary>The output projection (0 when tied to the embedding).</summary>
        public static double LmHeadParameters(ModelArchitecture m) => m.TiedEmbeddings ? 0 : (double)m.VocabSize * m.HiddenSize;

        /// <summary>True when layer <paramref name="layer"/> (0-based) has a dense FFN rather than experts.</summary>
        public static bool IsDenseLayer(ModelArchitecture m, int layer) => !m.IsMoe || layer < m.DenseLayers;

        /// <summary>True when layer <paramref name="layer"/> attends within the sliding window (spread evenly over the layers).</summary>
        public static bool IsWindowedLayer(ModelArchitecture m, int layer)
        {
            int windowed = m.EffectiveSlidingWindowLayers;
            if (windowed <= 0)
            {
                return false;
            }

            long before = (long)layer * windowed / m.Layers;
            long after = (long)(layer + 1) * windowed / m.Layers;
            return after > before;
        }

        /// <summary>All parameters (untied embeddings counted twice, as the models' own totals do).</summary>
        public static double TotalParameters(ModelArchitecture m) => Parameters(m, m.Experts);

        /// <summary>Parameters one token uses: all but the routed experts it is not sent to (embedding included).</summary>
        public static double ActiveParameters(ModelArchitecture m) => Parameters(m, m.ActiveExperts);

        /// <summary>Parameters with <paramref name="routedExperts"/> routed experts per MoE layer, embeddings and final norm included.</summary>
        private static double Parameters(ModelArchitecture m, int routedExperts)
        {
            double perLayerCommon = AttentionShardedParameters(m) + AttentionReplicatedParameters(m) + LayerNormParameters(m);
            int dense = m.EffectiveDenseLayers, moe = m.Layers - dense;
            double moeLayer = (routedExperts + m.SharedExperts) * ExpertParameters(m) + RouterParameters(m);
            return m.Layers * perLayerCommon + dense * DenseFfnParameters(m) + moe * moeLayer
                + EmbeddingParameters(m) + LmHeadParameters(m) + m.HiddenSize;
        }

        // ---- bytes --------------------------------------------------------------------------------------------

        /// <summary>Bytes per element of the matrices of the transformer blocks.</summary>
        public static double LinearBytesPerParameter(ModelArchitecture m) => Units.BytesPerElement(m.Weights);

        /// <summary>Bytes per element of the embedding, LM head, norms and routers (16 bits in quantised checkpoints).</summary>
        public static double AuxiliaryBytesPerParameter(ModelArchitecture m) =>
            Units.IsQuantized(m.Weights) || m.Weights == Precision.Int4 || m.Weights == Precision.Fp4 ? 2.0 : Units.BytesPerElement(m.Weights);

        /// <summary>Bytes of all weights of the model, on disk or over all GPUs of one replica.</summary>
        public static double TotalWeightBytes(ModelArchitecture m)
        {
            var layout = StageLayout.Create(m.Layers, 1);
            return WeightBytesPerGpu(m, layout, 0, 1, 1);
        }

        /// <summary>
        /// Weight bytes one GPU of pipeline stage <paramref name="stage"/> holds: matrices split over
        /// <paramref name="tensorParallel"/> ranks, routed experts over max(TP, EP) ranks, MLA down-projections and
        /// norms whole, the vocabulary-parallel embedding on the first stage and the LM head on the last.
        /// </summary>
        public static double WeightBytesPerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel, int expertParallel)
        {
            double linear = LinearBytesPerParameter(m), aux = AuxiliaryBytesPerParameter(m);
            double expertShards = Math.Max(tensorParallel, expertParallel);
            double bytes = 0;
            int first = layout.FirstLayer(stage), count = layout.LayerCount(stage);
            for (int layer = first; layer < first + count; layer++)
            {
                bytes += AttentionShardedParameters(m) * linear / tensorParallel;
                bytes += AttentionReplicatedParameters(m) * linear;
                bytes += LayerNormParameters(m) * aux;
                if (IsDenseLayer(m, layer))
                {
                    bytes += DenseFfnParameters(m) * linear / tensorParallel;
                }
                else
                {
                    bytes += m.SharedExperts * ExpertParameters(m) * linear / tensorParallel;
                    bytes += m.Experts * ExpertParameters(m) * linear / expertShards;
                    bytes += RouterParameters(m) * aux;
                }
            }

            if (stage == 0)
            {
                bytes += EmbeddingParameters(m) * aux / tensorParallel;
            }

            if (stage == layout.Stages - 1)
            {
                // A tied LM head reuses the embedding; with PP > 1 the last stage still needs its own copy.
                double head = m.TiedEmbeddings && layout.Stages == 1 ? 0 : (double)m.VocabSize * m.HiddenSize;
                bytes += head * aux / tensorParallel + m.HiddenSize * aux;
            }

            return bytes;
        }

        /// <summary>
        /// KV heads one tensor-parallel rank stores, as vLLM computes it: max(1, KV heads / TP). When TP exceeds
        /// the KV heads they are replicated, not split.
        /// </summary>
        public static int KvHeadsPerRank(ModelArchitecture m, int tensorParallel) =>
            Math.Max(1, m.EffectiveKeyValueHeads / tensorParallel);

        /// <summary>
        /// KV-cache bytes one layer stores per token on one GPU: 2 (K and V) x heads per rank x head dim x bytes,
        /// or for MLA (KvLoraRank + QkRopeHeadDim) x bytes, the latent being whole on every TP rank.
        /// </summary>
        public static double KvBytesPerTokenPerLayer(ModelArchitecture m, int tensorParallel)
        {
            double b = Units.BytesPerElement(m.KvCache);
            return m.IsMla
                ? (m.KvLoraRank + m.QkRopeHeadDim) * b
                : 2.0 * KvHeadsPerRank(m, tensorParallel) * m.EffectiveHeadDim * b;
        }

        /// <summary>KV bytes per token on one GPU of a stage, every layer counted (the figure engines print).</summary>
        public static double KvBytesPerTokenPerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel) =>
            layout.LayerCount(stage) * KvBytesPerTokenPerLayer(m, tensorParallel);

        /// <summary>
        /// KV bytes one sequence of <paramref name="tokens"/> tokens holds on one GPU of a stage, sliding-window layers
        /// capped at the window.
        /// </summary>
        public static double KvBytesPerSequencePerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel, double tokens)
        {
            double perLayer = KvBytesPerTokenPerLayer(m, tensorParallel);
            int first = layout.FirstLayer(stage), count = layout.LayerCount(stage);
            double bytes = 0;
            for (int layer = first; layer < first + count; layer++)
            {
                bytes += perLayer * (IsWindowedLayer(m, layer) ? Math.Min(tokens, m.SlidingWindow) : tokens);
            }

            return bytes;
        }
    }
}
