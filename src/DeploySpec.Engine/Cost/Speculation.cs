using System;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// The documented defaults of speculative decoding, in one place (docs/cost-model.md, "Speculative decoding"):
    /// draft tokens per verify step and, per method, the probability alpha that each draft token is accepted given
    /// that the ones before it were (an i.i.d. chain).
    /// </summary>
    public static class SpeculationMethod
    {
        /// <summary>Draft tokens per verify step when the deployment leaves SpeculativeTokens at 0: 3, the chain of the EAGLE-3 paper's SGLang runs and the default of vLLM's speculators.</summary>
        public const int DefaultSpeculativeTokens = 3;

        /// <summary>Most draft tokens per verify step a deployment may ask for (beyond it the acceptance of a chain is negligible).</summary>
        public const int MaxSpeculativeTokens = 16;

        /// <summary>
        /// MTP: 0.85. DeepSeek-V3 technical report (arXiv 2412.19437), sec. 5.4.3: "the acceptance rate of the second
        /// token prediction ranges between 85% and 90%"; the low end, because a chain re-uses the one MTP module.
        /// </summary>
        public const double MtpAcceptanceRate = 0.85;

        /// <summary>
        /// EAGLE-3: 0.80, derived. EAGLE-3 (arXiv 2503.01840) Table 3/4: SGLang v0.4.4, Llama-3.1-8B-Instruct, 1 x H100,
        /// chain of 3: 2.36x at batch 1, i.e. about 3 tokens per verify step with the bonus token; (1 - a^4)/(1 - a) = 2.95 at a = 0.80.
        /// </summary>
        public const double Eagle3AcceptanceRate = 0.80;

        /// <summary>
        /// A separate draft model: 0.70, our assumption. TensorRT-LLM's draft-target blog reports 3.0-3.6x for Llama 3.1
        /// 405B with Llama 3.2 1B/3B and 3.1 8B drafts at batch 1 on 4 x H200, but not the acceptance; 0.70 is a
        /// conservative reading of it, not a measurement.
        /// </summary>
        public const double DraftModelAcceptanceRate = 0.70;

        /// <summary>The documented alpha of <paramref name="method"/> (0 for <see cref="Speculation.None"/>).</summary>
        public static double DefaultAcceptanceRate(Speculation method) => method switch
        {
            Speculation.Eagle3 => Eagle3AcceptanceRate,
            Speculation.Mtp => MtpAcceptanceRate,
            Speculation.DraftModel => DraftModelAcceptanceRate,
            _ => 0,
        };

        /// <summary>
        /// Expected tokens one verify step emits with <paramref name="draftTokens"/> draft tokens each accepted with
        /// probability <paramref name="acceptanceRate"/> given the ones before: E = (1 - a^(k+1)) / (1 - a), the accepted
        /// prefix plus the token the verify step adds (Leviathan et al. 2023, eq. 1). 1 without drafts; k + 1 at a = 1.
        /// </summary>
        public static double ExpectedTokensPerStep(double acceptanceRate, int draftTokens)
        {
            if (draftTokens <= 0 || !(acceptanceRate > 0))
            {
                return 1.0;
            }

            if (acceptanceRate >= 1)
            {
                return draftTokens + 1.0;
            }

            return (1.0 - Math.Pow(acceptanceRate, draftTokens + 1)) / (1.0 - acceptanceRate);
        }
    }

    /// <summary>
    /// A deployment's speculative decoding with its defaults applied: the method, k draft tokens per verify step, alpha
    /// and E, the expected tokens per step (<see cref="SpeculationMethod.ExpectedTokensPerStep"/>). <see cref="Off"/>
    /// without speculation, or when the declaration is inconsistent (DS1015/DS1016 report it, and the generator declines it).
    /// </summary>
    public readonly record struct SpeculativeDecoding(Speculation Method, int DraftTokens, double AcceptanceRate, double AcceptedTokensPerStep)
    {
        public static SpeculativeDecoding Off { get; } = new(Speculation.None, 0, 0, 1.0);

        public bool IsOn => Method != Speculation.None;

        /// <summary>The speculation <paramref name="deployment"/> plans with.</summary>
        public static SpeculativeDecoding Of(DeploymentSpec deployment)
        {
            var method = deployment.Speculation;
            bool usable = method switch
            {
                Speculation.Eagle3 => true,
                Speculation.Mtp => deployment.Model.MtpLayers > 0,
                Speculation.DraftModel => deployment.Draft is not null,
                _ => false,
            };
            if (!usable)
            {
                return Off;
            }

            int k = deployment.SpeculativeTokens > 0 ? deployment.SpeculativeTokens : SpeculationMethod.DefaultSpeculativeTokens;
            double alpha = deployment.AcceptanceRate > 0 ? deployment.AcceptanceRate : SpeculationMethod.DefaultAcceptanceRate(method);
            return new SpeculativeDecoding(method, k, alpha, SpeculationMethod.ExpectedTokensPerStep(alpha, k));
        }
    }

    /// <summary>
    /// What the drafter costs on one GPU of a tensor-parallel group of <c>tp</c> (it runs with the target's TP, on the
    /// last pipeline stage, where the LM head is):
    /// <list type="bullet">
    /// <item>EAGLE-3: one decoder layer of the model's shape (dense: EAGLE-3's draft head is one layer), its feature
    /// fusion (3h x h) and its own LM head (the model's vocabulary: an upper bound, real heads often keep 32k tokens).</item>
    /// <item>MTP: the model's <see cref="ModelArchitecture.MtpLayers"/>, each a layer of the model's last layer's shape
    /// (MoE for DeepSeek) with its projection (2h x h); embedding and output head are shared with the model (streamed, not held twice).</item>
    /// <item>Draft model: the whole draft model, split by the target's TP.</item>
    /// </list>
    /// Per draft token the drafter streams <see cref="StreamBytesPerToken"/> (at one sequence: the experts one token
    /// uses) and computes <see cref="FlopsPerToken"/> and <see cref="Bf16FlopsPerToken"/> per sequence; it keeps
    /// <see cref="KvBytesPerToken"/> of KV per token of every request.
    /// </summary>
    /// <param name="WeightBytes">Draft weights one GPU holds, bytes.</param>
    /// <param name="StreamBytesPerToken">Weight bytes one GPU reads per draft token, bytes.</param>
    /// <param name="FlopsPerToken">FLOPs one GPU spends per draft token of one sequence on the weights in the model's
    /// format (2 per active parameter; the cost model runs them at the target's format rate).</param>
    /// <param name="Bf16FlopsPerToken">FLOPs one GPU spends per draft token of one sequence on 16-bit weights (the LM
    /// head, norms and routers of a quantised drafter; all of a 16-bit draft model's), at the BF16 rate.</param>
    /// <param name="KvBytesPerToken">Draft KV bytes per token of context on one GPU.</param>
    /// <param name="Layers">Draft layers (each with two tensor-parallel all-reduces when TP &gt; 1).</param>
    /// <param name="Parameters">All draft parameters (for the report and DS1015), whole model.</param>
    public sealed record DraftCost(double WeightBytes, double StreamBytesPerToken, double FlopsPerToken, double Bf16FlopsPerToken, double KvBytesPerToken, int Layers, double Parameters)
    {
        public static DraftCost None { get; } = new(0, 0, 0, 0, 0, 0, 0);

        /// <summary>The drafter of <paramref name="deployment"/> on one GPU of <paramref name="tp"/>; <see cref="None"/> without speculation.</summary>
        public static DraftCost Of(DeploymentSpec deployment, int tp)
        {
            var model = deployment.Model;
            var speculation = SpeculativeDecoding.Of(deployment);
            switch (speculation.Method)
            {
                case Speculation.Eagle3:
                {
                    var layer = Layer.Of(OneLayer(model, dense: true), 0);
                    double head = (double)model.VocabSize * model.HiddenSize;
                    double fusion = 3.0 * model.HiddenSize * model.HiddenSize;
                    return OfLayers(model, layer, 1, fusion, head, head, tp);
                }

                case Speculation.Mtp:
                {
                    var layer = Layer.Of(OneLayer(model, dense: false), 0);
                    double projection = 2.0 * model.HiddenSize * model.HiddenSize;
                    return OfLayers(model, layer, model.MtpLayers, projection, heldHead: 0, streamedHead: (double)model.VocabSize * model.HiddenSize, tp);
                }

                case Speculation.DraftModel:
                {
                    var draft = deployment.Draft!;
                    var layout = StageLayout.Create(draft.Layers, 1);
                    double weights = ModelMath.WeightBytesPerGpu(draft, layout, 0, tp, 1);
                    double embedding = ModelMath.EmbeddingParameters(draft) * ModelMath.AuxiliaryBytesPerParameter(draft) / tp;
                    // Its LM head multiplies whether or not it is tied to the embedding; the head, norms and routers
                    // are 16-bit, and so is everything in a 16-bit draft model.
                    double small = draft.HiddenSize + layout.Sum(draft, 0, layer => layer.NormParameters + layer.RouterParameters); // and the final norm
                    double matrices = ModelMath.ActiveParameters(draft) - ModelMath.EmbeddingParameters(draft) - ModelMath.LmHeadParameters(draft) - small;
                    double sixteenBit = small + (double)draft.VocabSize * draft.HiddenSize;
                    bool quantised = Units.IsQuantized(draft.Weights);
                    double flops = quantised ? 2.0 * matrices / tp : 0.0;
                    double bf16Flops = 2.0 * (sixteenBit + (quantised ? 0.0 : matrices)) / tp;
                    // A mixture-of-experts draft streams the experts one token uses (at one sequence), not all of them.
                    double body = ModelMath.TotalParameters(draft) - ModelMath.EmbeddingParameters(draft);
                    double active = draft.IsMoe && body > 0 ? (ModelMath.ActiveParameters(draft) - ModelMath.EmbeddingParameters(draft)) / body : 1.0;
                    return new DraftCost(weights, (weights - embedding) * active, flops, bf16Flops, ModelMath.KvBytesPerTokenPerGpu(draft, layout, 0, tp),
                        draft.Layers, ModelMath.TotalParameters(draft));
                }

                default:
                    return None;
            }
        }

        /// <summary><paramref name="count"/> layers like <paramref name="layer"/>, with their own extra matrix, a held and a streamed LM head.</summary>
        private static DraftCost OfLayers(ModelArchitecture model, Layer layer, int count, double extra, double heldHead, double streamedHead, int tp)
        {
            double linear = ModelMath.LinearBytesPerParameter(model), aux = ModelMath.AuxiliaryBytesPerParameter(model);
            double sharded = layer.AttentionShardedParameters + layer.ShardedFfnParameters + extra;
            double whole = layer.AttentionReplicatedParameters;
            double small = layer.NormParameters + layer.RouterParameters;
            double held = count * ((sharded / tp + whole) * linear + layer.RoutedExpertParameters / tp * linear + small * aux) + heldHead * aux / tp;
            double streamed = count * ((sharded / tp + whole + layer.ActiveExpertParameters / tp) * linear + small * aux) + streamedHead * aux / tp;
            double flops = 2.0 * count * (sharded / tp + whole + layer.ActiveExpertParameters / tp);
            double bf16Flops = 2.0 * (count * small + streamedHead / tp); // 16-bit in a quantised checkpoint, like the target's
            double parameters = count * (sharded + whole + layer.RoutedExpertParameters + small) + heldHead;
            return new DraftCost(held, streamed, flops, bf16Flops, count * layer.KvBytesPerToken(tp), count, parameters);
        }

        /// <summary>
        /// A one-layer model of <paramref name="model"/>'s shape with full attention: dense (EAGLE-3's head; the dense
        /// FFN width, else the active experts' width) or the model's last layer's kind (MTP).
        /// </summary>
        private static ModelArchitecture OneLayer(ModelArchitecture model, bool dense)
        {
            var shape = model with
            {
                Layers = 1, HybridPattern = "", FullAttentionInterval = 0, SlidingWindow = 0, SlidingWindowLayers = 0,
                SlidingWindowPattern = 0, AttentionChunkSize = 0, DenseLayers = 0, MoeLayerInterval = 0,
            };
            if (dense && model.IsMoe)
            {
                int width = model.IntermediateSize > 0 ? model.IntermediateSize : model.ActiveExperts * model.EffectiveExpertIntermediateSize;
                shape = shape with { Experts = 0, ActiveExperts = 0, SharedExperts = 0, ExpertIntermediateSize = 0, IntermediateSize = width };
            }

            return shape;
        }
    }
}
