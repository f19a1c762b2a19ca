using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>Percentile latencies (Poisson arrivals, docs/cost-model.md "Percentiles"), goodput and the ranking by it.</summary>
public class GoodputTests
{
    /// <summary>Llama 3.1 70B (FP8) on 2 x H100 pinned to TP2: one plan.</summary>
    private static DeploymentSpec Llama70BOnTwoH100() => LatencyUnderLoadTests.Llama70BOnTwoH100();

    /// <summary>Llama 3.1 70B (FP8) on 8 x H100, both serving modes searched (ServingMode.Any, the default).</summary>
    private static DeploymentSpec Llama70BOnEightH100() => MemoryModelTests.On(
        ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8);

    private static PlanCosts OnlyPlan(DeploymentSpec spec) => Assert.Single(Planner.Plan(spec).Plans).Costs;

    /// <summary>Targets an idle plan meets with room to spare: TTFT 3x and TPOT 1.6x the single request's.</summary>
    private static DeploymentSpec WithTargets(DeploymentSpec spec, PlanCosts costs, LatencyStatistic statistic)
    {
        var idle = CostEvaluator.Evaluate(costs, 1);
        return spec with
        {
            MaxTimeToFirstTokenMs = Math.Round(3 * idle.TimeToFirstTokenMs),
            MaxTimePerOutputTokenMs = Math.Round(1.6 * idle.TimePerOutputTokenMs, 1),
            TargetStatistic = statistic,
        };
    }

    [Fact]
    public void Percentiles_lie_above_the_mean_P99_above_P90_and_both_rise_with_the_rate()
    {
        var costs = OnlyPlan(Llama70BOnTwoH100());
        double capacity = CostEvaluator.CapacityRequestsPerSecond(costs);
        PerformanceEstimate previous = default;
        foreach (double share in new[] { 0.3, 0.6, 0.8, 0.9, 0.95, 0.99 })
        {
            var e = CostEvaluator.EvaluateAtRate(costs, share * capacity);
            Assert.False(e.Saturated);
            Assert.True(e.TimeToFirstTokenP90Ms >= e.TimeToFirstTokenMs && e.TimeToFirstTokenP99Ms >= e.TimeToFirstTokenP90Ms, $"TTFT at {share:P0}: {e.TimeToFirstTokenMs}, P90 {e.TimeToFirstTokenP90Ms}, P99 {e.TimeToFirstTokenP99Ms} ms");
            // Near capacity the count at its percentiles reaches the slots (both P90 and P99 are TPOT with every slot busy).
            Assert.True(e.TimePerOutputTokenP90Ms > e.TimePerOutputTokenMs && e.TimePerOutputTokenP99Ms >= e.TimePerOutputTokenP90Ms && (share > 0.9 || e.TimePerOutputTokenP99Ms > e.TimePerOutputTokenP90Ms), $"TPOT at {share:P0}: {e.TimePerOutputTokenMs}, P90 {e.TimePerOutputTokenP90Ms}, P99 {e.TimePerOutputTokenP99Ms} ms");
            if (share >= 0.9)
            {
                // Near capacity most requests wait for a slot: the tail lies well above the mean.
                Assert.True(e.TimeToFirstTokenP99Ms > e.TimeToFirstTokenP90Ms && e.TimeToFirstTokenP90Ms > e.TimeToFirstTokenMs,
                    $"TTFT at {share:P0}: {e.TimeToFirstTokenMs}, P90 {e.TimeToFirstTokenP90Ms}, P99 {e.TimeToFirstTokenP99Ms} ms");
            }

            if (share > 0.3)
            {
                Assert.True(e.TimeToFirstTokenP90Ms >= previous.TimeToFirstTokenP90Ms && e.TimeToFirstTokenP99Ms > previous.TimeToFirstTokenP99Ms);
                Assert.True(e.TimePerOutputTokenP90Ms >= previous.TimePerOutputTokenP90Ms && e.TimePerOutputTokenP99Ms >= previous.TimePerOutputTokenP99Ms && e.TimePerOutputTokenMs > previous.TimePerOutputTokenMs);
            }

            previous = e;
        }
    }

    [Fact]
    public void At_a_trickle_of_requests_the_P90_time_to_first_token_is_the_deterministic_one()
    {
        var costs = OnlyPlan(Llama70BOnTwoH100());
        var e = CostEvaluator.EvaluateAtRate(costs, CostEvaluator.CapacityRequestsPerSecond(costs) * 1e-6);
        double idlePrefillMs = costs.Pool.PrefillLatencySeconds * 1e3;
        Assert.Equal(idlePrefillMs, e.TimeToFirstTokenP90Ms, 6);
        Assert.Equal(idlePrefillMs, e.TimeToFirstTokenP99Ms, 6);
        Assert.Equal(e.TimePerOutputTokenMs, e.TimePerOutputTokenP99Ms, 9);
    }

    [Fact]
    public void Every_evaluator_path_fills_the_percentiles_infinite_time_to_first_token_only_when_saturated()
    {
        var result = Planner.Plan(Llama70BOnEightH100());
        foreach (var plan in result.Plans.Where(p => p.Mode == ServingMode.Aggregated).Take(2).Concat(result.Plans.Where(p => p.Mode == ServingMode.Disaggregated).Take(2)))
        {
            var costs = plan.Costs;
            double capacity = CostEvaluator.CapacityRequestsPerSecond(costs);
            var estimates = new[]
            {
                CostEvaluator.Evaluate(costs, 1), CostEvaluator.Evaluate(costs, costs.MaxConcurrency / 2 + 1),
                CostEvaluator.Evaluate(costs, costs.MaxConcurrency * 2), CostEvaluator.EvaluateAtRate(costs, 0.5 * capacity),
                CostEvaluator.EvaluateAtRate(costs, 0.95 * capacity), CostEvaluator.EvaluateAtRate(costs, 2 * capacity),
            };
            foreach (var e in estimates)
            {
                string where = $"{plan} at {e.Concurrency} in flight{(e.Saturated ? ", saturated" : "")}";
                Assert.True(e.TimeToFirstTokenP90Ms >= e.TimeToFirstTokenMs && e.TimeToFirstTokenP99Ms >= e.TimeToFirstTokenP90Ms, where);
                Assert.True(e.TimePerOutputTokenP90Ms >= e.TimePerOutputTokenMs && e.TimePerOutputTokenP99Ms >= e.TimePerOutputTokenP90Ms, where);
                Assert.Equal(e.Saturated, double.IsPositiveInfinity(e.TimeToFirstTokenP90Ms));
                Assert.False(double.IsInfinity(e.TimePerOutputTokenP99Ms) || double.IsNaN(e.TimeToFirstTokenP99Ms), where);
            }

            // In a closed loop the count in flight is fixed: TPOT has no spread.
            Assert.Equal(estimates[1].TimePerOutputTokenMs, estimates[1].TimePerOutputTokenP99Ms);
            Assert.True(estimates[5].Saturated);
        }
    }

    [Theory]
    [InlineData(LatencyStatistic.Mean)]
    [InlineData(LatencyStatistic.P90)]
    [InlineData(LatencyStatistic.P99)]
    public void Goodput_is_the_highest_rate_that_meets_the_targets(LatencyStatistic statistic)
    {
        var spec = Llama70BOnTwoH100();
        var costs = OnlyPlan(spec);
        spec = WithTargets(spec, costs, statistic);
        double goodput = Planner.Goodput(spec, costs);
        double capacity = CostEvaluator.CapacityRequestsPerSecond(costs);
        Assert.InRange(goodput, 0.05 * capacity, capacity);

        var at = CostEvaluator.EvaluateAtRate(costs, goodput);
        Assert.True(!at.Saturated && Planner.MeetsTargets(spec, at), $"{statistic}: {at} at the goodput, {goodput} req/s");
        var above = CostEvaluator.EvaluateAtRate(costs, goodput * 1.0001);
        Assert.False(!above.Saturated && Planner.MeetsTargets(spec, above), $"{statistic}: {above} just above the goodput, {goodput} req/s");
    }

    [Fact]
    public void Goodput_under_P99_is_at_most_under_P90_which_is_at_most_under_the_mean_and_without_targets_it_is_capacity()
    {
        var spec = Llama70BOnTwoH100();
        var costs = OnlyPlan(spec);
        double mean = Planner.Goodput(WithTargets(spec, costs, LatencyStatistic.Mean), costs);
        double p90 = Planner.Goodput(WithTargets(spec, costs, LatencyStatistic.P90), costs);
        double p99 = Planner.Goodput(WithTargets(spec, costs, LatencyStatistic.P99), costs);
        Assert.True(p99 <= p90 && p90 <= mean && p99 < mean, $"goodput: mean {mean}, P90 {p90}, P99 {p99} req/s");
        Assert.Equal(CostEvaluator.CapacityRequestsPerSecond(costs), Planner.Goodput(spec, costs));

        // A target not even one request meets leaves no goodput.
        Assert.Equal(0, Planner.Goodput(spec with { MaxTimePerOutputTokenMs = 1 }, costs));
    }

    [Fact]
    public void With_targets_MaxThroughput_recommends_the_plan_with_the_most_goodput_per_GPU_and_disaggregated_plans_have_goodput()
    {
        var spec = Llama70BOnEightH100() with { MaxTimeToFirstTokenMs = 1500, MaxTimePerOutputTokenMs = 40, TargetStatistic = LatencyStatistic.P90 };
        var result = Planner.Plan(spec);
        var meeting = result.Plans.Where(p => p.MeetsTargets).ToList();
        Assert.NotEmpty(meeting);
        double best = meeting.Max(p => p.GoodputRequestsPerSecond * spec.OutputTokens / p.Plan.GpuCount);
        Assert.Equal(best, result.Recommended!.GoodputRequestsPerSecond * spec.OutputTokens / result.Recommended.Plan.GpuCount);
        Assert.Same(result.Plans[0], result.Recommended);

        var disaggregated = result.Plans.Where(p => p.Mode == ServingMode.Disaggregated && p.GoodputRequestsPerSecond > 0).ToList();
        Assert.NotEmpty(disaggregated);
        foreach (var plan in disaggregated)
        {
            double capacity = CostEvaluator.CapacityRequestsPerSecond(plan.Costs);
            Assert.InRange(plan.GoodputRequestsPerSecond, 0, capacity * 1.000001);
            var at = CostEvaluator.EvaluateAtRate(plan.Costs, plan.GoodputRequestsPerSecond * 0.9999);
            Assert.True(Planner.MeetsTargets(spec, at), $"{plan}: {at}");
        }
    }

    [Fact]
    public void With_targets_and_a_price_MinCost_recommends_the_plan_whose_requests_cost_least_at_goodput()
    {
        var spec = Llama70BOnEightH100() with
        {
            Objective = Objective.MinCost,
            MaxTimeToFirstTokenMs = 1500,
            MaxTimePerOutputTokenMs = 40,
            TargetStatistic = LatencyStatistic.P99,
            Cluster = Llama70BOnEightH100().Cluster with { PricePerGpuHour = 3 },
        };
        var result = Planner.Plan(spec);
        double Cost(EvaluatedPlan p) => 3.0 * p.Plan.GpuCount / 3600.0 / p.GoodputRequestsPerSecond;
        var cheapest = result.Plans.Where(p => p.MeetsTargets && p.GoodputRequestsPerSecond > 0).Min(Cost);
        Assert.Equal(cheapest, Cost(result.Recommended!), 12);
    }

    [Fact]
    public void Goodput_on_a_plan_is_rounded_to_six_significant_digits()
    {
        Assert.Equal(12.3457, Planner.SignificantDigits(12.345678, 6));
        Assert.Equal(0.000123457, Planner.SignificantDigits(0.0001234567, 6));
        Assert.Equal(1234570, Planner.SignificantDigits(1234567.8, 6));
        var plan = Assert.Single(Planner.Plan(Llama70BOnTwoH100()).Plans);
        Assert.Equal(Planner.SignificantDigits(plan.GoodputRequestsPerSecond, 6), plan.GoodputRequestsPerSecond);
    }
}
