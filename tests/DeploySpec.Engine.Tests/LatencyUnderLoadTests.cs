using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>Latency under load and by arrival rate, and the band and provenance every estimate carries.</summary>
public class LatencyUnderLoadTests
{
    internal static DeploymentSpec Llama70BOnTwoH100() => MemoryModelTests.On(
        ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 2, engine: ServingEngine.TensorRtLlm)
        with { InputTokens = 5000, OutputTokens = 500, TensorParallel = 2 };

    private static EvaluatedPlan Plan(DeploymentSpec spec) => Assert.Single(Planner.Plan(spec).Plans);

    [Fact]
    public void Time_to_first_token_rises_with_load_below_capacity()
    {
        var c = Plan(Llama70BOnTwoH100()).Pool.Coefficients;
        double previous = 0;
        for (int concurrency = 1; concurrency <= c.MaxConcurrency; concurrency = concurrency < c.MaxConcurrency / 2 ? concurrency * 2 : c.MaxConcurrency)
        {
            var e = CostEvaluator.Evaluate(c, concurrency);
            Assert.True(e.TimeToFirstTokenMs > previous, $"TTFT {e.TimeToFirstTokenMs} ms at {concurrency} in flight is not above {previous} ms");
            previous = e.TimeToFirstTokenMs;
            if (concurrency == c.MaxConcurrency)
            {
                break;
            }
        }

        Assert.True(CostEvaluator.Evaluate(c, c.MaxConcurrency).TimeToFirstTokenMs > 1.3 * CostEvaluator.Evaluate(c, 1).TimeToFirstTokenMs);
    }

    [Fact]
    public void Every_frontier_point_past_the_first_waits_longer_for_its_first_token_on_the_same_plan()
    {
        var result = Planner.Plan(MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H200Sxm, 8));
        foreach (var group in result.Frontier.GroupBy(f => f.Plan.Index).Where(g => g.Count() > 1))
        {
            var points = group.OrderBy(f => f.Estimate.Concurrency).ToList();
            for (int i = 1; i < points.Count; i++)
            {
                Assert.True(points[i].Estimate.TimeToFirstTokenMs > points[i - 1].Estimate.TimeToFirstTokenMs,
                    $"plan {group.Key}: TTFT at {points[i].Estimate.Concurrency} is not above TTFT at {points[i - 1].Estimate.Concurrency}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(40)]
    public void At_the_rate_a_concurrency_sustains_the_rate_estimate_matches_the_concurrency_estimate(int concurrency)
    {
        var c = Plan(Llama70BOnTwoH100()).Pool.Coefficients;
        var (closed, open) = ClosedAndOpen(c, concurrency);
        Assert.False(open.Saturated);
        Assert.Equal(concurrency, open.Concurrency);
        // Equal to a part in a billion (the open loop solves for the rate numerically); a tolerance in decimal places
        // fails whenever the two straddle a rounding boundary.
        Assert.Equal(closed.TimePerOutputTokenMs, open.TimePerOutputTokenMs, closed.TimePerOutputTokenMs * 1e-9);
        Assert.Equal(closed.OutputTokensPerSecond, open.OutputTokensPerSecond, closed.OutputTokensPerSecond * 1e-9);
        // The same latencies, plus the wait for a free slot: never negative, negligible far from capacity.
        Assert.True(open.TimeToFirstTokenMs >= closed.TimeToFirstTokenMs);
        if (concurrency <= 8)
        {
            Assert.InRange(open.TimeToFirstTokenMs, closed.TimeToFirstTokenMs, closed.TimeToFirstTokenMs * 1.01);
        }
    }

    [Fact]
    public void The_wait_for_a_free_slot_grows_towards_capacity()
    {
        var c = Plan(Llama70BOnTwoH100()).Pool.Coefficients;
        double Wait(int concurrency)
        {
            var (closed, open) = ClosedAndOpen(c, concurrency);
            return open.TimeToFirstTokenMs - closed.TimeToFirstTokenMs;
        }

        Assert.True(Wait(8) < Wait(c.MaxConcurrency / 2), $"{Wait(8)} ms at 8 in flight, {Wait(c.MaxConcurrency / 2)} ms at half of {c.MaxConcurrency}");
        Assert.True(Wait(c.MaxConcurrency / 2) < Wait(c.MaxConcurrency * 9 / 10));
    }

    private static (PerformanceEstimate Closed, PerformanceEstimate Open) ClosedAndOpen(in CostCoefficients c, int concurrency)
    {
        var closed = CostEvaluator.Evaluate(c, concurrency);
        return (closed, CostEvaluator.EvaluateAtRate(c, closed.OutputTokensPerSecond / c.OutputTokens));
    }

    [Fact]
    public void The_rate_estimate_diverges_at_capacity_and_is_saturated_past_it()
    {
        var c = Plan(Llama70BOnTwoH100()).Pool.Coefficients;
        // The capacity as the evaluator states it (not throughput / OSL read back, which can round a last bit below it).
        double capacity = CostEvaluator.CapacityRequestsPerSecond(new PlanCosts(c));
        Assert.InRange(CostEvaluator.EvaluateAtRate(c, 1e9).OutputTokensPerSecond / (capacity * c.OutputTokens), 1 - 1e-12, 1 + 1e-12);
        Assert.True(CostEvaluator.EvaluateAtRate(c, 1e9).Saturated);
        Assert.True(double.IsPositiveInfinity(CostEvaluator.EvaluateAtRate(c, capacity).TimeToFirstTokenMs));

        double previous = 0;
        foreach (double share in new[] { 0.5, 0.9, 0.99, 0.999, 0.9999 })
        {
            var e = CostEvaluator.EvaluateAtRate(c, share * capacity);
            Assert.False(e.Saturated);
            Assert.True(e.TimeToFirstTokenMs > previous, $"TTFT at {share:P2} of capacity");
            previous = e.TimeToFirstTokenMs;
        }

        Assert.True(previous > 100 * CostEvaluator.EvaluateAtRate(c, 0.5 * capacity).TimeToFirstTokenMs, $"TTFT {previous} ms at 99.99% of capacity");
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEvaluator.EvaluateAtRate(c, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEvaluator.EvaluateAtRate(c, double.NaN));
    }

    [Fact]
    public void A_deployment_inside_the_calibration_data_is_calibrated_with_the_cross_validated_band()
    {
        // Llama 3.1 70B FP8, TP2 on H100, TensorRT-LLM: of no kind with its own error; the calibrated corner's band.
        var e = Plan(Llama70BOnTwoH100()).SingleRequest;
        Assert.Equal(EstimateProvenance.Calibrated, e.Provenance);
        Assert.Equal(ExtrapolationAxes.None, e.ExtrapolatedAlong);
        Assert.Equal(CostCalibration.Default.Band.Calibrated, e.Uncertainty);
    }

    [Fact]
    public void A_plan_inside_the_data_of_a_kind_with_its_own_held_out_error_carries_that_error()
    {
        var band = CostCalibration.Default.Band;

        // Pipeline parallelism inside the measured degrees: the held-out error of the PP configurations, not an extrapolation.
        var pipeline = Plan(Llama70BOnTwoH100() with { Cluster = Llama70BOnTwoH100().Cluster with { GpusPerNode = 8 }, TensorParallel = 2, PipelineParallel = 4 });
        Assert.Equal(ExtrapolationAxes.None, pipeline.SingleRequest.ExtrapolatedAlong);
        Assert.Equal(Math.Max(band.Calibrated, band.Parallelism.InData!.Value), pipeline.SingleRequest.Uncertainty, 12);

        // DeepSeek-V3 on one HGX H200 under vLLM: MoE and latent attention, a model above 100 B, vLLM: all measured;
        // the band is the largest held-out error of those kinds.
        var deepSeek = MemoryModelTests.On(ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8 }, Gpu.H200Sxm, 8) with { TensorParallel = 8 };
        var moe = Plan(deepSeek).SingleRequest;
        Assert.Equal(ExtrapolationAxes.None, moe.ExtrapolatedAlong);
        double expected = new[] { band.Calibrated, band.Architecture.InData!.Value, band.ModelSize.InData!.Value, band.Engine.InData!.Value }.Max();
        Assert.Equal(expected, moe.Uncertainty, 12);

        // The same model with its experts over eight attention-data-parallel GPUs (DEP8) is also of that kind, and of
        // its widest groups, with the DEP8 rows' own held-out error; four ranks (two replicas of TP2 under EP8, as DEP4)
        // are of the kind only; experts split inside the TP group are neither.
        var dep8 = Plan(deepSeek with { TensorParallel = 1, ExpertParallel = 8 }).SingleRequest;
        Assert.Equal(ExtrapolationAxes.None, dep8.ExtrapolatedAlong);
        Assert.Equal(new[] { expected, band.ExpertParallelism.InData!.Value, band.WideExpertGroup!.Value }.Max(), dep8.Uncertainty, 12);
        var fourRanks = Plan(deepSeek with { TensorParallel = 2, ExpertParallel = 8 }).SingleRequest;
        Assert.Equal(Math.Max(expected, band.ExpertParallelism.InData!.Value), fourRanks.Uncertainty, 12);
        Assert.Equal(8, CalibrationDomain.ExpertRanks(new Degrees(1, 1, 8, 8)));
        Assert.Equal(4, CalibrationDomain.ExpertRanks(new Degrees(2, 1, 4, 8)));
        Assert.Equal(1, CalibrationDomain.ExpertRanks(new Degrees(8, 1, 1, 8)));
        Assert.True(CalibrationDomain.Kinds(deepSeek, new Degrees(1, 1, 8, 8)).HasFlag(ExtrapolationAxes.ExpertParallelism));
        Assert.False(CalibrationDomain.Kinds(deepSeek, new Degrees(8, 1, 1, 8)).HasFlag(ExtrapolationAxes.ExpertParallelism));
        var wider = CostCalibration.Default with { Band = band with { ExpertParallelism = new(0.5, null), WideExpertGroup = 0.3 } };
        var dep8Degrees = new Degrees(1, 1, 8, 8);
        var tp8Degrees = new Degrees(8, 1, 1, 8);
        Assert.Equal(0.5, Planner.Evaluate(deepSeek, dep8Degrees, MemoryModel.PerGpu(deepSeek, dep8Degrees), wider).SingleRequest.Uncertainty, 12);
        Assert.Equal(expected, Planner.Evaluate(deepSeek, tp8Degrees, MemoryModel.PerGpu(deepSeek, tp8Degrees), wider).SingleRequest.Uncertainty, 12);
        // Where the DEP8 rows' error is the widest (a band that says so; the stored one may not), it is DEP8's band.
        var widest = CostCalibration.Default with { Band = band with { WideExpertGroup = 0.4 } };
        Assert.Equal(0.4, Planner.Evaluate(deepSeek, dep8Degrees, MemoryModel.PerGpu(deepSeek, dep8Degrees), widest).SingleRequest.Uncertainty, 12);
        Assert.Equal(Math.Max(expected, band.ExpertParallelism.InData!.Value),
            Planner.Evaluate(deepSeek, new Degrees(2, 1, 4, 8), MemoryModel.PerGpu(deepSeek, new Degrees(2, 1, 4, 8)), widest).SingleRequest.Uncertainty, 12);
    }

    [Fact]
    public void Moe_models_with_grouped_query_attention_carry_their_own_rows_held_out_error_and_deepseek_its_kinds()
    {
        var band = CostCalibration.Default.Band;

        // Qwen3-235B-A22B FP8 at TP8 on one HGX H200 under TensorRT-LLM: MoE, above 100 B, grouped-query attention.
        var qwen = MemoryModelTests.On(ModelCatalog.Qwen3_235B_A22B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H200Sxm, 8,
            engine: ServingEngine.TensorRtLlm) with { TensorParallel = 8 };
        Assert.Equal(BandTraits.GroupedQueryExperts, CalibrationDomain.Traits(qwen, new Degrees(8, 1, 1, 1)));
        var estimate = Plan(qwen).SingleRequest;
        Assert.Equal(ExtrapolationAxes.None, estimate.ExtrapolatedAlong);
        // The plan carries the larger of its kinds' errors and its own rows' (which the fit may put on either side).
        var kinds = CalibrationDomain.Kinds(qwen, new Degrees(8, 1, 1, 1));
        Assert.Equal(Math.Max(band.For(kinds, ExtrapolationAxes.None), band.GroupedQueryExperts!.Value), estimate.Uncertainty, 12);
        Assert.Equal(0.5, (band with { GroupedQueryExperts = 0.5 }).For(kinds, ExtrapolationAxes.None, BandTraits.GroupedQueryExperts), 12);
        Assert.Equal(band.For(kinds, ExtrapolationAxes.None), (band with { GroupedQueryExperts = 0.01 }).For(kinds, ExtrapolationAxes.None, BandTraits.GroupedQueryExperts), 12);

        // DeepSeek-V3 (latent attention) is of the MoE kind only; a dense model of neither.
        var deepSeek = qwen with { Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 } };
        Assert.Equal(BandTraits.None, CalibrationDomain.Traits(deepSeek, new Degrees(8, 1, 1, 1)));
        Assert.Equal(BandTraits.None, CalibrationDomain.Traits(qwen with { Model = ModelCatalog.Llama31_70B }, new Degrees(8, 1, 1, 1)));

        // The trait refines the architecture kind: beyond the data along architecture (no MoE rows fitted), it adds nothing.
        var noMoe = band with { Calibrated = 0.1, Architecture = new(null, 0.3) };
        Assert.Equal(Math.Sqrt(0.1 * 0.1 + 0.3 * 0.3), noMoe.For(ExtrapolationAxes.Architecture, ExtrapolationAxes.Architecture, BandTraits.GroupedQueryExperts), 12);
    }

    [Fact]
    public void Eight_gpus_joined_by_pcie_only_carry_the_held_out_error_of_the_eight_gpu_rtx_rows()
    {
        var band = CostCalibration.Default.Band;
        var fp4 = ModelCatalog.Llama31_70B with { Weights = Precision.Fp4, KvCache = Precision.Fp8 };
        var eight = MemoryModelTests.On(fp4, Gpu.RtxPro6000, 8, engine: ServingEngine.TensorRtLlm);
        var four = MemoryModelTests.On(fp4, Gpu.RtxPro6000, 4, engine: ServingEngine.TensorRtLlm);

        // PP8 over eight RTX PRO 6000 (PCIe only): of the GPU kind, and of its widest PCIe groups. Where those rows'
        // error is the wider (a band that says so; the stored one may not), it is the plan's.
        var pp8Spec = eight with { TensorParallel = 1, PipelineParallel = 8 };
        var pp8Degrees = new Degrees(1, 8, 1, 1);
        var pp8 = Plan(pp8Spec).SingleRequest;
        Assert.Equal(ExtrapolationAxes.None, pp8.ExtrapolatedAlong);
        Assert.Equal(8, CalibrationDomain.PcieGroupGpus(eight.Cluster, pp8Degrees));
        var kinds = CalibrationDomain.Kinds(pp8Spec, pp8Degrees);
        var traits = CalibrationDomain.Traits(pp8Spec, pp8Degrees);
        Assert.Equal(BandTraits.WidePcieGroup, traits & BandTraits.WidePcieGroup);
        var wider = band with { WidePcieGroup = band.GpuGeneration.InData + 0.05 };
        Assert.Equal(wider.WidePcieGroup!.Value, wider.For(kinds, ExtrapolationAxes.None, traits), 12);
        Assert.Equal(band.For(kinds, ExtrapolationAxes.None, traits), pp8.Uncertainty, 12);
        Assert.Equal(Math.Max(band.WidePcieGroup!.Value, new[] { band.Calibrated, band.GpuGeneration.InData!.Value, band.Precision.InData!.Value, band.Parallelism.InData!.Value }.Max()),
            pp8.Uncertainty, 12);

        // Four of them (PP4), or eight as two replicas of four: the GPU kind's error and the pipeline kind's only.
        double narrow = new[] { band.Calibrated, band.GpuGeneration.InData!.Value, band.Precision.InData!.Value, band.Parallelism.InData!.Value }.Max();
        Assert.Equal(narrow, Plan(four with { TensorParallel = 1, PipelineParallel = 4 }).SingleRequest.Uncertainty, 12);
        Assert.Equal(4, CalibrationDomain.PcieGroupGpus(eight.Cluster, new Degrees(1, 4, 2, 1)));

        // NVLink joins the GPUs of an HGX: no PCIe group, whatever its size.
        var h200 = MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8 }, Gpu.H200Sxm, 8);
        Assert.Equal(1, CalibrationDomain.PcieGroupGpus(h200.Cluster, new Degrees(8, 1, 1, 1)));
    }

    [Fact]
    public void Estimates_outside_the_calibration_data_name_each_axis_and_widen_the_band()
    {
        var l40s = MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.L40S, 4) with { TensorParallel = 4 };
        var e = Plan(l40s).SingleRequest;
        Assert.Equal(EstimateProvenance.Extrapolated, e.Provenance);
        Assert.Equal(ExtrapolationAxes.GpuGeneration | ExtrapolationAxes.Precision, e.ExtrapolatedAlong);
        Assert.True(e.Uncertainty > CostCalibration.Default.Band.Calibrated);

        // Sixteen-way tensor parallelism over two HGX nodes lies beyond every measured split.
        var wide = Plan(MemoryModelTests.On(ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H200Sxm, 8, nodes: 2) with { TensorParallel = 16 });
        Assert.True(wide.SingleRequest.ExtrapolatedAlong.HasFlag(ExtrapolationAxes.Parallelism));

        // Experts over sixteen attention-data-parallel GPUs on two nodes: beyond every measured expert group, not
        // beyond the measured replicas (TP2 x PP1 each).
        var wideExperts = CalibrationDomain.Axes(MemoryModelTests.On(ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8 }, Gpu.H200Sxm, 8, nodes: 2),
            new Degrees(2, 1, 8, 16), CostCalibration.Default);
        Assert.Equal(ExtrapolationAxes.ExpertParallelism, wideExperts & (ExtrapolationAxes.ExpertParallelism | ExtrapolationAxes.Parallelism));

        // A recurrent hybrid (no such model measured) lies beyond the data along the layer kind, which no group of rows
        // measures: the band names it as not measured and borrows no other kind's error (the MoE rows').
        var hybridSpec = MemoryModelTests.On(ModelCatalog.Llama31_8B with { HybridPattern = "M-M-*-", Layers = 6 }, Gpu.H200Sxm, 1);
        var hybrid = CalibrationDomain.Axes(hybridSpec, new Degrees(1, 1, 1, 1), CostCalibration.Default);
        var hybridKinds = CalibrationDomain.Kinds(hybridSpec, new Degrees(1, 1, 1, 1));
        Assert.Equal(ExtrapolationAxes.LayerKind, hybrid & (ExtrapolationAxes.LayerKind | ExtrapolationAxes.Architecture));
        Assert.Equal(ExtrapolationAxes.LayerKind, CostCalibration.Default.Band.Unmeasured(hybrid));
        Assert.Equal(ExtrapolationAxes.None, hybridKinds & ExtrapolationAxes.Architecture);
        Assert.Equal(CostCalibration.Default.Band.For(hybridKinds, hybrid & ~ExtrapolationAxes.LayerKind), CostCalibration.Default.Band.For(hybridKinds, hybrid));

        // A sliding window on a MoE model: the experts are measured (architecture inside the data), the window is not.
        var windowed = CalibrationDomain.Axes(MemoryModelTests.On(ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, SlidingWindow = 4096 }, Gpu.H200Sxm, 8),
            new Degrees(8, 1, 1, 1), CostCalibration.Default);
        Assert.Equal(ExtrapolationAxes.LayerKind, windowed & (ExtrapolationAxes.LayerKind | ExtrapolationAxes.Architecture));
    }

    [Fact]
    public void An_axis_no_calibration_group_measures_is_reported_not_measured_and_adds_nothing_to_the_band()
    {
        var band = new UncertaintyBand(0.1, new(null, 0.2), new(null, null), new(null, null), new(null, null), new(null, null), new(null, null), new(null, null), new(null, null));
        Assert.Equal(Math.Sqrt(0.1 * 0.1 + 0.2 * 0.2), band.For(ExtrapolationAxes.None, ExtrapolationAxes.GpuGeneration | ExtrapolationAxes.Engine), 12);
        Assert.Equal(ExtrapolationAxes.Engine, band.Unmeasured(ExtrapolationAxes.GpuGeneration | ExtrapolationAxes.Engine));
        var estimate = new PerformanceEstimate(1, 1, 1, 1, 1, false, 0.22, ExtrapolationAxes.GpuGeneration | ExtrapolationAxes.Engine, false, ExtrapolationAxes.Engine);
        Assert.Equal("extrapolated along GPU generation, serving engine; not measured: serving engine", estimate.ProvenanceText);
    }

    [Fact]
    public void A_stated_rate_judges_the_plans_at_that_rate_and_the_report_says_so()
    {
        var spec = MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8)
            with { InputTokens = 1024, OutputTokens = 512, MaxTimePerOutputTokenMs = 40, RequestsPerSecond = 5 };
        var result = Planner.Plan(spec);
        var recommended = result.Recommended!;
        Assert.True(result.RecommendedMeetsTargets);
        Assert.False(recommended.BestWithinTargets.Saturated);
        Assert.Equal(5.0 * spec.OutputTokens, recommended.BestWithinTargets.OutputTokensPerSecond, 6);
        Assert.True(recommended.BestWithinTargets.TimePerOutputTokenMs <= 40);
        // Every plan that meets the targets sustains the rate; one that saturates at it cannot meet them.
        Assert.All(result.Plans.Where(p => p.BestWithinTargets.Saturated), p => Assert.False(p.MeetsTargets));

        var table = CompiledDeployment.Restore(spec, CompiledDeployment.Encode(result));
        Assert.Contains("judged at 5.00 requests/s", table.Report.ToMarkdown());
        Assert.Equal(5.0, table.Facts.RequestsPerSecond);
    }

    [Fact]
    public void A_rate_beyond_every_plans_capacity_meets_no_target()
    {
        var spec = Llama70BOnTwoH100() with { RequestsPerSecond = 50 };
        var result = Planner.Plan(spec);
        Assert.False(result.RecommendedMeetsTargets);
        Assert.All(result.Plans, p => Assert.True(p.BestWithinTargets.Saturated));
    }
}
