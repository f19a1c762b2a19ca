using System.Linq;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>DS4001-DS4004: latency targets and arrival rates that the recommended plan does not meet.</summary>
    internal static class LatencyTargetChecks
    {
        /// <summary>DS4001-DS4004: latency targets (or an arrival rate) that no plan meets.</summary>
        public static void Judge(Judgement c, PlanningResult result)
        {
            var spec = c.Spec;
            if (spec.RequestsPerSecond > 0)
            {
                // Judged at the stated rate: name the plan that does best there, or the one with the most capacity.
                var sustained = result.Plans.Where(p => !p.BestWithinTargets.Saturated).ToList();
                string outcome;
                EvaluatedPlan best;
                if (sustained.Count > 0)
                {
                    best = sustained.OrderBy(p => p.BestWithinTargets.TimePerOutputTokenMs).ThenBy(p => p.BestWithinTargets.TimeToFirstTokenMs).First();
                    outcome = string.Format(System.Globalization.CultureInfo.InvariantCulture, "gives TTFT {0:0.0} ms and TPOT {1:0.00} ms",
                        best.BestWithinTargets.TimeToFirstTokenMs, best.BestWithinTargets.TimePerOutputTokenMs);
                }
                else
                {
                    best = result.Plans.OrderByDescending(p => p.Peak.OutputTokensPerSecond).First();
                    outcome = string.Format(System.Globalization.CultureInfo.InvariantCulture, "saturates: it serves at most {0:0.00} requests/s",
                        best.BestWithinTargets.OutputTokensPerSecond / spec.OutputTokens);
                }

                c.Add(Rules.RateNotServed, FindingTarget.Argument(nameof(DeploymentAttribute.RequestsPerSecond)),
                    spec.RequestsPerSecond.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), best.Plan.ToString(), outcome);
                return;
            }

            var fastest = result.MinLatency!;
            var firstToken = result.Plans.OrderBy(p => p.SingleRequest.TimeToFirstTokenMs).First();
            int before = c.Findings.Count;
            if (spec.MaxTimePerOutputTokenMs > 0 && fastest.SingleRequest.TimePerOutputTokenMs > spec.MaxTimePerOutputTokenMs)
            {
                c.Add(Rules.TimePerOutputTokenUnreachable, FindingTarget.Argument(nameof(DeploymentAttribute.MaxTimePerOutputTokenMs)), spec.MaxTimePerOutputTokenMs,
                    fastest.Plan.ToString(), fastest.SingleRequest.TimePerOutputTokenMs, fastest.SingleRequest.OutputTokensPerSecondPerUser);
            }

            if (spec.MaxTimeToFirstTokenMs > 0 && firstToken.SingleRequest.TimeToFirstTokenMs > spec.MaxTimeToFirstTokenMs)
            {
                c.Add(Rules.TimeToFirstTokenUnreachable, FindingTarget.Argument(nameof(DeploymentAttribute.MaxTimeToFirstTokenMs)), spec.MaxTimeToFirstTokenMs,
                    firstToken.Plan.ToString(), firstToken.SingleRequest.TimeToFirstTokenMs, spec.InputTokens);
            }

            if (c.Findings.Count == before)
            {
                c.Add(Rules.TargetsNotJointlyReachable, FindingTarget.Attribute, fastest.Plan.ToString(), fastest.SingleRequest.TimePerOutputTokenMs,
                    fastest.SingleRequest.TimeToFirstTokenMs, firstToken.Plan.ToString(), firstToken.SingleRequest.TimeToFirstTokenMs,
                    firstToken.SingleRequest.TimePerOutputTokenMs);
            }
        }
    }
}
