using System.IO;
using DeploySpec.Engine;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Parsing;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>
/// The 2025-26 families from their shipped config.json (samples/models): what each parses to, its KV (and recurrent
/// state) bytes on one GPU against a hand computation, and that a deployment of it on 8 x H200 has plans.
/// Hand figures: BF16 KV (2 bytes), one GPU at TP1 unless said.
/// </summary>
public class ModelFamilyTests
{
    private static string ModelsDirectory => Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples", "models");

    private static ModelArchitecture Parse(string directory)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        var model = HuggingFaceConfig.Read(File.ReadAllText(Path.Combine(ModelsDirectory, directory, "config.json")), directory + "/config.json", problems, warnings);
        Assert.Empty(problems);
        Assert.Empty(warnings);
        Assert.Empty(ModelValidation.Validate(model!));
        return model!;
    }

    private static StageLayout One(ModelArchitecture m) => StageLayout.Create(m.Layers, 1);

    private static double PerToken(ModelArchitecture m, int tp = 1) => ModelMath.KvBytesPerTokenPerGpu(m, One(m), 0, tp);

    private static double PerSequence(ModelArchitecture m, double tokens, int tp = 1) => ModelMath.KvBytesPerSequencePerGpu(m, One(m), 0, tp, tokens);

    private static IEnumerable<Layer> Layers(ModelArchitecture m) => Enumerable.Range(0, m.Layers).Select(i => Layer.Of(m, i));

    private static void AssertTotal(ModelArchitecture m, double reference, double tolerance)
    {
        double total = ModelMath.TotalParameters(m);
        Assert.True(Math.Abs(total / reference - 1) < tolerance, $"{total / 1e9:0.000} B against {reference / 1e9:0.000} B");
    }

    [Fact]
    public void Kimi_K2_is_DeepSeek_V3s_layout_with_384_experts()
    {
        var m = Parse("kimi-k2");
        Assert.Equal((61, 7168, 64, 384, 8, 1, 1), (m.Layers, m.HiddenSize, m.AttentionHeads, m.Experts, m.ActiveExperts, m.SharedExperts, m.DenseLayers));
        Assert.True(m.IsMla);
        Assert.Equal(Precision.Fp8, m.Weights);
        Assert.All(Layers(m), l => Assert.Equal(AttentionKind.Latent, l.Attention));
        // MLA: (512 + 64) x 2 bytes per layer, 61 layers, the same on every TP rank.
        Assert.Equal(61 * 576 * 2, PerToken(m));
        Assert.Equal(61 * 576 * 2, PerToken(m, tp: 8));
        Assert.Equal(70_272.0 * 2176, PerSequence(m, 2176));
        AssertTotal(m, 1.0e12, 0.03); // "1 T total parameters" as published; 1.026 T counted here
    }

    [Fact]
    public void Glm_4_5_Air_has_one_dense_layer_then_128_experts_and_biased_gqa()
    {
        var m = Parse("glm-4.5-air");
        Assert.Equal((46, 4096, 96, 8, 128, 128, 8, 1, 1, true), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.Experts, m.ActiveExperts, m.SharedExperts, m.DenseLayers, m.AttentionBias));
        Assert.Equal(FfnKind.Dense, Layer.Of(m, 0).Ffn);
        Assert.Equal(45, Layers(m).Count(l => l.Ffn == FfnKind.Experts));
        // 2 (K, V) x 8 heads x 128 x 2 bytes = 4,096 B per layer; 46 layers = 188,416 B per token.
        Assert.Equal(46 * 4096, PerToken(m));
        Assert.Equal(46 * 4096 / 8, PerToken(m, tp: 8)); // one KV head per GPU at TP8
        AssertTotal(m, 106e9, 0.02);
    }

    [Fact]
    public void Phi_4_and_Granite_3_3_are_dense_gqa_transformers()
    {
        var phi = Parse("phi-4");
        Assert.Equal((40, 5120, 40, 10, 17920, 100352, 0), (phi.Layers, phi.HiddenSize, phi.AttentionHeads, phi.KeyValueHeads, phi.IntermediateSize, phi.VocabSize, phi.SlidingWindow));
        Assert.Equal(40 * 2 * 10 * 128 * 2, PerToken(phi)); // 204,800 B per token
        AssertTotal(phi, 14.66e9, 0.01);

        var granite = Parse("granite-3.3-8b");
        Assert.Equal((40, 4096, 32, 8, 12800, 49159, true), (granite.Layers, granite.HiddenSize, granite.AttentionHeads, granite.KeyValueHeads, granite.IntermediateSize, granite.VocabSize, granite.TiedEmbeddings));
        Assert.Equal(40 * 2 * 8 * 128 * 2, PerToken(granite)); // 163,840 B per token
        AssertTotal(granite, 8.17e9, 0.01);
    }

    [Fact]
    public void Gemma_2_alternates_sliding_and_global_layers()
    {
        var m = Parse("gemma-2-27b");
        Assert.Equal((46, 4608, 32, 16, 128, 4096, 2, true), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.SlidingWindow, m.SlidingWindowPattern, m.TiedEmbeddings));
        Assert.Equal(4096, Layer.Of(m, 0).Window);
        Assert.Equal(0, Layer.Of(m, 1).Window);
        Assert.Equal(23, Layers(m).Count(l => l.Window == 4096));
        // 2 x 16 x 128 x 2 = 8,192 B per layer-token. 8,192 tokens: 23 global layers hold all, 23 local ones the 4,096-token window.
        Assert.Equal(46 * 8192, PerToken(m));
        Assert.Equal(23.0 * 8192 * 8192 + 23.0 * 8192 * 4096, PerSequence(m, 8192)); // 2,315,255,808 B
        AssertTotal(m, 27.2e9, 0.02);
    }

    [Fact]
    public void Gemma_3_has_one_global_layer_in_six_read_from_its_text_config()
    {
        var m = Parse("gemma-3-27b");
        Assert.Equal((62, 5376, 32, 16, 128, 21504, 262208, 1024, 6), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.IntermediateSize, m.VocabSize, m.SlidingWindow, m.SlidingWindowPattern));
        var global = Layers(m).Where(l => l.Window == 0).Select(l => l.Index).ToArray();
        Assert.Equal(new[] { 5, 11, 17, 23, 29, 35, 41, 47, 53, 59 }, global);
        // 32,768 tokens: 10 global layers x 8,192 B x 32,768 + 52 local layers x 8,192 B x 1,024 = 3,120,562,176 B (5.3x less than all global).
        Assert.Equal(10.0 * 8192 * 32768 + 52.0 * 8192 * 1024, PerSequence(m, 32768));

        // Newer files list the layers instead: the same placement.
        string listed = File.ReadAllText(Path.Combine(ModelsDirectory, "gemma-3-27b", "config.json")).Replace(
            "\"sliding_window_pattern\": 6,",
            "\"layer_types\": [" + string.Join(", ", Enumerable.Range(0, 62).Select(i => (i + 1) % 6 == 0 ? "\"full_attention\"" : "\"sliding_attention\"")) + "],");
        var problems = new List<string>();
        Assert.Equal(m, HuggingFaceConfig.Read(listed, "config.json", problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void Mistral_Small_3_1_reads_its_language_model_from_text_config()
    {
        var m = Parse("mistral-small-3.1-24b");
        Assert.Equal((40, 5120, 32, 8, 128, 32768, 131072, 0), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.IntermediateSize, m.VocabSize, m.SlidingWindow));
        Assert.Equal(40 * 2 * 8 * 128 * 2, PerToken(m)); // 163,840 B per token
        AssertTotal(m, 23.57e9, 0.01); // the language model; the 0.4 B Pixtral vision encoder is not counted
    }

    [Fact]
    public void Qwen3_Next_keeps_a_fixed_state_in_three_of_four_layers()
    {
        var m = Parse("qwen3-next-80b-a3b");
        Assert.Equal((48, 2048, 16, 2, 256, 512, 10, 1, 4), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.Experts, m.ActiveExperts, m.SharedExperts, m.FullAttentionInterval));
        Assert.Equal(36, Layers(m).Count(l => l.Attention == AttentionKind.GatedDeltaNet));
        Assert.Equal(AttentionKind.MultiHead, Layer.Of(m, 3).Attention);
        Assert.All(Layers(m), l => Assert.Equal(FfnKind.Experts, l.Ffn));
        // KV: 12 attention layers x 2 x 2 heads x 256 x 2 B = 24,576 B per token.
        Assert.Equal(12 * 2 * 2 * 256 * 2, PerToken(m));
        // State per Gated DeltaNet layer: conv (2 x 16 x 128 + 32 x 128) x 3 = 24,576 and recurrent 32 x 128 x 128 = 524,288
        // elements, x 2 B (BF16 model dtype) = 1,097,728 B; 36 layers = 39,518,208 B per request, whatever its length.
        double state = 36.0 * (24_576 + 524_288) * 2;
        Assert.Equal(39_518_208.0, state);
        Assert.Equal(state, ModelMath.StateBytesPerSequencePerGpu(m, One(m), 0, 1));
        Assert.Equal(24_576.0 * 2176 + state, PerSequence(m, 2176)); // 92,995,584 B for 2,176 tokens
        Assert.Equal(state / 4, ModelMath.StateBytesPerSequencePerGpu(m, One(m), 0, 4)); // heads split over TP4
        AssertTotal(m, 80e9, 0.02);
    }

    [Fact]
    public void Nemotron_H_reads_one_block_per_layer_from_its_pattern()
    {
        var m = Parse("nemotron-h-8b");
        Assert.Equal((52, 4096, 32, 8, 128, true), (m.Layers, m.HiddenSize, m.AttentionHeads, m.KeyValueHeads, m.HeadDim, m.UngatedFfn));
        Assert.Equal(24, Layers(m).Count(l => l.Attention == AttentionKind.Mamba2 && l.Ffn == FfnKind.None));
        Assert.Equal(4, Layers(m).Count(l => l.Attention == AttentionKind.MultiHead && l.Ffn == FfnKind.None));
        Assert.Equal(24, Layers(m).Count(l => l.Attention == AttentionKind.None && l.Ffn == FfnKind.Dense));
        // KV: 4 attention layers x 2 x 8 x 128 x 2 B = 16,384 B per token.
        Assert.Equal(4 * 2 * 8 * 128 * 2, PerToken(m));
        // Mamba2 state per layer: conv (8,192 + 2 x 8 groups x 128) x 3 = 30,720 and SSM 128 heads x 64 x 128 = 1,048,576
        // elements, x 2 B = 2,158,592 B; 24 layers = 51,806,208 B per request.
        double state = 24.0 * (30_720 + 1_048_576) * 2;
        Assert.Equal(state, ModelMath.StateBytesPerSequencePerGpu(m, One(m), 0, 1));
        Assert.Equal(16_384.0 * 2176 + state, PerSequence(m, 2176)); // 87,457,792 B for 2,176 tokens
        AssertTotal(m, 8.1e9, 0.03);
    }

    [Fact]
    public void Llama_4_chunks_three_of_four_layers_and_interleaves_experts()
    {
        var scout = Parse("llama-4-scout");
        Assert.Equal((48, 5120, 40, 8, 16, 1, 1, 8192, 16384, 8192, 4), (scout.Layers, scout.HiddenSize, scout.AttentionHeads, scout.KeyValueHeads, scout.Experts, scout.ActiveExperts, scout.SharedExperts, scout.ExpertIntermediateSize, scout.IntermediateSize, scout.AttentionChunkSize, scout.SlidingWindowPattern));
        Assert.All(Layers(scout), l => Assert.Equal(FfnKind.Experts, l.Ffn));
        Assert.Equal(36, Layers(scout).Count(l => l.Chunk == 8192));
        Assert.Equal(0, Layer.Of(scout, 3).Chunk);
        // 32,768 tokens: 12 global layers hold all of them, 36 chunked layers at most one 8,192-token chunk; 4,096 B per layer-token.
        Assert.Equal(12.0 * 4096 * 32768 + 36.0 * 4096 * 8192, PerSequence(scout, 32768)); // 2,818,572,288 B
        AssertTotal(scout, 109e9, 0.02);

        var maverick = Parse("llama-4-maverick");
        Assert.Equal((128, 2), (maverick.Experts, maverick.MoeLayerInterval));
        Assert.Equal(24, Layers(maverick).Count(l => l.Ffn == FfnKind.Experts));
        Assert.Equal(FfnKind.Dense, Layer.Of(maverick, 0).Ffn);
        Assert.Equal(FfnKind.Experts, Layer.Of(maverick, 1).Ffn);
        AssertTotal(maverick, 400e9, 0.02);
    }

    /// <summary>Each sample family, its weights, whether it has layers of a kind no row measured (windowed, recurrent, hybrid), and the vLLM memory fraction it is planned at (0 = the default 0.90).</summary>
    public static TheoryData<string, Precision, bool, double> Families => new()
    {
        // Routed experts, latent and chunked attention are measured (the MoE rows of the calibration data); windowed,
        // recurrent and hybrid layers are not.
        { "kimi-k2", Precision.Fp8, false, 0.95 }, // see Kimi_k2_fp8_does_not_fit_8_H200_at_vllms_default_fraction
        { "glm-4.5-air", Precision.Bf16, false, 0 },
        { "phi-4", Precision.Bf16, false, 0 },
        { "granite-3.3-8b", Precision.Bf16, false, 0 },
        { "gemma-2-27b", Precision.Bf16, true, 0 },
        { "gemma-3-27b", Precision.Bf16, true, 0 },
        { "mistral-small-3.1-24b", Precision.Bf16, false, 0 },
        { "qwen3-next-80b-a3b", Precision.Bf16, true, 0 },
        { "nemotron-h-8b", Precision.Bf16, true, 0 },
        { "llama-4-scout", Precision.Bf16, false, 0 },
        { "llama-4-maverick", Precision.Bf16, false, 0 },
    };

    /// <summary>
    /// Kimi K2's 1.03 TB of FP8 weights take 120.8 GiB of each of 8 H200s; vLLM's default 0.90 leaves 5.6 GiB, less than
    /// its profile run's peak (4.3 GiB: the sampler over 1024 sequences of a 163,840-token vocabulary and the fused-MoE
    /// workspace) plus TP8's 2.25 GiB of all-reduce buffers (docs/memory.md). Moonshot's deployment guide names 16 H200s as
    /// the smallest vLLM deployment for 128k context; at 0.95 a 2k-context deployment fits 8.
    /// </summary>
    [Fact]
    public void Kimi_k2_fp8_does_not_fit_8_H200_at_vllms_default_fraction()
    {
        var spec = new DeploymentSpec
        {
            Name = "Chat",
            Model = Parse("kimi-k2") with { KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Name = "HgxH200", Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1 },
        };
        Assert.False(Planner.Plan(spec).HasPlans);
        Assert.True(Planner.Plan(spec with { MemoryFraction = 0.95 }).HasPlans);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Each_family_plans_on_8_H200(string directory, Precision weights, bool unmeasuredLayers, double memoryFraction)
    {
        var model = Parse(directory);
        Assert.Equal(weights, model.Weights);
        var spec = new DeploymentSpec
        {
            Name = "Chat",
            Model = model with { KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Name = "HgxH200", Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1 },
            MemoryFraction = memoryFraction,
        };
        var result = Planner.Plan(spec);
        Assert.True(result.HasPlans, directory + " has no plan on 8 x H200");
        foreach (var plan in result.Plans)
        {
            Assert.True(plan.Pool.Memory.Fits);
            Assert.True(plan.Pool.Memory.RequestsPerReplica >= 1);
            Assert.True(plan.SingleRequest.TimePerOutputTokenMs > 0 && double.IsFinite(plan.SingleRequest.TimePerOutputTokenMs));
            // Windowed, recurrent and hybrid layers: beyond the data along the layer kind, named as not measured; every
            // family's experts and attention otherwise lie inside the data (MoE rows are in the fit).
            Assert.Equal(unmeasuredLayers, (plan.Pool.Coefficients.ExtrapolatedAlong & ExtrapolationAxes.LayerKind) != 0);
            Assert.Equal(unmeasuredLayers, (plan.Pool.Coefficients.NotMeasured & ExtrapolationAxes.LayerKind) != 0);
            Assert.Equal(ExtrapolationAxes.None, plan.Pool.Coefficients.ExtrapolatedAlong & ExtrapolationAxes.Architecture);
        }
    }

    [Fact]
    public void Recurrent_state_bounds_concurrency_even_when_the_kv_cache_is_tiny()
    {
        // Nemotron-H at TP1: 16 KiB of KV per token, but 49.4 MiB of Mamba2 state per request, so each request costs
        // its state plus its tokens' KV; the memory model divides the pool by exactly that.
        var model = Parse("nemotron-h-8b");
        var spec = new DeploymentSpec
        {
            Model = model,
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 1, Nodes = 1 },
            InputTokens = 2048,
            OutputTokens = 128,
        };
        var memory = DeploySpec.Engine.Memory.MemoryModel.PerGpu(spec, new Degrees(1, 1, 1, 1));
        Assert.Equal(16_384.0 * 2176 + 51_806_208.0, memory.KvBytesPerRequestPerGpu);
        Assert.Equal(Math.Min(1024, Math.Floor(memory.KvCacheBytes / memory.KvBytesPerRequestPerGpu)), memory.RequestsPerReplica);
    }
}
