using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Vocabulary;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// Whether a declared cluster or deployment can be planned at all: each property's own bounds come from its
    /// vocabulary table; the rules that relate several properties are here. Shared by the analyzers (which report
    /// each problem at its argument) and the generator (which declines a spec with any), so they never disagree.
    /// </summary>
    public static class SpecValidation
    {
        public static IReadOnlyList<SpecProblem> Validate(ClusterSpec cluster) => Terms.Check(ClusterVocabulary.Terms, cluster);

        /// <summary>Problems of a declared accelerator's values (each against its bounds; no rule relates them).</summary>
        public static IReadOnlyList<SpecProblem> Validate(AcceleratorSpec accelerator) => Terms.Check(AcceleratorVocabulary.Terms, accelerator);

        /// <summary>Problems of the deployment's own settings (its model and cluster are validated separately).</summary>
        public static IReadOnlyList<SpecProblem> ValidateSettings(DeploymentSpec deployment)
        {
            var problems = Terms.Check(DeploymentVocabulary.Terms, deployment);
            if (deployment.MaxContext > 0 && deployment.InputTokens > 0 && deployment.OutputTokens > 0 &&
                deployment.MaxContext < (long)deployment.InputTokens + deployment.OutputTokens)
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.MaxContext), string.Format(CultureInfo.InvariantCulture,
                    "MaxContext {0} is shorter than one request of InputTokens + OutputTokens = {1}",
                    deployment.MaxContext, (long)deployment.InputTokens + deployment.OutputTokens)));
            }

            return problems;
        }
    }
}
