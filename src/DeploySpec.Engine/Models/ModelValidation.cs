using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Vocabulary;

namespace DeploySpec.Engine.Models
{
    /// <summary>A problem with a declared value: which attribute property, and why.</summary>
    public sealed record SpecProblem(string Property, string Message);

    /// <summary>
    /// Whether a declared model can be reasoned about at all. The analyzers report these problems at the offending
    /// argument; the generator declines a model that has any. One list, shared, so the two never disagree.
    /// </summary>
    public static class ModelValidation
    {
        /// <summary>Every problem of <paramref name="model"/>, in a fixed order: each property's own bounds (from
        /// <see cref="ModelVocabulary"/>) first, then the rules that relate several properties.</summary>
        public static IReadOnlyList<SpecProblem> Validate(ModelArchitecture model)
        {
            var problems = Terms.Check(ModelVocabulary.Terms, model);
            if (problems.Count > 0)
            {
                return problems;
            }

            if (model.HeadDim == 0 && model.HiddenSize % model.AttentionHeads != 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.AttentionHeads), Format(
                    "HiddenSize {0} is not divisible by AttentionHeads {1}; set HeadDim explicitly", model.HiddenSize, model.AttentionHeads)));
            }

            if (model.KeyValueHeads > model.AttentionHeads)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.KeyValueHeads), Format(
                    "KeyValueHeads {0} exceeds AttentionHeads {1}", model.KeyValueHeads, model.AttentionHeads)));
            }
            else if (model.KeyValueHeads > 0 && model.AttentionHeads % model.KeyValueHeads != 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.KeyValueHeads), Format(
                    "AttentionHeads {0} is not a multiple of KeyValueHeads {1}: query heads cannot be grouped", model.AttentionHeads, model.KeyValueHeads)));
            }

            if (!model.IsMoe && model.IntermediateSize == 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.IntermediateSize), "IntermediateSize must be positive for a dense model"));
            }

            if (model.IsMoe)
            {
                if (model.ActiveExperts == 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.ActiveExperts), "a mixture-of-experts model needs ActiveExperts (experts per token)"));
                }
                else if (model.ActiveExperts > model.Experts)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.ActiveExperts), Format(
                        "ActiveExperts {0} exceeds Experts {1}", model.ActiveExperts, model.Experts)));
                }

                if (model.EffectiveExpertIntermediateSize == 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.ExpertIntermediateSize), "a mixture-of-experts model needs ExpertIntermediateSize (or IntermediateSize)"));
                }

                LayerSubset(problems, model, nameof(ModelArchitecture.DenseLayers), model.DenseLayers, model.IntermediateSize == 0,
                    nameof(ModelArchitecture.IntermediateSize), "DenseLayers > 0 needs IntermediateSize for the dense FFN");
            }
            else
            {
                if (model.ActiveExperts > 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.ActiveExperts), "ActiveExperts is set but Experts is 0"));
                }

                if (model.SharedExperts > 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.SharedExperts), "SharedExperts is set but Experts is 0"));
                }
            }

            if (model.IsMla && model.QkRopeHeadDim == 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.QkRopeHeadDim), "multi-head latent attention (KvLoraRank > 0) needs QkRopeHeadDim"));
            }

            LayerSubset(problems, model, nameof(ModelArchitecture.SlidingWindowLayers), model.SlidingWindowLayers, model.SlidingWindow == 0,
                nameof(ModelArchitecture.SlidingWindow), "SlidingWindowLayers is set but SlidingWindow is 0");
            LayerPlacement(problems, model);
            return problems;
        }

        /// <summary>Patterns of local, MoE and recurrent layers: each needs what its layers are made of.</summary>
        private static void LayerPlacement(List<SpecProblem> problems, ModelArchitecture model)
        {
            if (model.SlidingWindow > 0 && model.AttentionChunkSize > 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.AttentionChunkSize), "AttentionChunkSize and SlidingWindow are both set: local layers are either windowed or chunked"));
            }

            if (model.SlidingWindowPattern > 0 && model.SlidingWindow == 0 && model.AttentionChunkSize == 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.SlidingWindowPattern), "SlidingWindowPattern is set but neither SlidingWindow nor AttentionChunkSize says how its local layers attend"));
            }

            if (model.MoeLayerInterval > 1 && !model.IsMoe)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.MoeLayerInterval), "MoeLayerInterval is set but Experts is 0"));
            }

            if (model.MoeLayerInterval > 1 && model.IntermediateSize == 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.IntermediateSize), "MoeLayerInterval > 1 needs IntermediateSize for the dense layers between the MoE layers"));
            }

            string pattern = model.HybridPattern;
            if (pattern.Length > 0)
            {
                int bad = pattern.IndexOfAny(NotInPattern(pattern));
                if (pattern.Length != model.Layers)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.HybridPattern), Format(
                        "HybridPattern has {0} characters but the model has {1} layers (one character per layer)", pattern.Length, model.Layers)));
                }
                else if (bad >= 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.HybridPattern), Format(
                        "HybridPattern character {0} (layer {1}) is not M (Mamba2), * (attention), - (dense FFN) or E (experts)", (int)pattern[bad], bad)));
                }
                else if (pattern.IndexOf('E') >= 0 && !model.IsMoe)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.HybridPattern), "HybridPattern has E (experts) layers but Experts is 0"));
                }

                if (model.FullAttentionInterval > 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.FullAttentionInterval), "FullAttentionInterval and HybridPattern are both set: the pattern already places every layer"));
                }
            }

            if (model.HasRecurrentLayers)
            {
                if (model.IsMla)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.KvLoraRank), "recurrent layers (FullAttentionInterval, HybridPattern) with latent attention are not modelled"));
                }

                RequireRecurrent(problems, nameof(ModelArchitecture.RecurrentKeyHeads), model.RecurrentKeyHeads);
                RequireRecurrent(problems, nameof(ModelArchitecture.RecurrentValueHeads), model.RecurrentValueHeads);
                RequireRecurrent(problems, nameof(ModelArchitecture.RecurrentKeyHeadDim), model.RecurrentKeyHeadDim);
                RequireRecurrent(problems, nameof(ModelArchitecture.RecurrentValueHeadDim), model.RecurrentValueHeadDim);
                RequireRecurrent(problems, nameof(ModelArchitecture.ConvKernel), model.ConvKernel);
            }
        }

        private static char[] NotInPattern(string pattern)
        {
            var others = new List<char>();
            foreach (char c in pattern)
            {
                if (c is not ('M' or '*' or '-' or 'E') && !others.Contains(c))
                {
                    others.Add(c);
                }
            }

            return others.ToArray();
        }

        private static void RequireRecurrent(List<SpecProblem> problems, string property, int value)
        {
            if (value == 0)
            {
                problems.Add(new SpecProblem(property, property + " must be set for recurrent layers (FullAttentionInterval or M in HybridPattern)"));
            }
        }

        /// <summary>
        /// A count of layers of one kind: at most Layers, and when set it needs the value <paramref name="needs"/>
        /// names (<paramref name="missing"/> says it is absent).
        /// </summary>
        private static void LayerSubset(List<SpecProblem> problems, ModelArchitecture model, string property, int count, bool missing, string needs, string needsMessage)
        {
            if (count > model.Layers)
            {
                problems.Add(new SpecProblem(property, Format("{0} {1} exceeds Layers {2}", property, count, model.Layers)));
            }
            else if (count > 0 && missing)
            {
                problems.Add(new SpecProblem(needs, needsMessage));
            }
        }

        private static string Format(string format, params object[] args) =>
            string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
