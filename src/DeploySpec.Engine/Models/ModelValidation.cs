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
            return problems;
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
