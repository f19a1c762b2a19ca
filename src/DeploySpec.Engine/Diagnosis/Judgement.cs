using System;
using System.Collections.Generic;
using System.Linq;
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
                    _best = Planner.Plan(FitAdvisor.Unpinned(Spec), cancellationToken: Cancel).Recommended;
                    _bestKnown = true;
                }

                return _best;
            }
        }

        /// <summary>A finding about pinned degrees, with the best plan that fits as its remedy and fix.</summary>
        public void AddWithBestPlan(Finding finding, string? property = null)
        {
            var best = Best;
            var arguments = finding.Arguments.ToArray();
            arguments[arguments.Length - 1] = best is null ? "" : "; the best plan that fits is " + best.Degrees;
            Findings.Add(finding with
            {
                Property = property ?? finding.Property,
                Arguments = arguments,
                Fixes = best is null ? Array.Empty<Fix>() : new Fix[] { new PinPlan(best.Degrees) },
            });
        }

        public void Add(Rule rule, string property, params object[] arguments) =>
            Findings.Add(Finding.Of(rule, property, Spec.Name, arguments));
    }
}
