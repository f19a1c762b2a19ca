using System.Collections.Generic;
using DeploySpec.Engine.Cost;

namespace DeploySpec.Engine.Planning
{
    /// <summary>The operating points no other point beats on both per-user speed and throughput per GPU.</summary>
    public static class ParetoFrontier
    {
        /// <summary>
        /// The Pareto frontier of (per-user speed, throughput per GPU) over every plan at concurrency 1, 2, 4, ...
        /// up to its capacity, fastest per user first.
        /// </summary>
        public static IReadOnlyList<FrontierPoint> Of(IReadOnlyList<EvaluatedPlan> plans)
        {
            var points = new List<FrontierPoint>();
            for (int i = 0; i < plans.Count; i++)
            {
                var c = plans[i].Costs;
                for (int concurrency = 1; ; concurrency = concurrency >= c.MaxConcurrency / 2 ? c.MaxConcurrency : concurrency * 2)
                {
                    points.Add(new FrontierPoint(plans[i].Plan, CostEvaluator.Evaluate(c, concurrency)));
                    if (concurrency >= c.MaxConcurrency)
                    {
                        break;
                    }
                }
            }

            var frontier = new List<FrontierPoint>();
            foreach (var p in points)
            {
                bool dominated = false;
                foreach (var q in points)
                {
                    bool noWorse = q.Estimate.OutputTokensPerSecondPerUser >= p.Estimate.OutputTokensPerSecondPerUser &&
                                   q.Estimate.OutputTokensPerSecondPerGpu >= p.Estimate.OutputTokensPerSecondPerGpu;
                    bool better = q.Estimate.OutputTokensPerSecondPerUser > p.Estimate.OutputTokensPerSecondPerUser ||
                                  q.Estimate.OutputTokensPerSecondPerGpu > p.Estimate.OutputTokensPerSecondPerGpu;
                    if (noWorse && better)
                    {
                        dominated = true;
                        break;
                    }
                }

                if (!dominated && !frontier.Exists(f => f.Estimate.OutputTokensPerSecondPerUser == p.Estimate.OutputTokensPerSecondPerUser &&
                                                        f.Estimate.OutputTokensPerSecondPerGpu == p.Estimate.OutputTokensPerSecondPerGpu))
                {
                    frontier.Add(p);
                }
            }

            frontier.Sort((a, b) =>
            {
                int speed = b.Estimate.OutputTokensPerSecondPerUser.CompareTo(a.Estimate.OutputTokensPerSecondPerUser);
                return speed != 0 ? speed : a.Plan.Index.CompareTo(b.Plan.Index);
            });
            return frontier;
        }
    }
}
