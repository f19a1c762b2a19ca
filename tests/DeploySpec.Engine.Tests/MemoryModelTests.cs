using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class MemoryModelTests
{
    private const double GiB = Units.BytesPerGiB;

    internal static DeploymentSpec On(ModelArchitecture model, Gpu gpu, int gpus, int nodes = 1, ServingEngine engine = ServingEngine.Vllm) => new()
    {
        Name = "Test",
        Model = model,
        Cluster = new ClusterSpec { Name = "Cluster", Gpu = gpu, GpusPerNode = gpus, Nodes = nodes },
        InputTokens = 2048,
        OutputTokens = 128,
        Engine = engine,
    };

    [Fact]
    public void Llama70B_bf16_does_not_fit_one_H200()
    {
        var memory = MemoryModel.PerGpu(On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, 1), new Degrees(1, 1, 1, 1));
        Assert.InRange(memory.WeightsBytes / GiB, 131.0, 131.8); // 141 GB of weights = 131.4 GiB
        Assert.False(memory.Fits);
        Assert.True(memory.KvCacheBytes < 0);
        Assert.Empty(Planner.Plan(On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, 1)).Plans);
    }

    [Fact]
    public void Llama70B_bf16_at_tp2_on_H200_leaves_53_to_59_GiB_of_kv_per_gpu()
    {
        var memory = MemoryModel.PerGpu(On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, 2), new Degrees(2, 1, 1, 1));
        Assert.True(memory.Fits);
        Assert.InRange(memory.KvCacheBytes / GiB, 53.0, 59.0);
        Assert.Equal(160 * 1024, memory.KvBytesPerTokenPerGpu); // 160 KiB per token per GPU at TP2
        double tokens = memory.KvCacheBytes / memory.KvBytesPerTokenPerGpu;
        Assert.InRange(tokens, 330_000, 390_000); // "~350k tokens"
    }

    [Fact]
    public void Vllm_utilization_is_a_fraction_of_total_memory()
    {
        var d = On(ModelCatalog.Llama31_8B, Gpu.H200Sxm, 1);
        var m = MemoryModel.PerGpu(d, new Degrees(1, 1, 1, 1));
        Assert.Equal(m.CapacityBytes, m.WeightsBytes + m.KvCacheBytes + m.ActivationsBytes + m.ReserveBytes, 0);
        Assert.InRange(m.ReserveBytes, 0.10 * m.CapacityBytes, 0.10 * m.CapacityBytes + 2.5 * GiB);
        var tighter = MemoryModel.PerGpu(d with { MemoryFraction = 0.5 }, new Degrees(1, 1, 1, 1));
        Assert.Equal(0.4 * m.CapacityBytes, m.KvCacheBytes - tighter.KvCacheBytes, 0);
    }

    [Fact]
    public void TensorRtLlm_fraction_applies_to_free_memory_after_weights()
    {
        var d = On(ModelCatalog.Llama31_8B, Gpu.H200Sxm, 1, engine: ServingEngine.TensorRtLlm) with { MemoryFraction = 0.95 };
        var m = MemoryModel.PerGpu(d, new Degrees(1, 1, 1, 1));
        double free = m.CapacityBytes - m.WeightsBytes - m.ActivationsBytes - (m.ReserveBytes - 0.05 * (m.KvCacheBytes / 0.95));
        Assert.Equal(0.95 * free, m.KvCacheBytes, 0);
        Assert.Equal(m.CapacityBytes, m.WeightsBytes + m.KvCacheBytes + m.ActivationsBytes + m.ReserveBytes, 0);
    }

    /// <summary>Found by the fuzz test (seed 20261202, case 885): the reserve came out negative.</summary>
    [Fact]
    public void Sglang_with_a_memory_fraction_too_high_for_its_activations_takes_the_shortfall_from_the_kv_cache()
    {
        var model = new ModelArchitecture
        {
            Name = "Fuzz885", Layers = 126, HiddenSize = 64, AttentionHeads = 8, HeadDim = 128, IntermediateSize = 18432, VocabSize = 128256,
            TiedEmbeddings = true, Experts = 256, ActiveExperts = 8, DenseLayers = 3, Weights = Precision.Fp4, KvCache = Precision.Fp4,
        };
        var spec = On(model, Gpu.H100Nvl, 8, engine: ServingEngine.Sglang) with { MemoryFraction = 0.95 };
        var m = MemoryModel.PerGpu(spec, new Degrees(1, 1, 8, 1));
        Assert.True(m.ReserveBytes >= 0, $"reserve {m.ReserveBytes}");
        Assert.Equal(m.CapacityBytes, m.WeightsBytes + m.KvCacheBytes + m.ActivationsBytes + m.ReserveBytes, 0);
        // At 0.95 SGLang leaves 4.7 GB free, less than this model's activation peak: the KV cache pays the difference.
        Assert.True(m.KvCacheBytes < m.CapacityBytes * 0.95 - m.WeightsBytes);
    }

    [Fact]
    public void Sglang_keeps_about_ten_GiB_free_on_an_H200()
    {
        var m = MemoryModel.PerGpu(On(ModelCatalog.Llama31_8B, Gpu.H200Sxm, 1, engine: ServingEngine.Sglang), new Degrees(1, 1, 1, 1));
        Assert.InRange((m.ReserveBytes + m.ActivationsBytes) / GiB, 12.0, 14.5); // docs/memory.md: ~13-14.5 GiB
    }

    [Fact]
    public void Llama405B_bf16_needs_more_than_four_H200()
    {
        var model = ModelCatalog.Llama31_405B;
        Assert.InRange(ModelMath.TotalWeightBytes(model) / 1e9, 810, 813); // ~810 GB of weights
        Assert.Empty(Planner.Plan(On(model, Gpu.H200Sxm, 4)).Plans);
        Assert.NotEmpty(Planner.Plan(On(model, Gpu.H200Sxm, 8)).Plans);
    }

    [Fact]
    public void Llama70B_fp8_on_one_H100_is_at_the_memory_cliff()
    {
        var model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var one = new Degrees(1, 1, 1, 1);

        // TensorRT-LLM at 0.95 of free memory: it fits, with a few GiB of KV (a few dozen requests).
        var trt = MemoryModel.PerGpu(On(model, Gpu.H100Sxm, 1, engine: ServingEngine.TensorRtLlm) with { MemoryFraction = 0.95 }, one);
        Assert.InRange(trt.WeightsBytes / GiB, 66, 68.5);
        Assert.True(trt.Fits);
        Assert.InRange(trt.KvCacheBytes / GiB, 3, 10);
        Assert.InRange(trt.RequestsPerReplica, 10, 40);

        // vLLM at its default 0.90 of total memory: about 1 GiB is left, a handful of 2176-token requests. By vLLM v0.19's
        // own logs (llm-d-planner's fp8dyn-llama-3-3-70b TP2 run: 33.88 GiB of weights per GPU, a torch peak of 1.96 GiB,
        // 0.25 GiB of non-torch memory at TP1): 0.90 x 79.19 - 67.76 - 1.96 - 0.25 = 1.30 GiB. CUDA graphs come out of
        // the other 10%, as v0.19 captures them after sizing the KV cache (docs/memory.md).
        var vllm = MemoryModel.PerGpu(On(model, Gpu.H100Sxm, 1), one);
        Assert.True(vllm.Fits);
        Assert.InRange(vllm.KvCacheBytes / GiB, 0.5, 1.3);
        Assert.InRange(vllm.RequestsPerReplica, 1, 4);
    }

    [Fact]
    public void Pipeline_stage_with_the_lm_head_or_extra_layer_is_the_most_loaded()
    {
        var model = ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var layout = StageLayout.Create(model.Layers, 8);
        var perStage = Enumerable.Range(0, 8).Select(s => ModelMath.WeightBytesPerGpu(model, layout, s, 1, 1)).ToArray();
        var memory = MemoryModel.PerGpu(On(model, Gpu.H200Sxm, 8), new Degrees(1, 8, 1, 1));
        Assert.Equal(perStage.Max(), memory.WeightsBytes);
    }

    [Fact]
    public void Wide_expert_parallelism_shares_experts_between_replicas()
    {
        var model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var d = On(model, Gpu.H200Sxm, 8, nodes: 2);
        var tp8 = MemoryModel.PerGpu(d, new Degrees(8, 1, 2, 1));
        var ep16 = MemoryModel.PerGpu(d, new Degrees(8, 1, 2, 16));
        Assert.True(ep16.WeightsBytes < tp8.WeightsBytes * 0.6);
    }

    [Fact]
    public void TensorRT_LLM_sizes_each_ranks_moe_buffers_for_every_attention_data_parallel_ranks_tokens()
    {
        // moe_max_num_tokens = max_num_tokens x the DP size under attention DP (TensorRT-LLM's fused_moe modules), and
        // the KV cache is sized after a forward at that load. DeepSeek-R1 FP8 on 8 x H200 as DEP8: the fused-MoE
        // workspace of 8 x 8192 tokens instead of 8192 takes about 13 GiB more from each rank (in the calibration's
        // trtllm-bench runs at 1000/1000, 2,968 requests fit instead of 4,472).
        var model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var dep8 = new Degrees(1, 1, 8, 8);
        var trtllm = MemoryModel.PerGpu(On(model, Gpu.H200Sxm, 8, engine: ServingEngine.TensorRtLlm), dep8);
        double oneBatch = MemoryModel.ActivationPeakBytes(model, 1, 8192, 2048, 8);
        double eightBatches = MemoryModel.ActivationPeakBytes(model, 1, 8192, 2048, 8, moeBatches: 8);
        Assert.Equal(eightBatches, trtllm.ActivationsBytes, 3);
        Assert.InRange((eightBatches - oneBatch) / Units.BytesPerGiB, 12.0, 14.0);

        // Without attention DP (experts within the TP group) and in vLLM, whose DP MoE works in chunks, one batch.
        Assert.Equal(1, DeploySpec.Serving.ServingEngineProfile.For(ServingEngine.TensorRtLlm).MoeBatchesPerRank(8, 8));
        Assert.Equal(1, DeploySpec.Serving.ServingEngineProfile.For(ServingEngine.Vllm).MoeBatchesPerRank(1, 8));
        var onVllm = On(model, Gpu.H200Sxm, 8);
        var vllm = MemoryModel.PerGpu(onVllm, dep8);
        int vllmTokens = DeploySpec.Serving.ServingEngineProfile.For(ServingEngine.Vllm).MaxBatchedTokens;
        Assert.Equal(MemoryModel.ActivationPeakBytes(model, 1, vllmTokens, MemoryModel.MaxBatchSize(onVllm), 8), vllm.ActivationsBytes, 3);
    }

    [Fact]
    public void The_moe_activation_peak_holds_every_routed_experts_down_projection_output()
    {
        // vLLM's and SGLang's fused-MoE kernels keep (tokens, top-k, hidden) outputs before the weighted sum; with the
        // expert width fixed, each extra routed expert per token adds at least tokens x hidden x 2 bytes, whatever TP.
        var mixtral = ModelCatalog.Mixtral8x7B;
        var wider = mixtral with { ActiveExperts = mixtral.ActiveExperts + 1 };
        const int tokens = 8192;
        foreach (int tp in new[] { 1, 8 })
        {
            double added = MemoryModel.ActivationPeakBytes(wider, tp, tokens, 0) - MemoryModel.ActivationPeakBytes(mixtral, tp, tokens, 0);
            Assert.True(added >= tokens * (double)mixtral.HiddenSize * 2, $"TP{tp}: {added} bytes");
        }

        var dense = ModelCatalog.Llama31_8B;
        Assert.Equal(MemoryModel.ActivationPeakBytes(dense, 1, tokens, 0), MemoryModel.ActivationPeakBytes(dense with { ActiveExperts = 4 }, 1, tokens, 0));
    }
    [Fact]
    public void The_token_budget_sizes_the_activation_peak_and_so_the_kv_cache()
    {
        // vLLM's profile run is a forward over max_num_batched_tokens: a larger budget raises the activation peak, and
        // under gpu_memory_utilization (a fraction of TOTAL memory) every byte of it comes out of the KV cache.
        var spec = On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, 2);
        var degrees = new Degrees(2, 1, 1, 1);
        var small = MemoryModel.PerGpu(spec with { MaxBatchedTokens = 2048 }, degrees);
        var large = MemoryModel.PerGpu(spec with { MaxBatchedTokens = 32768 }, degrees);
        Assert.Equal(MemoryModel.ActivationPeakBytes(spec.Model, 2, 32768, MemoryModel.MaxBatchSize(spec)), large.ActivationsBytes, 3);
        Assert.True(large.ActivationsBytes > small.ActivationsBytes + GiB, $"{large.ActivationsBytes / GiB:F2} vs {small.ActivationsBytes / GiB:F2} GiB");
        Assert.Equal(large.ActivationsBytes - small.ActivationsBytes, small.KvCacheBytes - large.KvCacheBytes, 3);
        Assert.Equal(MemoryModel.PerGpu(spec, degrees).KvCacheBytes, MemoryModel.PerGpu(spec with { MaxBatchedTokens = 8192 }, degrees).KvCacheBytes, 3);
    }

    [Fact]
    public void The_engines_default_token_budgets_and_batch_limits_follow_the_gpu()
    {
        // SGLang's handle_gpu_memory_settings: chunked_prefill_size 2048 below 20 GiB, 4096 below 60, 8192 below 160,
        // 16384 above. vllm serve's get_batch_defaults: max_num_batched_tokens 8192 and max_num_seqs 1024 on GPUs of
        // 70 GiB and more but A100, else 2048 and 256. TensorRT-LLM: 8192 and 2048 everywhere.
        var model = ModelCatalog.Llama31_8B;
        foreach (var (gpu, sglangTokens, vllmTokens, vllmSeqs) in new[]
                 {
                     (Gpu.L4, 4096, 2048, 256), (Gpu.L40S, 4096, 2048, 256), (Gpu.A100Sxm80, 8192, 2048, 256), (Gpu.H100Sxm, 8192, 8192, 1024),
                     (Gpu.H200Sxm, 8192, 8192, 1024), (Gpu.RtxPro6000, 8192, 8192, 1024), (Gpu.B200, 16384, 8192, 1024), (Gpu.GB200, 16384, 8192, 1024),
                 })
        {
            var sglang = On(model, gpu, 1) with { Engine = ServingEngine.Sglang };
            var vllm = sglang with { Engine = ServingEngine.Vllm };
            Assert.Equal(sglangTokens, MemoryModel.MaxBatchedTokens(sglang));
            Assert.Equal(1024, MemoryModel.MaxBatchSize(sglang));
            Assert.Equal(vllmTokens, MemoryModel.MaxBatchedTokens(vllm));
            Assert.Equal(vllmSeqs, MemoryModel.MaxBatchSize(vllm));
            Assert.Equal(8192, MemoryModel.MaxBatchedTokens(sglang with { Engine = ServingEngine.TensorRtLlm }));
            Assert.Equal(2048, MemoryModel.MaxBatchSize(sglang with { Engine = ServingEngine.TensorRtLlm }));
            Assert.Equal(512, MemoryModel.MaxBatchedTokens(sglang with { MaxBatchedTokens = 512 }));
            Assert.Equal(300, MemoryModel.MaxBatchSize(vllm with { MaxBatchSize = 300 }));
        }

        var profile = DeploySpec.Serving.ServingEngineProfile.For(ServingEngine.Sglang);
        Assert.Equal(2048, profile.DefaultMaxBatchedTokens(16 * GiB, "x"));
        Assert.Equal(4096, profile.DefaultMaxBatchedTokens(20 * GiB, "x"));
        Assert.Equal(8192, profile.DefaultMaxBatchedTokens(160 * GiB - 1, "x"));
        Assert.Equal(16384, profile.DefaultMaxBatchedTokens(160 * GiB, "x"));

        // The budget is the forward pass the activation peak is sized for: B200's default is 16384 tokens.
        var onB200 = On(model, Gpu.B200, 1) with { Engine = ServingEngine.Sglang };
        var degrees = new Degrees(1, 1, 1, 1);
        Assert.Equal(MemoryModel.PerGpu(onB200 with { MaxBatchedTokens = 16384 }, degrees).ActivationsBytes, MemoryModel.PerGpu(onB200, degrees).ActivationsBytes, 3);
        Assert.True(MemoryModel.PerGpu(onB200, degrees).ActivationsBytes > MemoryModel.PerGpu(onB200 with { MaxBatchedTokens = 8192 }, degrees).ActivationsBytes);
    }

    /// <summary>
    /// Without a MemoryFraction, SGLang derives mem_fraction_static = (capacity - reserve) / capacity, rounded to 0.001, its
    /// reserve in MiB being 512 + 1.5 x max(chunk, 2048) + 1024 x TP x PP / 8 + 2 x the decode graphs' batch (+ 4.5 x batch x
    /// DP ranks under attention DP at 512) + the prefill graphs (1536 with MLA, else 8 per captured size), at least 10 GiB
    /// above 60 GiB (memory_hook.py). Worked here by hand for four plans.
    /// </summary>
    [Fact]
    public void Sglangs_default_memory_fraction_is_the_one_it_derives_itself()
    {
        var llama70 = ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var deepSeek = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        double Fraction(ModelArchitecture model, Gpu gpu, int gpus, Degrees degrees) =>
            MemoryModel.PerGpu(On(model, gpu, gpus, engine: ServingEngine.Sglang), degrees).EngineMemoryFraction;

        // H200 (143,771 MiB), TP8, chunk 8192, 58 prefill graph sizes: 512 + 12288 + 1024 + 1024 + 464 = 15,312 MiB.
        Assert.Equal(0.893, Fraction(llama70, Gpu.H200Sxm, 8, new Degrees(8, 1, 1, 1)), 6);
        // B200 (183,359 MiB), TP8, chunk 16384, MLA: 512 + 24576 + 1024 + 1024 + 1536 = 28,672 MiB.
        Assert.Equal(0.844, Fraction(deepSeek, Gpu.B200, 8, new Degrees(8, 1, 1, 1)), 6);
        // H200, DP attention over 8 ranks (--tp-size 8 --dp-size 8): 15,312 - 464 + 1536 + 512 x 8 x (3 + 1.5) = 34,816 MiB.
        Assert.Equal(0.758, Fraction(deepSeek, Gpu.H200Sxm, 8, new Degrees(1, 1, 8, 8)), 6);
        // L4 (22.5 GiB = 23,040 MiB), TP1, chunk 4096, graphs of 48: 512 + 6144 + 128 + 96 + 400 = 7,280 MiB; no 10 GiB floor.
        Assert.Equal(0.684, Fraction(ModelCatalog.Llama31_8B, Gpu.L4, 1, new Degrees(1, 1, 1, 1)), 6);

        // Published: SGLang picked 0.828 by itself for Qwen3-32B on one H100 (sgl-project/sglang#29092, 2026-06-23); the rule
        // gives 0.829 from CUDA's 79.19 GiB (SGLang reads nvidia-smi's 81,559 MiB, which would give 0.830). The model does
        // not enter the rule but for latent attention, so Llama 3.1 8B stands in.
        Assert.InRange(Fraction(ModelCatalog.Llama31_8B, Gpu.H100Sxm, 1, new Degrees(1, 1, 1, 1)), 0.827, 0.830);

        // A fraction the deployment sets is used as given.
        var set = On(llama70, Gpu.H200Sxm, 8, engine: ServingEngine.Sglang) with { MemoryFraction = 0.8 };
        Assert.Equal(0.8, MemoryModel.PerGpu(set, new Degrees(8, 1, 1, 1)).EngineMemoryFraction, 6);
    }

    [Fact]
    public void A_token_budget_below_the_default_batch_limit_caps_it_where_decode_tokens_count_against_it()
    {
        // vLLM and TensorRT-LLM spend one token of each iteration's budget on every running request; SGLang's
        // chunked-prefill-size splits prompts only, and its decode batch is bounded by max-running-requests alone.
        var spec = On(ModelCatalog.Llama31_8B, Gpu.H100Sxm, 1);
        Assert.Equal(512, MemoryModel.MaxBatchSize(spec with { MaxBatchedTokens = 512 }));
        Assert.Equal(512, MemoryModel.MaxBatchSize(spec with { Engine = ServingEngine.TensorRtLlm, MaxBatchedTokens = 512 }));
        Assert.Equal(1024, MemoryModel.MaxBatchSize(spec with { Engine = ServingEngine.Sglang, MaxBatchedTokens = 512 }));
        Assert.Equal(1024, MemoryModel.MaxBatchSize(spec with { MaxBatchedTokens = 16384 }));
        Assert.Equal(1024, MemoryModel.MaxBatchSize(spec));
        // A batch limit the spec sets is the spec's: vLLM would refuse it (SpecValidation says so), TensorRT-LLM runs fewer.
        Assert.Equal(2048, MemoryModel.MaxBatchSize(spec with { Engine = ServingEngine.TensorRtLlm, MaxBatchSize = 2048, MaxBatchedTokens = 512 }));
        Assert.True(MemoryModel.PerGpu(spec with { MaxBatchedTokens = 512 }, new Degrees(1, 1, 1, 1)).RequestsPerReplica <= 512);
    }
}
