using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>Price per GPU-hour, the cost of a million output tokens, and the MinCost objective.</summary>
public class PricingTests
{
    private static DeploymentSpec Llama70B(Gpu gpu, int gpus, double price = 0, Objective objective = Objective.MaxThroughput)
    {
        var spec = MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, gpu, gpus);
        return spec with
        {
            InputTokens = 1024,
            OutputTokens = 512,
            MaxTimePerOutputTokenMs = 40,
            Objective = objective,
            Cluster = spec.Cluster with { PricePerGpuHour = price },
        };
    }

    [Fact]
    public void A_plans_cost_per_million_tokens_is_its_gpus_hourly_price_over_its_output_at_capacity()
    {
        var result = Planner.Plan(Llama70B(Gpu.H100Sxm, 8, price: 2.5));
        Assert.NotEmpty(result.Plans);
        foreach (var plan in result.Plans)
        {
            double perHour = 2.5 * plan.Plan.GpuCount;
            double tokensPerHour = plan.Peak.OutputTokensPerSecond * 3600;
            // The plan keeps six decimals (Planner rounds it): within half a unit of the sixth.
            Assert.InRange(plan.Plan.CostPerMillionOutputTokens - perHour / tokensPerHour * 1e6, -5.0001e-7, 5.0001e-7);
            Assert.Equal(perHour / tokensPerHour * 1e6, plan.Peak.CostPerMillionOutputTokens, 9);
            // A lightly loaded plan pays for the same GPUs with fewer tokens.
            Assert.True(plan.SingleRequest.CostPerMillionOutputTokens > plan.Peak.CostPerMillionOutputTokens);
        }
    }

    [Fact]
    public void The_price_is_the_clusters_else_the_catalogs_cited_reference_else_none()
    {
        var h200 = Llama70B(Gpu.H200Sxm, 8);
        Assert.Equal(5.408, Pricing.PerGpuHour(h200.Cluster));
        Assert.StartsWith("reference price: AWS EC2 Capacity Blocks", Pricing.Source(h200.Cluster));
        Assert.Equal(3.0, Pricing.PerGpuHour(h200.Cluster with { PricePerGpuHour = 3.0 }));

        var b200 = Llama70B(Gpu.B200, 8);
        Assert.Equal(0, Pricing.PerGpuHour(b200.Cluster));
        Assert.StartsWith("none:", Pricing.Source(b200.Cluster));
        var plan = Planner.Plan(b200).Plans[0];
        Assert.Equal(0, plan.Plan.CostPerMillionOutputTokens);
        Assert.Equal(0, plan.Peak.CostPerMillionOutputTokens);
    }

    [Fact]
    public void MinCost_recommends_the_cheapest_plan_that_meets_the_targets_and_ranks_the_others_by_cost()
    {
        // Without latency targets MinCost ranks by the cost of a million tokens at capacity (with them, by the price of a
        // request at goodput: GoodputTests); every plan then meets the (absent) targets.
        var result = Planner.Plan(Llama70B(Gpu.H100Sxm, 8, price: 2.5, objective: Objective.MinCost) with { MaxTimePerOutputTokenMs = 0 });
        var meeting = result.Plans.Where(p => p.MeetsTargets).ToList();
        Assert.True(meeting.Count >= 2, "the test needs a choice");
        Assert.True(result.RecommendedMeetsTargets);
        Assert.Equal(meeting.Min(p => p.BestWithinTargets.CostPerMillionOutputTokens), result.Recommended!.BestWithinTargets.CostPerMillionOutputTokens);
        for (int i = 1; i < meeting.Count; i++)
        {
            Assert.True(meeting[i - 1].BestWithinTargets.CostPerMillionOutputTokens <= meeting[i].BestWithinTargets.CostPerMillionOutputTokens);
        }

        Assert.Equal(meeting, result.Plans.Take(meeting.Count));
    }

    [Fact]
    public void MaxThroughput_without_targets_ranks_plans_by_output_per_gpu_aggregated_and_disaggregated_alike()
    {
        // Per GPU, so that a disaggregated plan whose worker sizes leave a GPU idle is not ranked by a total of fewer GPUs.
        var result = Planner.Plan(Llama70B(Gpu.H100Sxm, 8) with { MaxTimePerOutputTokenMs = 0, InputTokens = 8192, OutputTokens = 256 });
        Assert.Contains(result.Plans, p => p.Mode == ServingMode.Disaggregated);
        for (int i = 1; i < result.Plans.Count; i++)
        {
            Assert.True(result.Plans[i - 1].BestWithinTargets.OutputTokensPerSecondPerGpu >= result.Plans[i].BestWithinTargets.OutputTokensPerSecondPerGpu,
                $"{result.Plans[i - 1]} before {result.Plans[i]}");
        }
    }

    [Fact]
    public void An_estimate_at_a_rate_pays_for_idle_gpus()
    {
        var plan = Planner.Plan(Llama70B(Gpu.H100Sxm, 8, price: 2.5)).Plans[0];
        var light = CostEvaluator.EvaluateAtRate(plan.Costs, 0.1);
        var busy = CostEvaluator.EvaluateAtRate(plan.Costs, 2.0);
        Assert.Equal(2.5 * plan.Plan.GpuCount / 3600 / light.OutputTokensPerSecond * 1e6, light.CostPerMillionOutputTokens, 6);
        Assert.Equal(20, light.CostPerMillionOutputTokens / busy.CostPerMillionOutputTokens, 6);
    }
}
