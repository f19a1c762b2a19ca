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
        // ---- parameters (per layer from its descriptor, Layer) -----------------------------------------------

        /// <summary>The input embedding table.</summary>
        public static double EmbeddingParameters(ModelArchitecture m) => (double)m.VocabSize * m.HiddenSize;

        /// <summary>The output projection (0 when tied to the embedding).</summary>
        public static double LmHeadParameters(ModelArchitecture m) => m.TiedEmbeddings ? 0 : (double)m.VocabSize * m.HiddenSize;

        /// <summary>All parameters (untied embeddings counted twice, as the models' own totals do).</summary>
        public static double TotalParameters(ModelArchitecture m) => Parameters(m, allExperts: true);

        /// <summary>Parameters one token uses: all but the routed experts it is not sent to (embedding included).</summary>
        public static double ActiveParameters(ModelArchitecture m) => Parameters(m, allExperts: false);

        /// <summary>Parameters with every routed expert (<paramref name="allExperts"/>) or only the active ones, embeddings and final norm included.</summary>
        private static double Parameters(ModelArchitecture m, bool allExperts)
        {
            double layers = 0;
            for (int i = 0; i < m.Layers; i++)
            {
                var layer = Layer.Of(m, i);
                layers += layer.AttentionShardedParameters + layer.AttentionReplicatedParameters + layer.NormParameters
                    + layer.ShardedFfnParameters + (allExperts ? layer.RoutedExpertParameters : layer.ActiveExpertParameters) + layer.RouterParameters;
            }

            return layers + EmbeddingParameters(m) + LmHeadParameters(m) + m.HiddenSize;
        }

        // ---- bytes --------------------------------------------------------------------------------------------

        /// <summary>Bytes per element of the matrices of the transformer blocks.</summary>
        public static double LinearBytesPerParameter(ModelArchitecture m) => Units.BytesPerElement(m.Weights);

        /// <summary>Bytes per element of the embedding, LM head, norms and routers (16 bits in quantised checkpoints).</summary>
        public static double AuxiliaryBytesPerParameter(ModelArchitecture m) =>
            Units.IsQuantized(m.Weights) || m.Weights == Precision.Int4 || m.Weights == Precision.Fp4 ? 2.0 : Units.BytesPerElement(m.Weights);

        /// <summary>
        /// Bytes per element of a recurrent layer's state: the model's dtype (16 bits for quantised checkpoints), as
        /// vLLM's MambaStateDtypeCalculator picks with mamba_cache_dtype and mamba_ssm_cache_dtype "auto"; the FP8 KV
        /// cache setting does not apply to it.
        /// </summary>
        public static double StateBytesPerElement(ModelArchitecture m) => AuxiliaryBytesPerParameter(m);

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
            for (int i = first; i < first + count; i++)
            {
                var layer = Layer.Of(m, i);
                bytes += layer.AttentionShardedParameters * linear / tensorParallel;
                bytes += layer.AttentionReplicatedParameters * linear;
                bytes += layer.NormParameters * aux;
                bytes += layer.ShardedFfnParameters * linear / tensorParallel;
                bytes += layer.RoutedExpertParameters * linear / expertShards;
                bytes += layer.RouterParameters * aux;
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

        /// <summary>KV-cache bytes a full-attention layer of <paramref name="m"/> stores per token on one GPU (<see cref="Layer.KvBytesPerToken"/>).</summary>
        public static double KvBytesPerTokenPerLayer(ModelArchitecture m, int tensorParallel) => Layer.Of(m, 0).KvBytesPerToken(tensorParallel);

        /// <summary>KV bytes per token on one GPU of a stage, every layer counted (the figure engines print).</summary>
        public static double KvBytesPerTokenPerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel) =>
            layout.Sum(m, stage, layer => layer.KvBytesPerToken(tensorParallel));

        /// <summary>
        /// KV bytes one sequence of <paramref name="tokens"/> tokens holds on one GPU of a stage, sliding-window and
        /// chunked layers capped at the window or chunk, plus the fixed state of its recurrent layers.
        /// </summary>
        public static double KvBytesPerSequencePerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel, double tokens) =>
            layout.Sum(m, stage, layer => layer.KvBytesPerToken(tensorParallel) * layer.AttendedTokens(tokens) + layer.StateBytes(tensorParallel));

        /// <summary>Bytes of the fixed state one request keeps in the recurrent layers of a stage on one GPU (0 without any).</summary>
        public static double StateBytesPerSequencePerGpu(ModelArchitecture m, StageLayout layout, int stage, int tensorParallel) =>
            layout.Sum(m, stage, layer => layer.StateBytes(tensorParallel));
    }
}
