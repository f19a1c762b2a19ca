using System;
using System.Collections.Generic;
using System.Threading;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>The deployment being judged, its findings so far, and the best unpinned plan (planned once, when first needed).</summary>
    internal sealed class Judgement
    {
        private EvaluatedPlan? _best;
        private bool _bestKnown;

        public Judgement(DeploymentSpec spec, CancellationToken cancellationToken)
        {
            Spec = spec;
            Cancel = cancellationToken;
        }

        public DeploymentSpec Spec { get; }
        public CancellationToken Cancel { get; }
        public List<Finding> Findings { get; } = new();

        public EvaluatedPlan? Best
        {
            get
            {
                if (!_bestKnown)
                {
                    // Pins are degrees of an aggregated plan, so the plan a fix pins is the best aggregated one.
                    _best = Planner.Plan(FitAdvisor.Unpinned(Spec) with { Mode = ServingMode.Aggregated }, cancellationToken: Cancel).Recommended;
                    _bestKnown = true;
                }

                return _best;
            }
        }

        /// <summary>A finding about pinned degrees, with the best plan that fits as its remedy and fix.</summary>
        public void AddWithBestPlan(Finding finding, FindingTarget? target = null)
        {
            var best = Best;
            Findings.Add((finding with { Target = target ?? finding.Target }).WithRemedy(
                best is null ? "" : "; the best plan that fits is " + best.Pool.Degrees,
                best is null ? Array.Empty<Fix>() : new Fix[] { new PinPlan(best.Pool.Degrees) }));
        }

        public void Add(Rule rule, FindingTarget target, params object[] arguments) =>
            Findings.Add(Finding.Of(rule, target, Spec.Name, arguments));
    }
}
