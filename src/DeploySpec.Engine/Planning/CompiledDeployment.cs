using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DeploySpec.Engine.Cost;
using DeploySpec.Reporting;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// One deployment's plan table as generated code holds it. What was decided at compile time (which plans fit,
    /// their order, the winners, the frontier's operating points) travels as one short line of text
    /// (<see cref="Encode"/>); the numbers of each plan (memory per GPU, cost coefficients) are derived from the
    /// spec by this same engine on first use (<see cref="Restore(DeploymentSpec, string)"/>), so generated code stays a few lines per
    /// deployment whatever its plan count, and no plan is re-ranked at run time (a last-digit difference in a
    /// platform's math library cannot reorder the table or change a winner).
    /// </summary>
    public sealed class CompiledDeployment
    {
        private readonly PartitionPlan[] _plans;
        private readonly PlanCosts[] _costs;
        private readonly Lazy<DeploymentReport> _report;

        private CompiledDeployment(DeploymentSpec spec, PartitionPlan[] plans, PlanCosts[] costs, int minLatency, int maxThroughput,
            int recommended, bool recommendedMeetsTargets, (int Plan, int Concurrency)[] frontier, PlanRejection[] rejected)
        {
            Spec = spec;
            _plans = plans;
            _costs = costs;
            Plans = Array.AsReadOnly(plans);
            MinLatency = plans[minLatency];
            MaxThroughput = plans[maxThroughput];
            Recommended = plans[recommended];
            RecommendedMeetsTargets = recommendedMeetsTargets;
            Frontier = Array.AsReadOnly(frontier.Select(f => new FrontierPoint(plans[f.Plan], CostEvaluator.Evaluate(costs[f.Plan], f.Concurrency))).ToArray());
            Facts = Planning.Facts.Of(spec);
            RejectedPlans = Array.AsReadOnly(rejected);
            _report = new Lazy<DeploymentReport>(() => new DeploymentReport(
                Facts, Plans, Estimate, MinLatency, MaxThroughput, Recommended, RecommendedMeetsTargets, Frontier, RejectedPlans));
        }

        /// <summary>The deployment as resolved at compile time.</summary>
        public DeploymentSpec Spec { get; }

        /// <summary>Every plan that fits, in the compile-time order (best first for the objective).</summary>
        public IReadOnlyList<PartitionPlan> Plans { get; }

        /// <summary>The plan with the lowest time per output token for one request.</summary>
        public PartitionPlan MinLatency { get; }

        /// <summary>The plan with the most output tokens per second at capacity.</summary>
        public PartitionPlan MaxThroughput { get; }

        /// <summary>The best plan for the objective that meets the latency targets, or the fastest per user.</summary>
        public PartitionPlan Recommended { get; }

        /// <summary>True when <see cref="Recommended"/> meets the latency targets.</summary>
        public bool RecommendedMeetsTargets { get; }

        /// <summary>The Pareto frontier of throughput per GPU against per-user speed, fastest per user first.</summary>
        public IReadOnlyList<FrontierPoint> Frontier { get; }

        /// <summary>What the deployment was planned for.</summary>
        public DeploymentFacts Facts { get; }

        /// <summary>Every candidate split that is not a plan, and why (from the same screening that found the plans; nothing is planned again).</summary>
        public IReadOnlyList<PlanRejection> RejectedPlans { get; }

        /// <summary>Everything above, for reports.</summary>
        public DeploymentReport Report => _report.Value;

        /// <summary>The cost coefficients of the plan at <paramref name="index"/> (both pools of a disaggregated one), as <see cref="CostEvaluator"/> takes them.</summary>
        public ref readonly PlanCosts Costs(int index) => ref _costs[index];

        /// <summary>
        /// Time to first token, time per output token and throughput of <paramref name="plan"/> with
        /// <paramref name="concurrency"/> requests in flight. O(1) (the plan's <see cref="PartitionPlan.Index"/>) and allocation-free.
        /// </summary>
        /// <exception cref="ArgumentException">The plan is not one of <see cref="Plans"/>.</exception>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public PerformanceEstimate Estimate(PartitionPlan plan, int concurrency)
        {
            var plans = _plans;
            int i = plan is null ? -1 : plan.Index;
            if ((uint)i < (uint)plans.Length && ReferenceEquals(plans[i], plan))
            {
                return CostEvaluator.Evaluate(in _costs[i], concurrency); // the plan came from Plans: the common case
            }

            return CostEvaluator.Evaluate(in _costs[IndexOf(plan!)], concurrency);
        }

        /// <summary>
        /// Time to first token, time per output token and throughput of <paramref name="plan"/> when requests arrive at
        /// <paramref name="requestsPerSecond"/> (Little's law on the model's latencies, with a queueing wait that
        /// diverges as the rate nears capacity; <see cref="PerformanceEstimate.Saturated"/> past it). Allocation-free.
        /// </summary>
        /// <exception cref="ArgumentException">The plan is not one of <see cref="Plans"/>.</exception>
        public PerformanceEstimate EstimateAtRate(PartitionPlan plan, double requestsPerSecond) =>
            CostEvaluator.EvaluateAtRate(in _costs[IndexOf(plan)], requestsPerSecond);

        /// <summary>The position of <paramref name="plan"/> in <see cref="Plans"/>, checked.</summary>
        public int IndexOf(PartitionPlan plan)
        {
            if (plan is null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            int i = plan.Index;
            if ((uint)i >= (uint)_plans.Length || (!ReferenceEquals(_plans[i], plan) && !_plans[i].Equals(plan)))
            {
                throw new ArgumentException("Plan " + plan + " is not a plan of " + Spec.Name + ".", nameof(plan));
            }

            return i;
        }

        /// <summary>
        /// The compile-time decisions of <paramref name="result"/> as one line: the plans in order, each written as
        /// its position among the candidates the planner enumerates (<see cref="EvaluatedPlan.Position"/>: the
        /// aggregated candidates, then the disaggregated ones; integer arithmetic on the spec alone, the same on every machine) in a fixed number of base-64 digits given by the
        /// first character; then the min-latency, max-throughput and recommended plans' indices and whether the
        /// recommended one meets the targets; then the frontier as plan:concurrency pairs. About two characters a plan.
        /// </summary>
        public static string Encode(PlanningResult result)
        {
            if (!result.HasPlans)
            {
                throw new ArgumentException("A deployment without plans has no table.", nameof(result));
            }

            int width = 1;
            for (long reach = Digits.Length; reach < result.CandidateCount; reach *= Digits.Length)
            {
                width++;
            }

            var text = new StringBuilder().Append(Inv(width));
            foreach (var plan in result.Plans)
            {
                var digits = new char[width];
                if (plan.Position < 0 || plan.Position >= result.CandidateCount)
                {
                    throw new ArgumentException("Plan " + plan + " was not found by the planner's search: it has no position to encode.", nameof(result));
                }

                for (int k = width - 1, position = plan.Position; k >= 0; k--, position /= Digits.Length)
                {
                    digits[k] = Digits[position % Digits.Length];
                }

                text.Append(digits);
            }

            text.Append('|').Append(Inv(result.MinLatency!.Plan.Index)).Append(' ').Append(Inv(result.MaxThroughput!.Plan.Index))
                .Append(' ').Append(Inv(result.Recommended!.Plan.Index)).Append(' ').Append(result.RecommendedMeetsTargets ? '1' : '0').Append('|');
            foreach (var point in result.Frontier)
            {
                text.Append(Inv(point.Plan.Index)).Append(':').Append(Inv(point.Estimate.Concurrency)).Append(' ');
            }

            if (text[text.Length - 1] == ' ')
            {
                text.Length--;
            }

            return text.ToString();
        }

        /// <summary>
        /// Marks the table of a deployment the generator could not plan (its spec has errors, or nothing fits): the
        /// mark, then why. Generated code still gets the members, so that code using them binds and the build shows
        /// only DeploySpec's own errors; restoring such a table throws. A build with those errors never runs.
        /// </summary>
        public const char UnplannedMark = '!';

        /// <summary>The table of a deployment that was not planned, saying <paramref name="reason"/>.</summary>
        public static string EncodeUnplanned(string reason) => UnplannedMark + (reason ?? throw new ArgumentNullException(nameof(reason)));

        /// <summary>True, with the reason, when <paramref name="table"/> is that of a deployment that was not planned.</summary>
        public static bool IsUnplanned(string table, out string reason)
        {
            bool unplanned = table is { Length: > 0 } && table[0] == UnplannedMark;
            reason = unplanned ? table.Substring(1) : "";
            return unplanned;
        }

        /// <summary>The table that <see cref="Encode"/> wrote, for the spec that <see cref="SpecCodec.Encode"/> wrote: what generated code holds.</summary>
        /// <exception cref="FormatException">Either text is not what the encoders write.</exception>
        /// <exception cref="InvalidOperationException">The table is that of a deployment that was not planned (<see cref="EncodeUnplanned"/>).</exception>
        public static CompiledDeployment Restore(string spec, string table) =>
            Restore(SpecCodec.Decode(spec ?? throw new ArgumentNullException(nameof(spec))), table);

        /// <summary>
        /// The table that <see cref="Encode"/> wrote for <paramref name="spec"/>: the candidates screened again on
        /// partitioning and memory (<see cref="Planner.Screen"/>, no cost model, no ranking), the listed ones folded
        /// into plans in the encoded order, the others' reasons as <see cref="RejectedPlans"/>.
        /// </summary>
        /// <exception cref="FormatException"><paramref name="table"/> is not what <see cref="Encode"/> writes for this spec.</exception>
        /// <exception cref="InvalidOperationException">The table is that of a deployment that was not planned (<see cref="EncodeUnplanned"/>).</exception>
        public static CompiledDeployment Restore(DeploymentSpec spec, string table)
        {
            if (spec is null)
            {
                throw new ArgumentNullException(nameof(spec));
            }

            if (IsUnplanned(table, out string reason))
            {
                throw new InvalidOperationException((spec.Name.Length > 0 ? spec.Name : "The deployment") + " was not planned at compile time: " +
                    reason + ". The build reported why as a DeploySpec error; fix it and rebuild.");
            }

            string[] parts = (table ?? throw new ArgumentNullException(nameof(table))).Split('|');
            if (parts.Length != 3 || parts[0].Length < 2 || parts[0][0] < '1' || parts[0][0] > '9' || (parts[0].Length - 1) % (parts[0][0] - '0') != 0)
            {
                throw new FormatException("Not a DeploySpec plan table: " + table);
            }

            var screening = Planner.Screen(spec);
            var fitting = screening.Fitting.ToDictionary(c => c.Position);
            int width = parts[0][0] - '0', count = (parts[0].Length - 1) / width;
            var plans = new PartitionPlan[count];
            var costs = new PlanCosts[count];
            var calibration = Cost.CostCalibration.Default;
            for (int i = 0; i < count; i++)
            {
                long position = 0;
                for (int k = 0; k < width; k++)
                {
                    int digit = Digits.IndexOf(parts[0][1 + i * width + k]);
                    position = position * Digits.Length + (digit >= 0 ? digit : throw new FormatException("Not a DeploySpec plan table: " + table));
                }

                if (position >= screening.CandidateCount)
                {
                    throw new FormatException("A DeploySpec plan table names candidate " + position + " of " + screening.CandidateCount + ": " + table);
                }

                if (!fitting.TryGetValue((int)position, out var candidate))
                {
                    throw new FormatException("A DeploySpec plan table lists candidate " + position + ", which is not a plan of this spec: " + table);
                }

                var folded = Planner.Fold(spec, candidate, calibration);
                plans[i] = folded.Plan with { Index = i };
                costs[i] = folded.Costs;
            }

            int[] winners = Numbers(parts[1], ' ', 4);
            var frontier = parts[2].Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(p => Numbers(p, ':', 2)).Select(p => (p[0], p[1])).ToArray();
            if (winners.Take(3).Concat(frontier.Select(f => f.Item1)).Any(i => i < 0 || i >= plans.Length) || frontier.Any(f => f.Item2 < 1))
            {
                throw new FormatException("A DeploySpec plan table refers to a plan it does not list: " + table);
            }

            var rejected = screening.Rejected.Select(r => new PlanRejection(r.Degrees.ToString(), r.Reason)).ToArray();
            return new CompiledDeployment(spec, plans, costs, winners[0], winners[1], winners[2], winners[3] == 1, frontier, rejected);
        }

        /// <summary>The digits of a plan's position: 64 characters that need no escaping in a C# string.</summary>
        private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

        private static int[] Numbers(string text, char separator, int count)
        {
            string[] items = text.Split(separator);
            if (items.Length != count)
            {
                throw new FormatException("Expected " + count + " numbers separated by '" + separator + "': " + text);
            }

            return items.Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        }

        private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
