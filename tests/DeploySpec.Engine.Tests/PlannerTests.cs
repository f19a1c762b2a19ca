using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class PlannerTests
{
    private static DeploymentSpec Llama70BOnH100x8() => MemoryModelTests.On(
        ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8);

    [Fact]
    public void Plans_use_every_gpu_and_respect_head_divisibility()
    {
        var result = Planner.Plan(Llama70BOnH100x8());
        Assert.NotEmpty(result.Plans);
        Assert.All(result.Plans.Where(p => p.Mode == ServingMode.Aggregated), p => Assert.Equal(8, p.Plan.GpuCount));
        Assert.All(result.Plans.Where(p => p.Mode == ServingMode.Disaggregated), p => Assert.InRange(p.Plan.GpuCount, 2, 8));
        Assert.All(result.Plans, p => Assert.Equal(0, 64 % p.Pool.Degrees.TensorParallel));
        Assert.Contains(result.Plans, p => p.Pool.Degrees == new Degrees(2, 1, 4, 1));
        // 67.7 GiB of FP8 weights on one 79.19 GiB H100 at vLLM's 0.90 leave about 1 GiB of KV: three requests per
        // replica, 24 in all, where every other split holds hundreds (MemoryModelTests: the memory cliff).
        var aggregated = result.Plans.Where(p => p.Mode == ServingMode.Aggregated).ToList();
        var dp8 = Assert.Single(aggregated, p => p.Pool.Degrees == new Degrees(1, 1, 8, 1));
        Assert.InRange(dp8.Plan.MaxConcurrency, 8, 32);
        Assert.All(aggregated.Where(p => p.Pool.Degrees != dp8.Pool.Degrees), p => Assert.True(p.Plan.MaxConcurrency > 500));
    }

    [Fact]
    public void Tensor_parallel_degrees_that_split_no_heads_are_rejected_with_a_reason()
    {
        var model = ModelCatalog.Llama31_8B with { AttentionHeads = 24, KeyValueHeads = 8, HeadDim = 128 };
        var result = Planner.Plan(MemoryModelTests.On(model, Gpu.H100Sxm, 16) with { TensorParallel = 16 });
        Assert.Empty(result.Plans);
        Assert.Contains(result.Rejected, r => r.Reason.Contains("does not divide the 24 attention heads"));
    }

    [Fact]
    public void Pinned_degrees_restrict_the_search()
    {
        var result = Planner.Plan(Llama70BOnH100x8() with { TensorParallel = 4, PipelineParallel = 2 });
        Assert.Equal(new Degrees(4, 2, 1, 1), Assert.Single(result.Plans).Pool.Degrees);
    }

    [Fact]
    public void Min_latency_plan_is_fastest_per_user_and_max_throughput_plan_has_the_highest_peak()
    {
        var result = Planner.Plan(Llama70BOnH100x8());
        Assert.Equal(result.Plans.Min(p => p.SingleRequest.TimePerOutputTokenMs), result.MinLatency!.SingleRequest.TimePerOutputTokenMs);
        Assert.Equal(result.Plans.Max(p => p.Peak.OutputTokensPerSecond), result.MaxThroughput!.Peak.OutputTokensPerSecond);
    }

    [Fact]
    public void Recommended_plan_meets_the_latency_targets_and_maximises_throughput_within_them()
    {
        var loose = Planner.Plan(Llama70BOnH100x8());
        double target = loose.MinLatency!.SingleRequest.TimePerOutputTokenMs * 1.5;
        var result = Planner.Plan(Llama70BOnH100x8() with { MaxTimePerOutputTokenMs = target });
        var recommended = result.Recommended!;
        Assert.True(recommended.MeetsTargets);
        Assert.True(recommended.BestWithinTargets.TimePerOutputTokenMs <= target);
        foreach (var p in result.Plans.Where(p => p.MeetsTargets))
        {
            Assert.True(p.BestWithinTargets.OutputTokensPerSecond <= recommended.BestWithinTargets.OutputTokensPerSecond);
        }
    }

    [Fact]
    public void Impossible_targets_fall_back_to_the_fastest_plan_and_say_so()
    {
        var result = Planner.Plan(Llama70BOnH100x8() with { MaxTimePerOutputTokenMs = 0.01 });
        Assert.False(result.RecommendedMeetsTargets);
        Assert.Same(result.MinLatency, result.Recommended);
    }

    [Fact]
    public void Min_latency_objective_orders_plans_by_time_per_output_token()
    {
        var result = Planner.Plan(Llama70BOnH100x8() with { Objective = Objective.MinLatency });
        var tpots = result.Plans.Select(p => p.SingleRequest.TimePerOutputTokenMs).ToArray();
        Assert.Equal(tpots.OrderBy(t => t), tpots);
    }

    [Fact]
    public void Frontier_points_dominate_every_other_operating_point()
    {
        var result = Planner.Plan(Llama70BOnH100x8());
        Assert.NotEmpty(result.Frontier);
        for (int i = 1; i < result.Frontier.Count; i++)
        {
            // Sorted fastest per user first, so throughput per GPU must rise along it.
            Assert.True(result.Frontier[i].Estimate.OutputTokensPerSecondPerUser < result.Frontier[i - 1].Estimate.OutputTokensPerSecondPerUser);
            Assert.True(result.Frontier[i].Estimate.OutputTokensPerSecondPerGpu > result.Frontier[i - 1].Estimate.OutputTokensPerSecondPerGpu);
        }

        foreach (var plan in result.Plans)
        {
            var single = plan.SingleRequest;
            Assert.Contains(result.Frontier, f => f.Estimate.OutputTokensPerSecondPerUser >= single.OutputTokensPerSecondPerUser * (1 - 1e-12)
                                                  && f.Estimate.OutputTokensPerSecondPerGpu >= single.OutputTokensPerSecondPerGpu * (1 - 1e-12));
        }
    }

    [Fact]
    public void Planning_is_deterministic()
    {
        var a = Planner.Plan(Llama70BOnH100x8());
        var b = Planner.Plan(Llama70BOnH100x8());
        Assert.Equal(a.Plans.Select(p => p.Pool.Coefficients), b.Plans.Select(p => p.Pool.Coefficients));
        Assert.Equal(a.Frontier, b.Frontier);
    }

    [Fact]
    public void Moe_models_get_expert_parallel_candidates_spanning_replicas()
    {
        var model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var result = Planner.Plan(MemoryModelTests.On(model, Gpu.H200Sxm, 8, nodes: 2));
        Assert.Contains(result.Plans, p => p.Pool.Degrees.ExpertParallel == 16);
        Assert.All(result.Plans.Where(p => p.Pool.Degrees.ExpertParallel > 1),
            p => Assert.Equal(0, p.Pool.Degrees.ExpertParallel % p.Pool.Degrees.TensorParallel));
    }
}

public class ContextAndConcurrencyTests
{
    private static DeploymentSpec Llama70BBf16OnTwoH200() =>
        MemoryModelTests.On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, 2) with { TensorParallel = 2, PipelineParallel = 1 };

    [Fact]
    public void A_max_context_longer_than_the_kv_cache_does_not_fit()
    {
        // ~350k tokens of KV per GPU pair at TP2 (160 KiB per token per GPU).
        Assert.Single(Planner.Plan(Llama70BBf16OnTwoH200() with { MaxContext = 300_000 }).Plans);
        var result = Planner.Plan(Llama70BBf16OnTwoH200() with { MaxContext = 500_000 });
        Assert.Empty(result.Plans);
        Assert.Contains("one request of 500000 tokens needs", Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public void Max_context_does_not_change_capacity_counted_in_whole_workload_requests()
    {
        var plain = Planner.Plan(Llama70BBf16OnTwoH200()).Plans.Single();
        var longContext = Planner.Plan(Llama70BBf16OnTwoH200() with { MaxContext = 100_000 }).Plans.Single();
        Assert.Equal(plain.Plan.MaxConcurrency, longContext.Plan.MaxConcurrency);
    }

    [Fact]
    public void Plans_that_cannot_hold_the_required_concurrency_are_rejected_with_their_capacity()
    {
        var plan = Planner.Plan(Llama70BBf16OnTwoH200()).Plans.Single();
        Assert.Single(Planner.Plan(Llama70BBf16OnTwoH200() with { Concurrency = plan.Plan.MaxConcurrency }).Plans);
        var result = Planner.Plan(Llama70BBf16OnTwoH200() with { Concurrency = plan.Plan.MaxConcurrency + 1 });
        Assert.Empty(result.Plans);
        Assert.Contains($"holds {plan.Plan.MaxConcurrency} requests", Assert.Single(result.Rejected).Reason);
    }
}
