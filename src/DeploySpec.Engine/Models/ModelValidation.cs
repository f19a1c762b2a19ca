using System.Collections.Generic;
using System.Globalization;

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
        /// <summary>Largest size we accept for any dimension; beyond it the arithmetic is meaningless.</summary>
        public const int MaxDimension = 1 << 22;

        /// <summary>Every problem of <paramref name="model"/>, in a fixed order.</summary>
        public static IReadOnlyList<SpecProblem> Validate(ModelArchitecture model)
        {
            var problems = new List<SpecProblem>();

            void Positive(string property, int value)
            {
                if (value <= 0)
                {
                    problems.Add(new SpecProblem(property, Format("{0} must be positive, but is {1}", property, value)));
                }
                else if (value > MaxDimension)
                {
                    problems.Add(new SpecProblem(property, Format("{0} = {1} is beyond any real model (at most {2})", property, value, MaxDimension)));
                }
            }

            void NonNegative(string property, int value)
            {
                if (value < 0)
                {
                    problems.Add(new SpecProblem(property, Format("{0} cannot be negative, but is {1}", property, value)));
                }
                else if (value > MaxDimension)
                {
                    problems.Add(new SpecProblem(property, Format("{0} = {1} is beyond any real model (at most {2})", property, value, MaxDimension)));
                }
            }

            Positive(nameof(ModelArchitecture.Layers), model.Layers);
            Positive(nameof(ModelArchitecture.HiddenSize), model.HiddenSize);
            Positive(nameof(ModelArchitecture.AttentionHeads), model.AttentionHeads);
            Positive(nameof(ModelArchitecture.VocabSize), model.VocabSize);
            NonNegative(nameof(ModelArchitecture.KeyValueHeads), model.KeyValueHeads);
            NonNegative(nameof(ModelArchitecture.HeadDim), model.HeadDim);
            NonNegative(nameof(ModelArchitecture.IntermediateSize), model.IntermediateSize);
            NonNegative(nameof(ModelArchitecture.Experts), model.Experts);
            NonNegative(nameof(ModelArchitecture.ActiveExperts), model.ActiveExperts);
            NonNegative(nameof(ModelArchitecture.ExpertIntermediateSize), model.ExpertIntermediateSize);
            NonNegative(nameof(ModelArchitecture.SharedExperts), model.SharedExperts);
            NonNegative(nameof(ModelArchitecture.DenseLayers), model.DenseLayers);
            NonNegative(nameof(ModelArchitecture.KvLoraRank), model.KvLoraRank);
            NonNegative(nameof(ModelArchitecture.QkRopeHeadDim), model.QkRopeHeadDim);
            NonNegative(nameof(ModelArchitecture.QLoraRank), model.QLoraRank);
            NonNegative(nameof(ModelArchitecture.ValueHeadDim), model.ValueHeadDim);
            NonNegative(nameof(ModelArchitecture.SlidingWindow), model.SlidingWindow);
            NonNegative(nameof(ModelArchitecture.SlidingWindowLayers), model.SlidingWindowLayers);
            if (!Planning.SpecValidation.IsValidPrecision(model.Weights))
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.Weights), Format("Weights precision value {0} is not known", (int)model.Weights)));
            }

            if (!Planning.SpecValidation.IsValidPrecision(model.KvCache))
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.KvCache), Format("KvCache precision value {0} is not known", (int)model.KvCache)));
            }

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

                if (model.DenseLayers > model.Layers)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.DenseLayers), Format(
                        "DenseLayers {0} exceeds Layers {1}", model.DenseLayers, model.Layers)));
                }
                else if (model.DenseLayers > 0 && model.IntermediateSize == 0)
                {
                    problems.Add(new SpecProblem(nameof(ModelArchitecture.IntermediateSize), "DenseLayers > 0 needs IntermediateSize for the dense FFN"));
                }
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

            if (model.SlidingWindowLayers > model.Layers)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.SlidingWindowLayers), Format(
                    "SlidingWindowLayers {0} exceeds Layers {1}", model.SlidingWindowLayers, model.Layers)));
            }
            else if (model.SlidingWindowLayers > 0 && model.SlidingWindow == 0)
            {
                problems.Add(new SpecProblem(nameof(ModelArchitecture.SlidingWindow), "SlidingWindowLayers is set but SlidingWindow is 0"));
            }

            return problems;
        }

        private static string Format(string format, params object[] args) =>
            string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
