using System.Globalization;
using System.IO;
using System.Text;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// DeploySpec's vLLM KV-cache capacity against real vLLM startup logs (docs/memory.md, "Checked against vLLM's logs").
/// Every log below is a complete vLLM v0.19.0 DEBUG startup log of the llm-d-planner accuracy sweep,
/// <see cref="Sweep"/> + file name, run with <c>vllm serve &lt;model&gt; --max-model-len L --gpu-memory-utilization U
/// --no-enable-prefix-caching</c> on H100 80GB HBM3 (total 79.19 GiB as vLLM logs it), with vLLM's defaults otherwise:
/// max_num_seqs 1024 and max_num_batched_tokens 8192 ("Defaulting max_num_seqs to 1024 / max_num_batched_tokens to 8192
/// for OPENAI_API_SERVER usage context"), 16-token blocks, CUDA graphs on (captured after the KV cache is sized), the
/// checkpoint's dtype (bfloat16 unless noted). The logged figures are its lines "Available KV cache memory: X GiB" and
/// "GPU KV cache size: N tokens". The architectures are the HuggingFace config.json numbers of each checkpoint.
/// </summary>
public class EngineStartupLogTests(ITestOutputHelper output)
{
    private const double GiB = Units.BytesPerGiB;

    /// <summary>llm-d-incubation/llm-d-planner, commit d3121e05 ("Add logs", PR #205), folder of the v0.19.0 logs.</summary>
    public const string Sweep = "llm-d-incubation/llm-d-planner@d3121e059da88662db39a926a3ead964be97359b:accuracy/results/v0.19.0/logs/";

    /// <summary>
    /// One startup log: the deployment it ran (model, TP/PP, gpu_memory_utilization, max_model_len; H100 80GB, the
    /// defaults above) and what vLLM logged. <paramref name="TokensComparable"/> is false where vLLM's token figure is
    /// not bytes / bytes-per-token (sliding-window and chunked layers: the hybrid allocator's figure); such logs are
    /// compared by bytes. <paramref name="Caveat"/> says what our description of the model leaves out.
    /// </summary>
    public sealed record StartupLog(string Log, ModelArchitecture Model, int Tp, int Pp, double Utilization, int MaxModelLen,
        double AvailableKvGiB, long Tokens, bool TokensComparable = true, string Caveat = "")
    {
        public override string ToString() => Log;
    }

    // ---- architectures (config.json of each checkpoint) ----------------------------------------------------------

    private static readonly ModelArchitecture CodeLlama7B = new()
    {
        Name = "CodeLlama-7b-hf", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 32,
        IntermediateSize = 11008, VocabSize = 32016,
    };

    private static readonly ModelArchitecture Qwen25_7B = new()
    {
        Name = "Qwen2.5-7B-Instruct", Layers = 28, HiddenSize = 3584, AttentionHeads = 28, KeyValueHeads = 4,
        IntermediateSize = 18944, VocabSize = 152064, AttentionBias = true,
    };

    private static readonly ModelArchitecture Qwen3_8B = new()
    {
        Name = "Qwen3-8B", Layers = 36, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, HeadDim = 128,
        IntermediateSize = 12288, VocabSize = 151936,
    };

    private static readonly ModelArchitecture Qwen3_30B_A3B = new()
    {
        Name = "Qwen3-30B-A3B", Layers = 48, HiddenSize = 2048, AttentionHeads = 32, KeyValueHeads = 4, HeadDim = 128,
        IntermediateSize = 6144, ExpertIntermediateSize = 768, Experts = 128, ActiveExperts = 8, VocabSize = 151936,
    };

    private static readonly ModelArchitecture Qwen15_MoE_A27B = new()
    {
        // shared_expert_intermediate_size 5632 = 4 experts of moe_intermediate_size 1408.
        Name = "Qwen1.5-MoE-A2.7B", Layers = 24, HiddenSize = 2048, AttentionHeads = 16, KeyValueHeads = 16,
        IntermediateSize = 5632, ExpertIntermediateSize = 1408, Experts = 60, ActiveExperts = 4, SharedExperts = 4,
        VocabSize = 151936, AttentionBias = true,
    };

    private static readonly ModelArchitecture DeepSeekV2Lite = new()
    {
        Name = "DeepSeek-V2-Lite-Chat", Layers = 27, HiddenSize = 2048, AttentionHeads = 16, HeadDim = 128,
        IntermediateSize = 10944, ExpertIntermediateSize = 1408, Experts = 64, ActiveExperts = 6, SharedExperts = 2,
        DenseLayers = 1, KvLoraRank = 512, QkRopeHeadDim = 64, ValueHeadDim = 128, VocabSize = 102400,
    };

    private static readonly ModelArchitecture Granite31_2B = new()
    {
        Name = "granite-3.1-2b-instruct", Layers = 40, HiddenSize = 2048, AttentionHeads = 32, KeyValueHeads = 8,
        IntermediateSize = 8192, VocabSize = 49155, TiedEmbeddings = true,
    };

    private static readonly ModelArchitecture Granite31_8B = new()
    {
        Name = "granite-3.1-8b-instruct", Layers = 40, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8,
        IntermediateSize = 12800, VocabSize = 49155, TiedEmbeddings = true,
    };

    private static readonly ModelArchitecture Phi2 = new()
    {
        Name = "phi-2", Layers = 32, HiddenSize = 2560, AttentionHeads = 32, KeyValueHeads = 32, IntermediateSize = 10240,
        VocabSize = 51200, AttentionBias = true, UngatedFfn = true,
    };

    private static readonly ModelArchitecture Phi4 = new()
    {
        Name = "phi-4", Layers = 40, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 10, IntermediateSize = 17920,
        VocabSize = 100352,
    };

    private static readonly ModelArchitecture Gemma7B = new()
    {
        Name = "gemma-7b", Layers = 28, HiddenSize = 3072, AttentionHeads = 16, KeyValueHeads = 16, HeadDim = 256,
        IntermediateSize = 24576, VocabSize = 256000, TiedEmbeddings = true,
    };

    private static readonly ModelArchitecture Gemma2_2B = new()
    {
        Name = "gemma-2-2b-it", Layers = 26, HiddenSize = 2304, AttentionHeads = 8, KeyValueHeads = 4, HeadDim = 256,
        IntermediateSize = 9216, VocabSize = 256000, TiedEmbeddings = true, SlidingWindow = 4096, SlidingWindowPattern = 2,
    };

    private static readonly ModelArchitecture Gemma2_9B = new()
    {
        Name = "gemma-2-9b-it", Layers = 42, HiddenSize = 3584, AttentionHeads = 16, KeyValueHeads = 8, HeadDim = 256,
        IntermediateSize = 14336, VocabSize = 256000, TiedEmbeddings = true, SlidingWindow = 4096, SlidingWindowPattern = 2,
    };

    private static readonly ModelArchitecture Gemma2_27B = new()
    {
        Name = "gemma-2-27b-it", Layers = 46, HiddenSize = 4608, AttentionHeads = 32, KeyValueHeads = 16, HeadDim = 128,
        IntermediateSize = 36864, VocabSize = 256000, TiedEmbeddings = true, SlidingWindow = 4096, SlidingWindowPattern = 2,
    };

    private static readonly ModelArchitecture GptOss20B = new()
    {
        Name = "gpt-oss-20b", Layers = 24, HiddenSize = 2880, AttentionHeads = 64, KeyValueHeads = 8, HeadDim = 64,
        IntermediateSize = 2880, ExpertIntermediateSize = 2880, Experts = 32, ActiveExperts = 4, VocabSize = 201088,
        AttentionBias = true, SlidingWindow = 128, SlidingWindowPattern = 2, Weights = Precision.Fp4,
    };

    private static readonly ModelArchitecture MistralSmall31 = new()
    {
        Name = "Mistral-Small-3.1-24B-Instruct-2503", Layers = 40, HiddenSize = 5120, AttentionHeads = 32, KeyValueHeads = 8,
        HeadDim = 128, IntermediateSize = 32768, VocabSize = 131072,
    };

    private static readonly ModelArchitecture Gemma3_4B = new()
    {
        Name = "gemma-3-4b-it", Layers = 34, HiddenSize = 2560, AttentionHeads = 8, KeyValueHeads = 4, HeadDim = 256,
        IntermediateSize = 10240, VocabSize = 262208, TiedEmbeddings = true, SlidingWindow = 1024, SlidingWindowPattern = 6,
    };

    private static readonly ModelArchitecture Gemma3_12B = Gemma3_4B with
    {
        Name = "gemma-3-12b-it", Layers = 48, HiddenSize = 3840, AttentionHeads = 16, KeyValueHeads = 8, IntermediateSize = 15360,
    };

    private static readonly ModelArchitecture Gemma3_27B = Gemma3_4B with
    {
        Name = "gemma-3-27b-it", Layers = 62, HiddenSize = 5376, AttentionHeads = 32, KeyValueHeads = 16, HeadDim = 128, IntermediateSize = 21504,
    };

    private static readonly ModelArchitecture Llama4Scout = new()
    {
        Name = "Llama-4-Scout-17B-16E-Instruct", Layers = 48, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 8, HeadDim = 128,
        IntermediateSize = 16384, ExpertIntermediateSize = 8192, Experts = 16, ActiveExperts = 1, SharedExperts = 1, VocabSize = 202048,
        AttentionChunkSize = 8192, SlidingWindowPattern = 4,
    };

    private static readonly ModelArchitecture Llama8B = ModelCatalog.Llama31_8B;
    private static readonly ModelArchitecture Llama70B = ModelCatalog.Llama31_70B;
    private static readonly ModelArchitecture Qwen72B = ModelCatalog.Qwen25_72B;

    private const string Multimodal = "multimodal: the vision tower and the encoder's profile run are not described";

    /// <summary>Every complete v0.19.0 log of the sweep whose model we can describe (docs/memory.md lists the rest and why).</summary>
    public static readonly StartupLog[] All =
    {
        new("meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log", Llama8B, 1, 1, 0.95, 8192, 58.11, 476_016),
        new("meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--2048.log", Llama8B, 1, 1, 0.95, 2048, 58.11, 476_016),
        new("meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--4096.log", Llama8B, 1, 1, 0.95, 4096, 58.11, 476_016),
        new("meta-llama-llama-3-1-8b--h100-80gb--tp1pp1dp1--16384.log", Llama8B, 1, 1, 0.95, 16384, 58.11, 476_016),
        new("meta-llama-llama-3-1-8b--h100-80gb--tp1pp1dp1--32768.log", Llama8B, 1, 1, 0.95, 32768, 58.11, 476_016),
        new("meta-llama-llama---h100-80gb--tp1pp1dp1--8192-dtbf16.log", Llama8B, 1, 1, 0.95, 8192, 58.11, 476_000),
        new("meta-llama-llama-3--h100-80gb--tp1pp1dp1--8192-dtf16.log", Llama8B with { Weights = Precision.Fp16, KvCache = Precision.Fp16 }, 1, 1, 0.95, 8192, 58.11, 476_016),
        new("meta-llama-llama-3--h100-80gb--tp1pp1dp1--8192-dtf32.log", Llama8B with { Weights = Precision.Fp32, KvCache = Precision.Fp32 }, 1, 1, 0.95, 8192, 42.80, 175_296),
        new("meta-llama---h100-80gb--tp1pp1dp1--8192-dtbf16-kvfp8.log", Llama8B with { KvCache = Precision.Fp8 }, 1, 1, 0.95, 8192, 58.11, 952_032),
        new("meta-llama-llama-3---h100-80gb--tp1pp1dp1--8192-qfp8.log", Llama8B with { Weights = Precision.Fp8 }, 1, 1, 0.95, 8192, 64.61, 529_248),
        new("meta-llama-llama-3-1-8b---h100-80gb--tp2pp1dp1--8192.log", Llama8B, 2, 1, 0.95, 8192, 63.76, 1_044_688),
        new("meta-llama-llama-3-1-8b---h100-80gb--tp4pp1dp1--8192.log", Llama8B, 4, 1, 0.95, 8192, 67.44, 2_209_792),
        // PP: vLLM logs "Available KV cache memory" for rank 0 only; the KV cache is sized by the last stage (sampler and LM
        // head: "Total non KV cache memory: 9.6GiB" at PP2, 6.34 at PP4), so the GiB here are 0.95 x 79.19 less that.
        new("meta-llama-llama-3-1-8b---h100-80gb--tp1pp2dp1--8192.log", Llama8B, 1, 2, 0.95, 8192, 65.63, 1_075_312),
        new("meta-llama-llama-3-1-8b---h100-80gb--tp1pp4dp1--8192.log", Llama8B, 1, 4, 0.95, 8192, 68.88, 2_257_264),
        new("w8a8-redhatai-llam--h100-80gb--tp1pp1dp1--8192-dtf16.log", Llama8B with { Weights = Precision.Int8, KvCache = Precision.Fp16 }, 1, 1, 0.95, 8192, 64.60, 529_200),
        new("w4a16-redhatai-lla--h100-80gb--tp1pp1dp1--8192-dtf16.log", Llama8B with { Weights = Precision.Int4, KvCache = Precision.Fp16 }, 1, 1, 0.95, 8192, 67.71, 554_704),
        new("fp8dyn-llama-3-3-70b--h100-80gb--tp2pp1dp1--8192.log", Llama70B with { Weights = Precision.Fp8 }, 2, 1, 0.95, 8192, 37.28, 244_304),
        new("fp8dyn-llama-3-3-70b--h100-80gb--tp4pp1dp1--8192.log", Llama70B with { Weights = Precision.Fp8 }, 4, 1, 0.95, 8192, 54.09, 708_992),
        new("redhatai-llama-3-3-70b-i--h100-80gb--tp2pp1dp1--8192.log", Llama70B with { Weights = Precision.Int8 }, 2, 1, 0.95, 8192, 37.28, 244_304),
        new("codellama-codellama-7b-h--h100-80gb--tp1pp1dp1--8192.log", CodeLlama7B, 1, 1, 0.95, 8192, 61.66, 126_256),
        new("qwen-qwen2-5-7b-instruct--h100-80gb--tp1pp1dp1--8192.log", Qwen25_7B, 1, 1, 0.95, 8192, 58.53, 1_096_000),
        new("qwen-qwen2-5-7b-instruct--h100-80gb--tp1pp1dp1--2048.log", Qwen25_7B, 1, 1, 0.95, 2048, 58.53, 1_096_000),
        new("qwen-qwen2-5-7b-instruct--h100-80gb--tp1pp1dp1--4096.log", Qwen25_7B, 1, 1, 0.95, 4096, 58.53, 1_096_000),
        new("qwen-qwen2-5-7b-instruc--h100-80gb--tp1pp1dp1--16384.log", Qwen25_7B, 1, 1, 0.95, 16384, 58.53, 1_095_968),
        new("qwen-qwen2-5-7b-instruc--h100-80gb--tp1pp1dp1--32768.log", Qwen25_7B, 1, 1, 0.95, 32768, 58.53, 1_096_000),
        new("qwen-qwen2-5-7b-i--h100-80gb--tp1pp1dp1--8192-dtbf16.log", Qwen25_7B, 1, 1, 0.95, 8192, 58.53, 1_096_000),
        new("qwen-qwen2---h100-80gb--tp1pp1dp1--8192-dtbf16-kvfp8.log", Qwen25_7B with { KvCache = Precision.Fp8 }, 1, 1, 0.95, 8192, 58.53, 2_192_000),
        new("qwen-qwen2-5-7b-instruct--h100-80gb--tp2pp1dp1--8192.log", Qwen25_7B, 2, 1, 0.95, 8192, 63.84, 2_390_592),
        new("qwen-qwen2-5-7b-instruct--h100-80gb--tp4pp1dp1--8192.log", Qwen25_7B, 4, 1, 0.95, 8192, 67.34, 5_043_280),
        new("fp8dyn-redhatai-qwen2-5---h100-80gb--tp1pp1dp1--8192.log", Qwen25_7B with { Weights = Precision.Fp8 }, 1, 1, 0.95, 8192, 64.64, 1_210_304),
        new("w8a8-redhatai-qwen2-5-7b--h100-80gb--tp1pp1dp1--8192.log", Qwen25_7B with { Weights = Precision.Int8 }, 1, 1, 0.95, 8192, 64.64, 1_210_272),
        new("qwen-qwen2-5-72b-instruc--h100-80gb--tp2pp1dp1--8192.log", Qwen72B, 2, 1, 0.95, 8192, 3.04, 19_920),
        new("moonshotai-kimi-dev-72b--h100-80gb--tp2pp1dp1--8192.log", Qwen72B, 2, 1, 0.95, 8192, 3.02, 19_776),
        new("moonshotai-kimi-dev-72b--h100-80gb--tp4pp1dp1--8192.log", Qwen72B, 4, 1, 0.95, 8192, 36.72, 481_296),
        new("qwen-qwen3-8b--h100-80gb--tp1pp1dp1--8192.log", Qwen3_8B, 1, 1, 0.95, 8192, 57.50, 418_688),
        new("qwen-qwen3-30b-a3b--h100-80gb--tp1pp1dp1--8192.log", Qwen3_30B_A3B, 1, 1, 0.95, 8192, 15.41, 168_288),
        new("qwen-qwen1-5-moe-a2-7b--h100-80gb--tp1pp1dp1--8192.log", Qwen15_MoE_A27B, 1, 1, 0.95, 8192, 45.83, 250_304),
        new("mistralai-mixtral-8x7b-i--h100-80gb--tp2pp1dp1--8192.log", ModelCatalog.Mixtral8x7B, 2, 1, 0.95, 8192, 28.44, 465_936),
        new("deepseek-ai-deepseek-v2---h100-80gb--tp1pp1dp1--8192.log", DeepSeekV2Lite, 1, 1, 0.95, 8192, 43.61, 1_505_552),
        new("granite-3-1-2b--h100-80gb--tp1pp1dp1--8192.log", Granite31_2B, 1, 1, 0.95, 8192, 69.28, 908_048),
        new("granite-3-1-8b--h100-80gb--tp1pp1dp1--8192.log", Granite31_8B, 1, 1, 0.95, 8192, 58.66, 384_432),
        new("ibm-granite-granite-3-3---h100-80gb--tp1pp1dp1--8192.log", Granite31_8B with { Name = "granite-3.3-8b-instruct", VocabSize = 49159 }, 1, 1, 0.95, 8192, 58.66, 384_432),
        new("microsoft-phi-2--h100-80gb--tp1pp1dp1--2048.log", Phi2, 1, 1, 0.95, 2048, 69.00, 226_112),
        new("microsoft-phi-4--h100-80gb--tp1pp1dp1--8192.log", Phi4, 1, 1, 0.95, 8192, 46.08, 241_568),
        new("google-gemma-7b--h100-80gb--tp1pp1dp1--8192.log", Gemma7B, 1, 1, 0.95, 8192, 55.44, 129_760),
        new("google-gemma-2-2b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma2_2B, 1, 1, 0.95, 8192, 66.47, 670_160, TokensComparable: false),
        new("google-gemma-2-9b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma2_9B, 1, 1, 0.95, 8192, 54.12, 168_880, TokensComparable: false),
        new("google-gemma-2-27b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma2_27B, 1, 1, 0.95, 8192, 20.59, 58_672, TokensComparable: false),
        new("openai-gpt-oss-20b--h100-80gb--tp2pp1dp1--8192.log", GptOss20B, 2, 1, 0.90, 8192, 59.32, 2_591_776, TokensComparable: false,
            Caveat: "MXFP4 experts; attention is BF16 in the checkpoint, DeploySpec's Weights = Fp4 takes it as 4-bit"),
        new("google-gemma-3-4b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma3_4B, 1, 1, 0.95, 8192, 62.51, 468_144, TokensComparable: false, Caveat: Multimodal),
        new("google-gemma-3-12b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma3_12B, 1, 1, 0.95, 8192, 47.72, 130_304, TokensComparable: false, Caveat: Multimodal),
        new("google-gemma-3-27b-it--h100-80gb--tp1pp1dp1--8192.log", Gemma3_27B, 1, 1, 0.95, 8192, 19.53, 36_560, TokensComparable: false, Caveat: Multimodal),
        new("meta-llama-llama-4-scout--h100-80gb--tp4pp1dp1--8192.log", Llama4Scout, 4, 1, 0.95, 8192, 16.75, 365_968, TokensComparable: false, Caveat: Multimodal),
        new("mistralai-mistral-small---h100-80gb--tp1pp1dp1--8192.log", MistralSmall31, 1, 1, 0.95, 8192, 28.19, 184_752, Caveat: Multimodal),
        new("w8a8-mistral-small-24b--h100-80gb--tp1pp1dp1--8192.log", MistralSmall31 with { Weights = Precision.Int8 }, 1, 1, 0.95, 8192, 48.73, 319_344, Caveat: Multimodal),
        new("w8a8-mistral-small-24b--h100-80gb--tp2pp1dp1--8192.log", MistralSmall31 with { Weights = Precision.Int8 }, 2, 1, 0.95, 8192, 59.02, 773_584, Caveat: Multimodal),
    };

    /// <summary>
    /// The logs the capacity is held to, one of each kind: dense TP1, dense FP8 at TP2, a 72B whose KV cache is small next
    /// to its weights (3 GiB of 75), two mixtures of experts (TP1 and TP2), an FP8 KV cache. See <see cref="All"/> for the
    /// conditions of each.
    /// </summary>
    public static TheoryData<string> Held => new()
    {
        "meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log",
        "fp8dyn-llama-3-3-70b--h100-80gb--tp2pp1dp1--8192.log",
        "qwen-qwen2-5-72b-instruc--h100-80gb--tp2pp1dp1--8192.log",
        "qwen-qwen3-30b-a3b--h100-80gb--tp1pp1dp1--8192.log",
        "mistralai-mixtral-8x7b-i--h100-80gb--tp2pp1dp1--8192.log",
        "meta-llama---h100-80gb--tp1pp1dp1--8192-dtbf16-kvfp8.log",
    };

    [Theory]
    [MemberData(nameof(Held))]
    public void Kv_capacity_is_within_five_percent_of_the_logged_one_and_never_above_it(string file)
    {
        var log = All.Single(l => l.Log == file);
        var (ours, logged, unit, _) = Compare(log);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}{1}: logged {2:N0} {4}, DeploySpec {3:N0} {4}", Sweep, file, logged, ours, unit));
        Assert.True(ours <= logged, $"over-promised: {ours:N0} {unit} > {logged:N0} {unit} logged");
        Assert.True(ours >= 0.95 * logged, $"more than 5% under: {ours:N0} {unit} < 0.95 x {logged:N0} {unit}");
    }

    /// <summary>
    /// Every log of <see cref="All"/>: the ones whose model is fully described within 3% and at most 0.5% above (the
    /// residue is what vLLM loads beyond the parameters, 0.01-0.17 GiB, and Granite's non-torch memory); multimodal
    /// ones and gpt-oss are reported, not held (their caveat says why). docs/memory.md carries the same table
    /// (<c>DEPLOYSPEC_ACCEPT_SNAPSHOTS=1</c> rewrites it).
    /// </summary>
    [Fact]
    public void Every_mapped_log_agrees_and_docs_memory_md_carries_the_table()
    {
        string table = Table();
        output.WriteLine(table);
        foreach (var log in All.Where(l => l.Caveat.Length == 0))
        {
            double error = Error(log);
            Assert.True(error <= 0.005 && error >= -0.03, $"{log.Log}: {error:+0.0%;-0.0%}");
        }

        string path = Path.Combine(CalibrationTests.RepositoryRoot(), "docs", "memory.md");
        string doc = File.ReadAllText(path).Replace("\r\n", "\n");
        int begin = doc.IndexOf(TableBegin, StringComparison.Ordinal), end = doc.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/memory.md has no {TableBegin} ... {TableEnd} block");
        string current = doc.Substring(begin + TableBegin.Length, end - begin - TableBegin.Length);
        if (current != "\n" + table && Environment.GetEnvironmentVariable("DEPLOYSPEC_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, doc.Substring(0, begin + TableBegin.Length) + "\n" + table + doc.Substring(end));
            return;
        }

        Assert.True(current == "\n" + table, "docs/memory.md's startup-log table is stale: rerun with DEPLOYSPEC_ACCEPT_SNAPSHOTS=1 after reviewing the printed table.");
    }

    private const string TableBegin = "<!-- startup-log table: EngineStartupLogTests -->";
    private const string TableEnd = "<!-- end of startup-log table -->";

    /// <summary>The table docs/memory.md carries: each log, what vLLM logged, what DeploySpec computes, the error; then the summary.</summary>
    internal static string Table()
    {
        var text = new StringBuilder();
        text.Append("| log (").Append(Sweep).Append(") | TP/PP | vLLM logged | DeploySpec | error |\n|---|---|---|---|---|\n");
        foreach (var log in All)
        {
            var (ours, logged, unit, _) = Compare(log);
            string format = unit == "GiB" ? "{0:0.00} GiB" : "{0:N0}";
            text.Append(string.Format(CultureInfo.InvariantCulture, "| `{0}`{1} | {2}/{3} | {4} | {5} | {6} |\n",
                log.Log, log.Caveat.Length > 0 ? " (" + log.Caveat + ")" : "", log.Tp, log.Pp,
                string.Format(CultureInfo.InvariantCulture, format, logged), string.Format(CultureInfo.InvariantCulture, format, ours), Percent(Error(log))));
        }

        text.Append('\n').Append(Summary("every log", All)).Append('\n')
            .Append(Summary("fully described models (no caveat)", All.Where(l => l.Caveat.Length == 0).ToArray())).Append('\n');
        return text.ToString();
    }

    private static string Summary(string which, IReadOnlyList<StartupLog> logs)
    {
        var errors = logs.Select(Error).ToArray();
        var abs = errors.Select(Math.Abs).OrderBy(e => e).ToArray();
        double median = abs.Length % 2 == 1 ? abs[abs.Length / 2] : (abs[abs.Length / 2 - 1] + abs[abs.Length / 2]) / 2;
        var worst = logs[Array.IndexOf(errors, errors.Max())];
        return string.Format(CultureInfo.InvariantCulture, "- {0}: {1} logs, median |error| {2:0.00%}, worst over-promise {3} (`{4}`), worst under-promise {5}, over-promised: {6}",
            which, logs.Count, median, Percent(errors.Max()), worst.Log, Percent(errors.Min()), errors.Count(e => e > 0));
    }

    private static string Percent(double error) => error.ToString("+0.00%;-0.00%;0.00%", CultureInfo.InvariantCulture);

    private static double Error(StartupLog log)
    {
        var (ours, logged, _, _) = Compare(log);
        return (ours - logged) / logged;
    }

    /// <summary>The deployment the log ran, in DeploySpec's terms: the model on H100 80GB, its TP and PP, the logged utilization, max_num_seqs 1024, max_model_len as the request length.</summary>
    internal static DeploymentSpec Deployment(StartupLog log) => new()
    {
        Name = "Log",
        Model = log.Model,
        Cluster = new ClusterSpec { Name = "H100", Gpu = Gpu.H100Sxm, GpusPerNode = 8, Nodes = 1 },
        InputTokens = log.MaxModelLen / 2,
        OutputTokens = log.MaxModelLen / 2,
        Engine = ServingEngine.Vllm,
        MemoryFraction = log.Utilization,
        MaxBatchSize = 1024,
    };

    /// <summary>Our KV capacity and the logged one: tokens (whole 16-token blocks) where vLLM's token figure is bytes / bytes per token, else GiB.</summary>
    internal static (double Ours, double Logged, string Unit, MemoryBreakdown Memory) Compare(StartupLog log)
    {
        var m = MemoryModel.PerGpu(Deployment(log), new Degrees(log.Tp, log.Pp, 1, 1));
        if (!log.TokensComparable)
        {
            return (m.KvCacheBytes / GiB, log.AvailableKvGiB, "GiB", m);
        }

        double blocks = Math.Floor(m.KvCacheBytes / (m.KvBytesPerTokenPerGpu * 16));
        return (blocks * 16, log.Tokens, "tokens", m);
    }

    // ---- other engines and other vLLM versions (docs/memory.md, worked figures) ----------------------------------

    private static readonly ModelArchitecture Qwen3_235B_A22B_Fp8 = new()
    {
        Name = "Qwen3-235B-A22B-FP8", Layers = 94, HiddenSize = 4096, AttentionHeads = 64, KeyValueHeads = 4, HeadDim = 128,
        IntermediateSize = 12288, ExpertIntermediateSize = 1536, Experts = 128, ActiveExperts = 8, VocabSize = 151936,
        Weights = Precision.Fp8,
    };

    private static readonly ModelArchitecture QwQ32B = new()
    {
        Name = "QwQ-32B", Layers = 64, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 8, HeadDim = 128,
        IntermediateSize = 27648, VocabSize = 152064, AttentionBias = true,
    };

    private static readonly ModelArchitecture Llama2_7B = new()
    {
        Name = "Llama-2-7b-hf", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 32, IntermediateSize = 11008,
        VocabSize = 32000,
    };

    private static readonly ClusterSpec H100 = new() { Name = "H100", Gpu = Gpu.H100Sxm, GpusPerNode = 8, Nodes = 1 };

    private static DeploymentSpec On(ModelArchitecture model, ClusterSpec cluster, ServingEngine engine, double fraction, int batch) => new()
    {
        Name = "Log", Model = model, Cluster = cluster, InputTokens = 1024, OutputTokens = 1024, Engine = engine, MemoryFraction = fraction,
        MaxBatchSize = batch,
    };

    private double Kv(string what, DeploymentSpec d, int tp, double loggedGiB)
    {
        var m = MemoryModel.PerGpu(d, new Degrees(tp, 1, 1, 1));
        double ours = m.KvCacheBytes / GiB;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: logged {1:0.00} GiB, DeploySpec {2:0.00} GiB ({3}); weights {4:0.00} GiB, activations {5:0.00} GiB",
            what, loggedGiB, ours, Percent((ours - loggedGiB) / loggedGiB), m.WeightsBytes / GiB, m.ActivationsBytes / GiB));
        return ours;
    }

    /// <summary>
    /// SGLang: KV = mem_fraction_static x (memory free when it starts loading) - weights. S1 is the issue's
    /// <c>--tp 4 --mem-fraction-static 0.93</c> run on 4 x H100 ("KV Cache is allocated. #tokens: 367404, K size: 8.23 GB,
    /// V size: 8.23 GB", 16.46 GiB per GPU); S2 QwQ-32B on 4 x L4 at the default 0.85 (K 1.42 + V 1.42 GB), from
    /// other-engine-logs.md. Neither is over-promised; S2 is under-promised to "does not fit" (docs/memory.md says why).
    /// </summary>
    [Fact]
    public void Sglang_kv_pool_is_not_above_its_logs()
    {
        Assert.True(Kv("https://github.com/vllm-project/vllm/issues/21348 (SGLang, Qwen3-235B-A22B-FP8, TP4, 0.93)",
            On(Qwen3_235B_A22B_Fp8, H100, ServingEngine.Sglang, 0.93, 1024), 4, 16.46) <= 16.46);
        var l4 = new ClusterSpec { Name = "L4", Gpu = Gpu.L4, GpusPerNode = 4, Nodes = 1 };
        Assert.True(Kv("SGLang QwQ-32B on 4 x L4, TP4, 0.85", On(QwQ32B, l4, ServingEngine.Sglang, 0.85, 1024), 4, 2.84) <= 2.84);
    }

    /// <summary>
    /// TensorRT-LLM: KV = free_gpu_memory_fraction x the memory free after weights, runtime buffers and a dry run.
    /// T2 (TensorRT-LLM 0.19, C++ runtime, RTX 5090 at 31.84 GiB, Llama-3.1-8B FP8 with an FP8 KV cache, 0.9, max batch
    /// 2048): "Allocated 16.05 GiB for max tokens in paged KV cache (263008)". T3 (TensorRT-LLM 0.20, PyTorch backend,
    /// H100, the same model, 0.8, 4096 requests): https://github.com/NVIDIA/TensorRT-LLM/issues/6294 allocated 52.51 GiB,
    /// capped by max_tokens, so the fraction's pool is at least that. T1 (TensorRT-LLM 0.12, C++ runtime, trtllm-bench at
    /// 4096 requests) is over-promised by 8% and is pinned here so a change to it is seen (docs/memory.md).
    /// </summary>
    [Fact]
    public void TensorRtLlm_kv_pool_against_its_logs()
    {
        var rtx5090 = new ClusterSpec { Name = "RTX 5090", Accelerator = new AcceleratorSpec { Name = "RTX 5090", MemoryGiB = 31.84, MemoryBandwidthTBps = 1.8, Bf16Tflops = 209.5 }, GpusPerNode = 1, Nodes = 1 };
        var llamaFp8 = Llama8B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        double t2 = Kv("TensorRT-LLM 0.19, RTX 5090, Llama-3.1-8B FP8, 0.9, batch 2048 (NVIDIA/TensorRT-LLM#4275)", On(llamaFp8, rtx5090, ServingEngine.TensorRtLlm, 0.9, 2048), 1, 16.05);
        Assert.InRange(t2, 0.95 * 16.05, 1.005 * 16.05);
        double t3 = Kv("TensorRT-LLM 0.20 PyTorch backend, H100, Llama-3.1-8B FP8, 0.8, 4096 requests (NVIDIA/TensorRT-LLM#6294, a lower bound)", On(llamaFp8, H100, ServingEngine.TensorRtLlm, 0.8, 4096), 1, 52.51);
        Assert.True(t3 <= 52.51);
        double t1 = Kv("TensorRT-LLM 0.12 trtllm-bench, 80 GB GPU, Llama-2-7B FP8, 0.99, batch 4096 (perf-benchmarking.md)", On(Llama2_7B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, H100, ServingEngine.TensorRtLlm, 0.99, 4096), 1, 62.99);
        Assert.InRange(t1, 62.99, 1.10 * 62.99);
    }

    /// <summary>
    /// vLLM before v0.17 sampled with a sort over the vocabulary: the llm-d-planner version sweep (same harness,
    /// Qwen3-14B, H100, 0.95; accuracy/results/version-sweep/runs/*.json at the same commit) logs a torch peak of 5.64 GiB
    /// up to v0.16 and 2.23 GiB from v0.17. https://github.com/vllm-project/vllm/issues/21348 (mid-2025, Qwen3-235B-A22B-FP8,
    /// TP4, default 0.9, LMCache connector) logged 8.11 GiB: DeploySpec's v0.17+ figure is 31% above it, and the old
    /// sampler's extra 3.4 GiB explains the gap (docs/memory.md). Pinned so a change is seen.
    /// </summary>
    [Fact]
    public void Vllm_before_0_17_kept_more_for_its_sampler()
    {
        double ours = Kv("vLLM ~0.9/0.10, Qwen3-235B-A22B-FP8, TP4, 0.9 (vllm#21348)", On(Qwen3_235B_A22B_Fp8, H100, ServingEngine.Vllm, 0.9, 1024), 4, 8.11);
        double oldSampler = (38.4 - 15) * 1024 * 151936 / GiB;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "with the pre-0.17 sampler (38.4 instead of 15 bytes per logit): {0:0.00} GiB", ours - oldSampler));
        Assert.InRange(ours - oldSampler, 0.8 * 8.11, 8.11);
    }
}
