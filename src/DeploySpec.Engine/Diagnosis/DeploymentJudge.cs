using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// The one place that judges a deployment: pinned degrees that cannot split the model or tile the cluster
    /// (<see cref="PinnedDegreeChecks"/>), settings the engine or speculative decoding cannot plan (<see cref="SettingsChecks"/>), plans that do not fit memory, concurrency or context beyond the KV cache
    /// (<see cref="CapacityChecks"/>), latency targets no plan meets (<see cref="LatencyTargetChecks"/>) and
    /// estimates outside the calibration data (<see cref="ExtrapolationCheck"/>). Built on the planner's own
    /// candidate enumeration (<see cref="CandidateRules"/>), so what the analyzers report and what the generator
    /// plans cannot disagree. Every planner run honours the cancellation token.
    /// </summary>
    public static class DeploymentJudge
    {
        /// <summary>Every finding about a deployment whose model, cluster and settings are each valid.</summary>
        public static IReadOnlyList<Finding> Explain(DeploymentSpec spec, CancellationToken cancellationToken = default)
        {
            var judgement = new Judgement(spec, cancellationToken);
            var settings = SettingsChecks.Errors(spec);
            if (settings.Count > 0)
            {
                return settings; // not planned (the generator declines it): its errors show alone
            }

            bool pinnedError = PinnedDegreeChecks.Judge(judgement);
            var result = PlanCache.Plan(spec, cancellationToken);
            if (result.Plans.FirstOrDefault(p => !p.Costs.IsFinite) is { } broken)
            {
                judgement.Findings.Add(Finding.Of(Rules.EngineFailure, FindingTarget.ClusterArgument, spec.Name,
                    "the cost model produced a non-finite estimate for " + broken.Plan));
            }
            else if (!result.HasPlans)
            {
                CapacityChecks.ExplainNoPlan(judgement, result, pinnedError);
            }
            else
            {
                if (!result.RecommendedMeetsTargets)
                {
                    LatencyTargetChecks.Judge(judgement, result);
                }

                ExtrapolationCheck.Judge(judgement, result);
            }

            return judgement.Findings;
        }
    }
}
