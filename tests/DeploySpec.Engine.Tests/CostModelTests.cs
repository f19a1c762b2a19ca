using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class CostModelTests
{
    /// <summary>Deployments across models, GPUs, engines and sizes, drawn with a fixed seed.</summary>
    public static IEnumerable<object[]> RandomDeployments()
    {
        var random = new Random(20261126);
        var gpus = new[] { Gpu.H100Sxm, Gpu.H200Sxm, Gpu.B200, Gpu.A100Sxm80, Gpu.L40S, Gpu.MI300X, Gpu.H200Nvl };
        var precisions = new[] { Precision.Bf16, Precision.Fp8, Precision.Fp4 };
        for (int i = 0; i < 40; i++)
        {
            var model = ModelCatalog.All[random.Next(ModelCatalog.All.Count)];
            var weights = precisions[random.Next(precisions.Length)];
            yield return new object[]
            {
                new DeploymentSpec
                {
                    Name = "Random" + i,
                    Model = model with { Weights = weights, KvCache = weights == Precision.Bf16 ? Precision.Bf16 : Precision.Fp8 },
                    Cluster = new ClusterSpec { Gpu = gpus[random.Next(gpus.Length)], GpusPerNode = 8, Nodes = 1 + random.Next(2) },
                    InputTokens = 1 + random.Next(8000),
                    OutputTokens = 1 + random.Next(2000),
                    Engine = (ServingEngine)random.Next(3),
                },
            };
        }
    }

    [Theory]
    [MemberData(nameof(RandomDeployments))]
    public void Estimates_never_beat_bandwidth_or_compute_bounds(DeploymentSpec deployment)
    {
        var gpu = GpuCatalog.Get(deployment.Cluster.Gpu);
        foreach (var plan in Planner.Plan(deployment).Plans)
        {
            var single = plan.SingleRequest;
            // One token of one request must stream the bottleneck stage's non-expert weights on every stage in turn.
            var layout = StageLayout.Create(deployment.Model.Layers, plan.Pool.Degrees.PipelineParallel);
            double minStream = plan.Pool.Coefficients.DenseWeightSeconds * CostCalibration.Default.For(gpu).WeightStream;
            Assert.True(single.TimePerOutputTokenMs / 1e3 >= plan.Pool.Degrees.PipelineParallel * minStream * 0.999,
                $"{plan}: TPOT {single.TimePerOutputTokenMs} ms under the bandwidth bound");

            // The whole deployment cannot do more matrix FLOPs per second than its GPUs' dense peak.
            double flopsPerOutputToken = 2.0 * (ModelMath.ActiveParameters(deployment.Model) - ModelMath.EmbeddingParameters(deployment.Model))
                * (1.0 + (double)deployment.InputTokens / deployment.OutputTokens) * 0.5;
            double peak = plan.Plan.GpuCount * gpu.MatmulFlopsPerSecond(deployment.Model.Weights); // both pools of a disaggregated plan
            Assert.True(plan.Peak.OutputTokensPerSecond * flopsPerOutputToken <= peak,
                $"{plan}: {plan.Peak.OutputTokensPerSecond} tok/s needs more than the dense peak");
            Assert.True(layout.Stages == plan.Pool.Degrees.PipelineParallel);
        }
    }

    [Theory]
    [MemberData(nameof(RandomDeployments))]
    public void Latency_grows_and_throughput_saturates_with_load(DeploymentSpec deployment)
    {
        var plans = Planner.Plan(deployment).Plans;
        foreach (var plan in plans.Take(4).Concat(plans.Where(p => p.Mode == ServingMode.Disaggregated).Take(2)))
        {
            var c = plan.Costs;
            PerformanceEstimate? previous = null;
            for (int n = 1; n <= c.MaxConcurrency * 2; n = n * 2)
            {
                var e = CostEvaluator.Evaluate(c, n);
                Assert.True(e.TimePerOutputTokenMs > 0 && e.TimeToFirstTokenMs > 0 && e.OutputTokensPerSecond > 0);
                if (previous is { } p)
                {
                    Assert.True(e.TimePerOutputTokenMs >= p.TimePerOutputTokenMs * (1 - 1e-12), $"{plan}: TPOT fell from {p} to {e}");
                    Assert.True(e.TimeToFirstTokenMs >= p.TimeToFirstTokenMs * (1 - 1e-12));
                }

                previous = e;
            }

            var beyond = CostEvaluator.Evaluate(c, c.MaxConcurrency * 2);
            var atCapacity = CostEvaluator.Evaluate(c, c.MaxConcurrency);
            Assert.Equal(atCapacity.OutputTokensPerSecond, beyond.OutputTokensPerSecond, 9);
            Assert.True(beyond.TimeToFirstTokenMs > atCapacity.TimeToFirstTokenMs, "queued requests wait");
        }
    }

    [Fact]
    public void Concurrency_below_one_is_rejected()
    {
        var plan = Planner.Plan(MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.H200Sxm, 1)).Plans[0];
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEvaluator.Evaluate(plan.Pool.Coefficients, 0));
    }

    [Fact]
    public void Tensor_parallelism_across_nodes_pays_the_network()
    {
        var model = ModelCatalog.Llama31_70B;
        var oneNode = MemoryModelTests.On(model, Gpu.H100Sxm, 8) with { TensorParallel = 8, PipelineParallel = 1 };
        var twoNodes = MemoryModelTests.On(model, Gpu.H100Sxm, 4, nodes: 2) with { TensorParallel = 8, PipelineParallel = 1 };
        var fast = Planner.Plan(oneNode).Plans.Single();
        var slow = Planner.Plan(twoNodes).Plans.Single();
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(twoNodes.Cluster, 8));
        Assert.True(slow.SingleRequest.TimePerOutputTokenMs > fast.SingleRequest.TimePerOutputTokenMs);
        Assert.True(slow.Peak.OutputTokensPerSecond < fast.Peak.OutputTokensPerSecond * 0.8);
    }

    [Fact]
    public void Moe_decode_streams_only_the_experts_tokens_are_routed_to()
    {
        var d = MemoryModelTests.On(ModelCatalog.Mixtral8x7B, Gpu.H100Sxm, 2) with { TensorParallel = 2, PipelineParallel = 1 };
        var plan = Planner.Plan(d).Plans.Single();
        var c = plan.Pool.Coefficients;
        Assert.Equal(0.75, Math.Exp(-c.ExpertIdleDecayPerToken), 12); // top-2 of 8
        double one = CostEvaluator.StageSeconds(c, 1), many = CostEvaluator.StageSeconds(c, 64);
        Assert.True(one < c.DenseWeightSeconds + c.ExpertWeightSeconds);
        Assert.True(many > one);
    }

    [Fact]
    public void A_measured_correction_scales_every_time_coefficient_and_nothing_else()
    {
        // Every coefficient that is a time (its name ends in Seconds or SecondsPerSequence) is scaled: the prefill terms
        // by the TTFT factor, every other one by the TPOT factor. Found by reflection, so a time coefficient added later
        // without a line in CostModel.Correct fails here.
        var properties = typeof(CostCoefficients).GetProperties().Where(p => p.PropertyType == typeof(double) && p.CanWrite).ToList();
        object boxed = new CostCoefficients(Replicas: 1, Stages: 1, GpuCount: 1, MaxConcurrency: 1, OutputTokens: 1, GemmSecondsPerSequence: 1,
            DenseWeightSeconds: 1, ExpertWeightSeconds: 1, ExpertIdleDecayPerToken: 1, AttentionSecondsPerSequence: 1, CollectiveSecondsPerSequence: 1,
            StageLatencySeconds: 1, HopLatencySeconds: 1, HopSecondsPerSequence: 1, StepOverheadSeconds: 1, StepSecondsPerSequence: 1,
            StagePrefillSeconds: 1, PrefillLatencySeconds: 1, PrefillChunks: 1, GemmSaturationSequences: 1, Uncertainty: 0.1);
        foreach (var p in properties)
        {
            p.SetValue(boxed, 1.0);
        }

        var ones = (CostCoefficients)boxed;
        var corrected = CostModel.Correct(ones, new MeasuredCorrection { TimeToFirstTokenFactor = 3, TimePerOutputTokenFactor = 2, Residual = 0.5 });
        foreach (var p in properties)
        {
            double value = (double)p.GetValue(corrected)!;
            bool time = p.Name.EndsWith("Seconds", StringComparison.Ordinal) || p.Name.EndsWith("SecondsPerSequence", StringComparison.Ordinal);
            bool prefill = p.Name is nameof(CostCoefficients.StagePrefillSeconds) or nameof(CostCoefficients.PrefillLatencySeconds);
            double expected = p.Name == nameof(CostCoefficients.Uncertainty) ? 1.0 // max(the model's band, the residual): 1 here
                : !time ? 1.0 : prefill ? 3.0 : 2.0;
            Assert.True(value == expected, $"{p.Name}: {value}, expected {expected}");
        }

        Assert.True(corrected.CalibratedOnMeasurements);
    }
}
