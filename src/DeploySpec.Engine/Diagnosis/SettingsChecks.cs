using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using D = DeploySpec.DeploymentAttribute;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// Settings that can be judged only on the spec as joined, not by the parser: speculative decoding that cannot be
    /// planned as declared (DS1015, DS1016: they need the joined model and draft, a typeof() argument each), and a limit
    /// the engine itself refuses once the project's MSBuild defaults are in (DS1003). The analyzer reports them from
    /// <see cref="DeploymentJudge.Explain"/>, and the generator declines a spec that has any (the same function).
    /// </summary>
    public static class SettingsChecks
    {
        /// <summary>Every such error of <paramref name="spec"/> (empty when it plans as declared).</summary>
        public static IReadOnlyList<Finding> Errors(DeploymentSpec spec)
        {
            var findings = new List<Finding>();

            // An engine that refuses a batch limit above its token budget (vLLM: every running request takes a token of
            // each iteration). The batch limit may be the project's (DeploySpecMaxBatchSize), so this is judged after the
            // defaults apply.
            var engine = Serving.ServingEngineProfile.For(spec.Engine);
            if (engine.RefusesBatchAboveTokenBudget && spec.MaxBatchedTokens > 0 && spec.MaxBatchSize > spec.MaxBatchedTokens)
            {
                findings.Add(Finding.Of(Rules.InvalidDeployment, FindingTarget.Argument(nameof(D.MaxBatchedTokens)), spec.Name, string.Format(CultureInfo.InvariantCulture,
                    "MaxBatchedTokens {0} is below MaxBatchSize {1}: each running request takes a token of every iteration, so {2} refuses to start (max_num_batched_tokens must be at least max_num_seqs); raise MaxBatchedTokens to {1} or lower MaxBatchSize to {0}",
                    spec.MaxBatchedTokens, spec.MaxBatchSize, engine.DisplayName)));
            }

            var model = spec.Model;
            var draft = spec.Draft;
            string speculation = nameof(D.Speculation), draftModel = nameof(D.DraftModel);
            if (draft is not null && spec.Speculation != Speculation.DraftModel)
            {
                findings.Add(new Finding(Rules.SpeculationInconsistent, FindingTarget.Argument(draftModel),
                    new object[]
                    {
                        spec.Name,
                        draftModel + " = typeof(" + draft.Name + ") is read only with " + speculation + " = Speculation." + nameof(Speculation.DraftModel) +
                        ", but " + speculation + " is " + spec.Speculation + "; set " + speculation + " = Speculation." + nameof(Speculation.DraftModel) +
                        " or remove " + draftModel,
                    },
                    new Fix[] { new SetSpeculation(Speculation.DraftModel) }));
            }

            switch (spec.Speculation)
            {
                case Speculation.DraftModel when draft is null:
                    findings.Add(Finding.Of(Rules.SpeculationInconsistent, FindingTarget.Argument(speculation), spec.Name,
                        speculation + " = Speculation." + nameof(Speculation.DraftModel) + " needs " + draftModel + " = typeof(...) of a class marked [Model], smaller than " +
                        model.Name + "; name one, or use Speculation." + nameof(Speculation.Eagle3) + " (no separate model)"));
                    break;
                case Speculation.DraftModel when draft is not null:
                    double draftParameters = ModelMath.TotalParameters(draft), modelParameters = ModelMath.TotalParameters(model);
                    if (draftParameters >= modelParameters)
                    {
                        findings.Add(Finding.Of(Rules.DraftModelTooLarge, FindingTarget.Argument(draftModel), spec.Name,
                            draft.Name, draftParameters / 1e9, model.Name, modelParameters / 1e9));
                    }

                    break;
                case Speculation.Mtp when model.MtpLayers <= 0:
                    findings.Add(Finding.Of(Rules.SpeculationInconsistent, FindingTarget.Argument(speculation), spec.Name,
                        speculation + " = Speculation." + nameof(Speculation.Mtp) + " runs the model's own multi-token-prediction layers, but " + model.Name +
                        " declares none (MtpLayers = 0; config.json num_nextn_predict_layers); set MtpLayers on its [Model] if its checkpoint has them, or use Speculation." +
                        nameof(Speculation.Eagle3)));
                    break;
            }

            return findings;
        }
    }
}
