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

    [Fact]
    public void Attention_data_parallel_experts_exchange_tokens_the_way_each_engine_does()
    {
        // TensorRT-LLM's select_alltoall_method_type: an all-to-all only where EP exceeds top-k and NVLink spans nodes
        // (MNNVL); vLLM (its default all2all backend) and SGLang (DP attention without DeepEP) gather every token.
        var trtllm = DeploySpec.Serving.ServingEngineProfile.For(ServingEngine.TensorRtLlm);
        Assert.Equal(DeploySpec.Serving.MoeExchange.AllToAll, trtllm.MoeExchange(8, 1, multiNodeNvLink: true));
        Assert.Equal(DeploySpec.Serving.MoeExchange.AllGather, trtllm.MoeExchange(8, 8, multiNodeNvLink: true));
        Assert.Equal(DeploySpec.Serving.MoeExchange.AllGather, trtllm.MoeExchange(8, 1, multiNodeNvLink: false));
        foreach (var engine in new[] { ServingEngine.Vllm, ServingEngine.Sglang })
        {
            Assert.Equal(DeploySpec.Serving.MoeExchange.AllGather, DeploySpec.Serving.ServingEngineProfile.For(engine).MoeExchange(72, 1, multiNodeNvLink: true));
        }

        // Llama 4 Maverick (top-1) as DEP8 on GB200: an all-gather and a reduce-scatter carry each token to the 7 other
        // ranks and back (7 x (2 + 2) bytes per element), an all-to-all to its one expert's GPU 7 times in 8 and back
        // (2 x 7/8 x 2): 8 times fewer bytes on the same links.
        double Exchange(ServingEngine engine, Gpu gpu, ModelArchitecture model)
        {
            var spec = MemoryModelTests.On(model, gpu, gpu == Gpu.GB200 ? 4 : 8, nodes: gpu == Gpu.GB200 ? 2 : 1, engine: engine) with { InputTokens = 1024, OutputTokens = 1024, Mode = ServingMode.Aggregated, TensorParallel = 1, ExpertParallel = 8 };
            return Planner.Plan(spec).Plans.First(p => p.Pool.Degrees == new Degrees(1, 1, 8, 8)).Pool.Coefficients.CollectiveSecondsPerSequence;
        }

        var maverick = ModelCatalog.Llama4Maverick with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        Assert.Equal(8.0, Exchange(ServingEngine.Vllm, Gpu.GB200, maverick) / Exchange(ServingEngine.TensorRtLlm, Gpu.GB200, maverick), 9);
        // TensorRT-LLM gathers an NVFP4 model's tokens quantized: 4 bits and an FP8 scale per 16 elements out, BF16 back.
        var nvfp4 = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp4, KvCache = Precision.Fp8 };
        Assert.Equal((2.0 + 2.0) / (0.5625 + 2.0), Exchange(ServingEngine.Vllm, Gpu.B200, nvfp4) / Exchange(ServingEngine.TensorRtLlm, Gpu.B200, nvfp4), 9);
    }

    [Theory]
    [InlineData(Gpu.H100Sxm, Precision.Fp8)]
    [InlineData(Gpu.B200, Precision.Fp4)]
    public void The_LM_head_of_a_quantised_checkpoint_multiplies_at_the_BF16_rate(Gpu gpu, Precision weights)
    {
        // Quantised checkpoints keep the LM head in 16 bits (ModelOpt disables `*lm_head*`), so the compute a larger
        // vocabulary adds per token is the same whatever the format of the other weights: at the BF16 rate, not FP8's
        // or FP4's (two and four times faster on these GPUs).
        double GemmPerToken(int vocabulary, Precision format)
        {
            var model = ModelCatalog.Llama31_8B with { VocabSize = vocabulary, Weights = format, KvCache = Precision.Fp8 };
            var spec = MemoryModelTests.On(model, gpu, 1) with { InputTokens = 1024, OutputTokens = 256, Mode = ServingMode.Aggregated };
            return Planner.Plan(spec).Plans.First(p => p.Pool.Degrees == new Degrees(1, 1, 1, 1)).Pool.Coefficients.GemmSecondsPerSequence;
        }

        double quantised = GemmPerToken(256000, weights) - GemmPerToken(128256, weights);
        double bf16 = GemmPerToken(256000, Precision.Bf16) - GemmPerToken(128256, Precision.Bf16);
        var spec = GpuCatalog.Of(new ClusterSpec { Gpu = gpu });
        Assert.True(spec.MatmulFlopsPerSecond(weights) >= 2 * spec.Bf16FlopsPerSecond); // the format is faster, yet...
        Assert.Equal(bf16, quantised, bf16 * 1e-9); // ...the LM head's time is not
        Assert.Equal(2.0 * (256000 - 128256) * 4096 / (spec.Bf16FlopsPerSecond * CostCalibration.Default.For(spec).Matmul), quantised, quantised * 1e-9);
    }

    [Fact]
    public void A_smaller_token_budget_splits_a_long_prompt_into_more_chunks_and_delays_its_first_token()
    {
        // Each chunk of a prompt streams the weights and pays the collectives' fixed time once more.
        var spec = MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8) with
        {
            InputTokens = 32768, OutputTokens = 256, Mode = ServingMode.Aggregated, TensorParallel = 8,
        };
        PlanPool Pool(int tokens) => Planner.Plan(spec with { MaxBatchedTokens = tokens }).Plans.First(p => p.Pool.Degrees == new Degrees(8, 1, 1, 1)).Pool;
        var small = Pool(2048);
        var engineDefault = Pool(8192);
        var large = Pool(32768);
        Assert.Equal(16, small.Coefficients.PrefillChunks);
        Assert.Equal(4, engineDefault.Coefficients.PrefillChunks);
        Assert.Equal(1, large.Coefficients.PrefillChunks);
        double Ttft(PlanPool pool) => CostEvaluator.Evaluate(pool.Coefficients, 1).TimeToFirstTokenMs;
        Assert.True(Ttft(small) > Ttft(engineDefault) && Ttft(engineDefault) > Ttft(large), $"{Ttft(small)} / {Ttft(engineDefault)} / {Ttft(large)} ms");
        Assert.Equal(Planner.Plan(spec).Plans.First(p => p.Pool.Degrees == new Degrees(8, 1, 1, 1)).Pool.Coefficients.PrefillChunks, engineDefault.Coefficients.PrefillChunks);
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
    public void Each_used_expert_pays_the_gemm_half_saturation_count_once()
    {
        // Mixtral 8x7B at TP2 on H100: each GPU holds half of every expert (32 layers x 8 experts x 3 x 4096 x 14336 /
        // 2 parameters), and each expert a token uses runs a GEMM of its own few tokens at the dense GEMMs' count.
        var d = MemoryModelTests.On(ModelCatalog.Mixtral8x7B, Gpu.H100Sxm, 2) with { TensorParallel = 2, PipelineParallel = 1 };
        var c = Planner.Plan(d).Plans.Single().Pool.Coefficients;
        var gpu = GpuCatalog.Get(Gpu.H100Sxm);
        var hopper = CostCalibration.Default.Hopper;
        double routed = 32.0 * 8 * 3 * 4096 * 14336 / 2;
        double expected = hopper.MatmulHalfSaturationTokens * 2.0 * routed / (gpu.MatmulFlopsPerSecond(d.Model.Weights) * hopper.Matmul);
        Assert.Equal(expected, c.ExpertSaturationSeconds, 9);

        // A step pays it on the share of experts its tokens use: with every expert in use, the compute side of a step is
        // the dense GEMMs' plus all of it.
        double m = 512;
        double share = CostEvaluator.ExpertShare(1.0 - Math.Exp(-m * c.ExpertIdleDecayPerToken), c.ExpertImbalanceSpread);
        Assert.True(share > 0.999);
        Assert.Equal((m + c.GemmSaturationSequences) * c.GemmSecondsPerSequence + c.ExpertSaturationSeconds * share,
            CostEvaluator.StageSeconds(c, m) - m * (c.AttentionSecondsPerSequence + c.CollectiveSecondsPerSequence) - c.StageLatencySeconds, 12);

        // Dense models have no routed experts and pay nothing of it.
        var dense = Planner.Plan(MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.H100Sxm, 1)).Plans.First().Pool.Coefficients;
        Assert.Equal(0.0, dense.ExpertSaturationSeconds);
    }

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.5641895835)] // 1 / sqrt(pi)
    [InlineData(3, 0.8462843753)] // 3 / (2 sqrt(pi))
    [InlineData(5, 1.1629644736)] // tabulated (Harter 1961)
    [InlineData(8, 1.4236003060)]
    public void Expected_largest_of_standard_normals_matches_the_exact_values(int count, double expected) =>
        Assert.Equal(expected, CostModel.ExpectedLargestStandardNormal(count), 6);

    [Theory]
    [InlineData(8, 32, 0.05)]
    [InlineData(8, 32, 0.3)]
    [InlineData(8, 32, 0.8)]
    [InlineData(4, 16, 0.2)]
    [InlineData(16, 16, 0.5)]
    public void Busiest_expert_parallel_gpu_share_is_close_to_the_exact_binomial_maximum(int gpus, int expertsPerGpu, double used)
    {
        // Exact: E[max of g iid Binomial(n, p)] = sum over k of P(max > k) = sum (1 - F(k)^g), F the binomial CDF.
        double cdf = 0, expectedMax = 0;
        for (int k = 0; k < expertsPerGpu; k++)
        {
            cdf += Binomial(expertsPerGpu, k, used);
            expectedMax += 1 - Math.Pow(cdf, gpus);
        }

        double spread = CostModel.ExpectedLargestStandardNormal(gpus) / Math.Sqrt(expertsPerGpu);
        double share = CostEvaluator.ExpertShare(used, spread);
        Assert.True(share > used, "the busiest GPU streams more than the mean share");
        Assert.True(Math.Abs(share * expertsPerGpu / expectedMax - 1) < 0.08,
            $"normal approximation {share * expertsPerGpu:F2} experts against the exact {expectedMax:F2}");
    }

    private static double Binomial(int n, int k, double p)
    {
        double log = 0;
        for (int i = 1; i <= k; i++)
        {
            log += Math.Log(n - k + i) - Math.Log(i);
        }

        return Math.Exp(log + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
    }

    [Fact]
    public void Expert_parallel_decode_at_small_batches_waits_for_the_busiest_gpus_experts()
    {
        // Same GPUs, same bytes per GPU: experts split inside TP8 (every GPU a slice of every expert) against whole
        // experts on eight GPUs (EP8). At four sequences EP8's busiest GPU streams well above the mean; at 512 every
        // expert is hit on every GPU and the two agree.
        var d = MemoryModelTests.On(ModelCatalog.DeepSeekV3, Gpu.H200Sxm, 8) with { TensorParallel = 8, PipelineParallel = 1 };
        var sliced = CostModel.Specialize(d, new Degrees(8, 1, 1, 1), MemoryModel.PerGpu(d, new Degrees(8, 1, 1, 1)), CostCalibration.Default);
        var whole = CostModel.Specialize(d, new Degrees(8, 1, 1, 8), MemoryModel.PerGpu(d, new Degrees(8, 1, 1, 8)), CostCalibration.Default);
        Assert.Equal(0, sliced.ExpertImbalanceSpread);
        Assert.Equal(sliced.ExpertWeightSeconds, whole.ExpertWeightSeconds, 9);
        Assert.True(CostEvaluator.StageSeconds(whole, 4) > 1.15 * CostEvaluator.StageSeconds(sliced, 4));
        Assert.True(CostEvaluator.StageSeconds(whole, 512) < 1.02 * CostEvaluator.StageSeconds(sliced, 512));
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
