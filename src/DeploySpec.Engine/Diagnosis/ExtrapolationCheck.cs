using System.Linq;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>DS4005: estimates of the winners outside the calibration data.</summary>
    internal static class ExtrapolationCheck
    {
        /// <summary>DS4005: the winners lie outside the calibration data; name the axes and the band.</summary>
        public static void Judge(Judgement c, PlanningResult result)
        {
            var winners = new[] { result.Recommended, result.MinLatency, result.MaxThroughput }.Where(p => p is not null).Select(p => p!).Distinct().ToList();
            var axes = winners.Aggregate(ExtrapolationAxes.None, (all, p) => all | p.SingleRequest.ExtrapolatedAlong);
            if (axes == ExtrapolationAxes.None)
            {
                return;
            }

            var notMeasured = winners.Aggregate(ExtrapolationAxes.None, (all, p) => all | p.SingleRequest.NotMeasured);
            string plans = string.Join(", ", winners.Select(p => p.Plan.ToString()));
            c.Add(Rules.EstimatesExtrapolated, FindingTarget.Attribute, (winners.Count == 1 ? "its winner " : "its winners ") + plans, axes.Describe(notMeasured),
                winners.Max(p => p.SingleRequest.Uncertainty) * 100);
        }
    }
}
