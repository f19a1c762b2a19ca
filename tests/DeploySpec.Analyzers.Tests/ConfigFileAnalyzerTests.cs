using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

public class ConfigFileAnalyzerTests
{
    private const string Llama8BConfig = """
        { "model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,
          "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256, "torch_dtype": "bfloat16" }
        """;

    private const string Deployment = """
        [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 1)] public partial class OneH100 { }
        [Deployment(typeof(Llama8B), typeof(OneH100))] public partial class Chat { }
        """;

    [Fact]
    public async Task A_model_from_a_config_file_plans_without_diagnostics()
    {
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model(ConfigFile = \"models/llama-8b/config.json\")] public partial class Llama8B { } " + Deployment },
            new[] { ("/0/models/llama-8b/config.json", Llama8BConfig) });
    }

    [Fact]
    public async Task An_unknown_model_type_with_the_standard_fields_is_a_warning_and_still_planned()
    {
        // Only DS1012: no DS1009, and the deployment's capacity checks run (a Llama 8B shape fits one H100, so none fire).
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model({|#0:ConfigFile = \"config.json\"|})] public partial class Llama8B { } " + Deployment },
            new[] { ("/0/config.json", Llama8BConfig.Replace("\"llama\"", "\"olmo2\"")) },
            Diagnostic(Descriptors.UnknownModelType).WithLocation(0).WithArguments("Llama8B",
                "config.json: unknown model_type 'olmo2', read as a dense transformer from its standard fields (num_hidden_layers, hidden_size, num_attention_heads, num_key_value_heads, head_dim, intermediate_size, vocab_size); windows, experts and other layer kinds it may have are not modelled (supported: llama, mistral, mixtral, qwen2, qwen3, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, gpt_oss, kimi_k2, glm4_moe, phi3, granite, gemma2, gemma3, gemma3_text, mistral3, qwen3_next, nemotron_h, llama4)"));
    }

    [Fact]
    public async Task An_unknown_model_type_missing_a_standard_field_is_still_an_error()
    {
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model({|#0:ConfigFile = \"config.json\"|})] public partial class Llama8B { } " + Deployment },
            new[] { ("/0/config.json", Llama8BConfig.Replace("\"llama\"", "\"olmo2\"").Replace("\"intermediate_size\": 14336,", "")) },
            Diagnostic(Descriptors.InvalidConfigFile).WithLocation(0).WithArguments("Llama8B", "config.json: missing field 'intermediate_size'"),
            Diagnostic(Descriptors.InvalidConfigFile).WithLocation(0).WithArguments("Llama8B",
                "config.json: unknown model_type 'olmo2' without the fields of a dense transformer (supported: llama, mistral, mixtral, qwen2, qwen3, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, gpt_oss, kimi_k2, glm4_moe, phi3, granite, gemma2, gemma3, gemma3_text, mistral3, qwen3_next, nemotron_h, llama4)"));
    }

    [Fact]
    public async Task A_missing_file_is_reported_at_the_config_file_argument()
    {
        await AnalyzerAsync(
            "using DeploySpec; [Model({|#0:ConfigFile = \"models/missing/config.json\"|})] public partial class Llama8B { } " + Deployment,
            Diagnostic(Descriptors.InvalidConfigFile).WithLocation(0).WithArguments("Llama8B",
                "config file 'models/missing/config.json' is not among the project's AdditionalFiles (add <AdditionalFiles Include=\"models/missing/config.json\" />)"));
    }

    [Fact]
    public async Task Malformed_json_names_the_file_line_and_column()
    {
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model({|#0:ConfigFile = \"config.json\"|})] public partial class Llama8B { } " + Deployment },
            new[] { ("/0/config.json", "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,,\n}") },
            Diagnostic(Descriptors.InvalidConfigFile).WithLocation(0).WithArguments("Llama8B",
                "config.json is not valid JSON: expected a quoted member name (line 3, column 23)"));
    }

    [Fact]
    public async Task An_invalid_value_from_the_file_is_reported_at_config_file_and_one_from_the_attribute_at_its_argument()
    {
        string negative = Llama8BConfig.Replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": -32");
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model({|#0:ConfigFile = \"config.json\"|}, {|#1:VocabSize = -5|})] public partial class Llama8B { } " + Deployment },
            new[] { ("/0/config.json", negative) },
            Diagnostic(Descriptors.InvalidModel).WithLocation(0).WithArguments("Llama8B", "Layers must be positive, but is -32 (from config.json)"),
            Diagnostic(Descriptors.InvalidModel).WithLocation(1).WithArguments("Llama8B", "VocabSize must be positive, but is -5"));
    }

    [Fact]
    public async Task A_config_file_model_that_does_not_fit_is_checked_like_any_other()
    {
        string bf16_70b = Llama8BConfig.Replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": 80").Replace("\"hidden_size\": 4096", "\"hidden_size\": 8192")
            .Replace("\"num_attention_heads\": 32", "\"num_attention_heads\": 64").Replace("\"intermediate_size\": 14336", "\"intermediate_size\": 28672");
        await AnalyzerWithFilesAsync(
            new[] { "using DeploySpec; [Model(ConfigFile = \"config.json\")] public partial class Llama8B { } [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 1)] public partial class OneH100 { } [Deployment(typeof(Llama8B), {|#0:typeof(OneH100)|})] public partial class Chat { }" },
            new[] { ("/0/config.json", bf16_70b) },
            Id(Descriptors.FitsNoPlan).WithLocation(0));
    }
}
