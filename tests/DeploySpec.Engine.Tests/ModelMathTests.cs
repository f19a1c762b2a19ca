using DeploySpec.Engine.Models;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class ModelMathTests
{
    // Totals from docs/models.md (the models' own configs, untied embeddings): model name, total B, active B.
    public static TheoryData<string, double, double> ReferenceTotals => new()
    {
        { "Llama 3.1 8B", 8.03, 8.03 },
        { "Llama 3.1 70B", 70.55, 70.55 },
        { "Llama 3.1 405B", 405.85, 405.85 },
        { "Llama 2 70B", 68.98, 68.98 },
        { "Mixtral 8x7B", 46.70, 12.88 },
        { "Qwen2.5 72B", 72.71, 72.71 },
        { "DeepSeek-V3", 671.0, double.NaN },
        { "GPT-OSS 120B", 116.83, double.NaN },
    };

    [Theory]
    [MemberData(nameof(ReferenceTotals))]
    public void Parameter_totals_are_within_half_a_percent_of_the_reference(string name, double totalBillions, double activeBillions)
    {
        var model = Catalog(name);
        Assert.InRange(ModelMath.TotalParameters(model) / 1e9, totalBillions * 0.995, totalBillions * 1.005);
        if (!double.IsNaN(activeBillions))
        {
            Assert.InRange(ModelMath.ActiveParameters(model) / 1e9, activeBillions * 0.995, activeBillions * 1.005);
        }
    }

    [Fact]
    public void DeepSeek_active_parameters_match_the_published_37B_to_its_two_significant_digits()
    {
        // The reference rounds to "37 B"; we count every parameter a token touches, embedding included (37.55 B).
        Assert.InRange(ModelMath.ActiveParameters(ModelCatalog.DeepSeekV3) / 1e9, 36.5, 37.6);
    }

    [Fact]
    public void GptOss_active_parameters_without_the_input_embedding_match_the_published_5_1B()
    {
        // OpenAI's ~5.1 B leaves out the input embedding (only one row per token is read).
        var m = ModelCatalog.GptOss120B;
        double active = (ModelMath.ActiveParameters(m) - ModelMath.EmbeddingParameters(m)) / 1e9;
        Assert.InRange(active, 5.1 * 0.99, 5.1 * 1.02);
    }

    // KV bytes per token for the whole model (TP1, PP1), BF16, as vLLM computes them.
    public static TheoryData<string, double> KvBytesPerTokenBf16 => new()
    {
        { "Llama 3.1 8B", 32 * 2 * 8 * 128 * 2 },       // 131,072 B
        { "Llama 3.1 70B", 327_680 },                    // docs/memory.md worked figure (320 KiB)
        { "Llama 3.1 405B", 126 * 2 * 8 * 128 * 2 },     // 516,096 B
        { "Llama 2 70B", 80 * 2 * 8 * 128 * 2 },
        { "Mixtral 8x7B", 32 * 2 * 8 * 128 * 2 },
        { "Qwen2.5 72B", 80 * 2 * 8 * 128 * 2 },
        { "DeepSeek-V3", 70_272 },                       // 61 x 576 x 2: latent + rope key, no factor 2 for K/V
        { "GPT-OSS 120B", 36 * 2 * 8 * 64 * 2 },         // every layer counted (windowed ones cap per sequence)
    };

    [Theory]
    [MemberData(nameof(KvBytesPerTokenBf16))]
    public void Kv_bytes_per_token_match_vllm(string name, double expected)
    {
        var model = Catalog(name);
        Assert.Equal(expected, ModelMath.KvBytesPerTokenPerGpu(model, StageLayout.Create(model.Layers, 1), 0, 1));
    }

    [Fact]
    public void Kv_heads_split_under_tp_until_one_per_gpu_then_replicate()
    {
        var m = ModelCatalog.Llama31_70B;
        var layout = StageLayout.Create(m.Layers, 1);
        Assert.Equal(40 * 1024, ModelMath.KvBytesPerTokenPerGpu(m, layout, 0, 8));   // 40 KiB at TP8
        var big = ModelCatalog.Llama31_405B;
        var one = StageLayout.Create(big.Layers, 1);
        Assert.Equal(ModelMath.KvBytesPerTokenPerGpu(big, one, 0, 8), ModelMath.KvBytesPerTokenPerGpu(big, one, 0, 16));
        Assert.Equal(1, ModelMath.KvHeadsPerRank(big, 16));
    }

    [Fact]
    public void Mla_latent_is_not_split_by_tensor_parallelism()
    {
        var m = ModelCatalog.DeepSeekV3;
        var layout = StageLayout.Create(m.Layers, 1);
        Assert.Equal(70_272, ModelMath.KvBytesPerTokenPerGpu(m, layout, 0, 8));
        Assert.Equal(70_272 / 2, ModelMath.KvBytesPerTokenPerGpu(m with { KvCache = Precision.Fp8 }, layout, 0, 8));
    }

    [Fact]
    public void Sliding_window_layers_hold_at_most_the_window()
    {
        var m = ModelCatalog.GptOss120B;
        var layout = StageLayout.Create(m.Layers, 1);
        double perLayer = 2 * 8 * 64 * 2;
        Assert.Equal(18 * perLayer * 10_000 + 18 * perLayer * 128, ModelMath.KvBytesPerSequencePerGpu(m, layout, 0, 1, 10_000));
        Assert.Equal(36 * perLayer * 100, ModelMath.KvBytesPerSequencePerGpu(m, layout, 0, 1, 100));
    }

    [Fact]
    public void Pipeline_layers_follow_vllm_get_pp_indices()
    {
        var layout = StageLayout.Create(126, 8); // 126 = 8 x 15 + 6: stages before the last get one more, from the back
        Assert.Equal(new[] { 15, 16, 16, 16, 16, 16, 16, 15 }, Enumerable.Range(0, 8).Select(layout.LayerCount));
        Assert.Equal(0, layout.FirstLayer(0));
        Assert.Equal(15, layout.FirstLayer(1));
        Assert.False(layout.IsEven);
        Assert.True(StageLayout.Create(80, 8).IsEven);
    }

    [Fact]
    public void Quantised_checkpoints_keep_embeddings_norms_and_lm_head_in_16_bits()
    {
        var fp8 = ModelCatalog.Llama31_405B with { Weights = Precision.Fp8 };
        double aux = 2 * ModelMath.EmbeddingParameters(fp8) + 126 * 2 * 16384.0 + 16384; // embedding, LM head, norms
        double linear = ModelMath.TotalParameters(fp8) - aux;
        Assert.Equal(linear * 1.0 + aux * 2.0, ModelMath.TotalWeightBytes(fp8), 0);
        // About 410 GB: the 4.2 B embedding parameters cost 2 bytes each, not 1.
        Assert.InRange(ModelMath.TotalWeightBytes(fp8) / 1e9, 409.0, 411.0);
    }

    private static ModelArchitecture Catalog(string name) => ModelCatalog.All.Single(m => m.Name == name);
}
