using System.IO;
using System.Reflection;
using DeploySpec.Engine.Models;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Parsing;
using DeploySpec.Parsing.Json;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DeploySpec.Generators.Tests;

public class ConfigFileTests
{
    private static string ModelsDirectory => Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples", "models");

    private static string Config(string name) => File.ReadAllText(Path.Combine(ModelsDirectory, name, "config.json"));

    // Each shipped config.json against the reference architecture (docs/models.md), with the precision the file states.
    public static TheoryData<string, string, Precision, Precision> ShippedConfigs => new()
    {
        { "llama-3.1-8b", "Llama 3.1 8B", Precision.Bf16, Precision.Bf16 },
        { "llama-3.1-70b", "Llama 3.1 70B", Precision.Bf16, Precision.Bf16 },
        { "llama-3.1-405b", "Llama 3.1 405B", Precision.Bf16, Precision.Bf16 },
        { "llama-3.1-405b-fp8", "Llama 3.1 405B", Precision.Fp8, Precision.Bf16 },
        { "llama-2-70b", "Llama 2 70B", Precision.Fp16, Precision.Fp16 },
        { "mixtral-8x7b", "Mixtral 8x7B", Precision.Bf16, Precision.Bf16 },
        { "qwen2.5-72b", "Qwen2.5 72B", Precision.Bf16, Precision.Bf16 },
        { "deepseek-v3", "DeepSeek-V3", Precision.Fp8, Precision.Bf16 },
        { "gpt-oss-120b", "GPT-OSS 120B", Precision.Fp4, Precision.Bf16 },
        { "llama-4-scout", "Llama 4 Scout", Precision.Bf16, Precision.Bf16 },
        { "llama-4-maverick", "Llama 4 Maverick", Precision.Bf16, Precision.Bf16 },
    };

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void Shipped_configs_parse_to_the_reference_architecture(string directory, string catalogName, Precision weights, Precision kvCache)
    {
        var problems = new List<string>();
        var parsed = HuggingFaceConfig.Read(Config(directory), directory + "/config.json", problems);
        Assert.Empty(problems);
        var expected = ModelCatalog.All.Single(m => m.Name == catalogName) with { Weights = weights, KvCache = kvCache };
        Assert.Equal(expected, parsed! with { Name = catalogName, Checkpoint = "" });
        Assert.Equal(ModelMath.TotalParameters(expected), ModelMath.TotalParameters(parsed!));
    }

    public static TheoryData<string, string> BrokenConfigs => new()
    {
        { "{ \"model_type\": \"llama\", \"hidden_size\": 4096 ", "config.json is not valid JSON: expected ',' or '}' (line 1, column 46)" },
        { "{ \"model_type\": \"llama\",\n  \"hidden_size\": 40.5 }", "config.json: field 'hidden_size' must be a whole number" },
        { "{ \"model_type\": \"bert\" }", "config.json: unknown model_type 'bert' without the fields of a dense transformer (supported: llama, mistral, mixtral, qwen2, qwen3, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, gpt_oss, kimi_k2, glm4_moe, phi3, granite, gemma2, gemma3, gemma3_text, mistral3, qwen3_next, nemotron_h, llama4)" },
        { "{ \"model_type\": \"bert\" }", "config.json: missing field 'num_hidden_layers'" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 4096, \"num_attention_heads\": 32, \"vocab_size\": 32000, \"intermediate_size\": 11008 }", "config.json: missing field 'num_hidden_layers'" },
        { "[1, 2, 3]", "config.json: the top level must be a JSON object" },
        { "{ \"model_type\": \"llama\", \"quantization_config\": { \"quant_method\": \"bitsandbytes\" } }", "config.json: quantization_config.quant_method 'bitsandbytes' is not one DeploySpec knows (fp8, fbgemm_fp8, compressed-tensors, mxfp4, modelopt, awq, gptq); set Weights on [Model]" },
        { new string('[', 100) + new string(']', 100), "config.json is not valid JSON: nesting deeper than 64 levels (line 1, column 66)" },
        { "\"" + new string('x', BoundedJson.MaxCharacters) + "\"", "config.json is not valid JSON: the file has 4,194,306 characters, more than the 4,194,304 a model config may have (line 1, column 1)" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void Broken_or_hostile_files_give_a_problem_naming_the_file_and_field_and_never_throw(string json, string expected)
    {
        var problems = new List<string>();
        HuggingFaceConfig.Read(json, "config.json", problems);
        Assert.Contains(expected, problems);
    }

    [Fact]
    public void A_config_of_an_unknown_model_type_with_the_standard_fields_is_planned_with_a_warning()
    {
        const string FileForm = """
            using DeploySpec;
            namespace Acme.Serving;
            [Model(ConfigFile = "config.json", KvCache = Precision.Fp8, Checkpoint = "Llama405B")]
            public partial class Llama405B { }
            """;
        var unknown = Config("llama-3.1-405b-fp8").Replace("\"model_type\": \"llama\"", "\"model_type\": \"olmo2\"");
        var problems = new List<string>();
        var warnings = new List<string>();
        var parsed = HuggingFaceConfig.Read(unknown, "config.json", problems, warnings);
        Assert.Empty(problems);
        Assert.StartsWith("config.json: unknown model_type 'olmo2', read as a dense transformer", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(ModelCatalog.Llama31_405B with { Weights = Precision.Fp8 }, parsed! with { Name = "Llama 3.1 405B" });

        // The warning does not make the generator decline the deployment: it plans exactly what the llama file plans.
        var run = GeneratorHarness.RunWithFiles(new AdditionalText[] { new InMemoryAdditionalText("/p/config.json", unknown) }, FileForm, Sources.HgxH200, Sources.Chat);
        var llama = GeneratorHarness.RunWithFiles(new AdditionalText[] { new InMemoryAdditionalText("/p/config.json", Config("llama-3.1-405b-fp8")) }, FileForm, Sources.HgxH200, Sources.Chat);
        Assert.Equal(llama.Sources.Single().SourceText.ToString(), run.Sources.Single().SourceText.ToString());
        Assert.DoesNotContain("has errors", run.Sources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_values_win_over_the_file_and_paths_match_by_suffix()
    {
        var files = new[] { new AdditionalFileText("/repo/app/models/llama-3.1-70b/config.json", Config("llama-3.1-70b")) };
        var declaration = new ModelDeclaration(
            new TypeDeclarationSpec("", EquatableArray<ContainingTypeSpec>.Empty, "class", "Llama70B", "global::Llama70B", true, false),
            new ModelArchitecture { Name = "Llama70B", Weights = Precision.Fp8 },
            IsValid: true,
            ConfigFile: "models\\llama-3.1-70b\\config.json",
            SpecifiedProperties: new[] { "Weights" }.ToEquatableArray());
        var problems = new List<ResolveProblem>();
        var resolved = ModelResolver.Resolve(declaration, path => ModelResolver.Find(files, path), problems);
        Assert.Empty(problems);
        Assert.True(resolved.IsValid);
        Assert.Equal(ModelCatalog.Llama31_70B with { Name = "Llama70B", Checkpoint = "", Weights = Precision.Fp8 }, resolved.Model);

        var missing = ModelResolver.Resolve(declaration with { ConfigFile = "models/other/config.json" }, path => ModelResolver.Find(files, path), problems);
        Assert.False(missing.IsValid);
        Assert.Contains("is not among the project's AdditionalFiles", Assert.Single(problems).Message);
    }

    [Fact]
    public void A_config_file_model_generates_exactly_what_the_attribute_form_does()
    {
        var attributeForm = GeneratorHarness.Run(Sources.Llama405B, Sources.HgxH200, Sources.Chat).Sources.Single().SourceText.ToString();
        const string FileForm = """
            using DeploySpec;
            namespace Acme.Serving;

            // Meta's FP8 checkpoint keeps a BF16 KV cache by default; the attribute asks for FP8 KV, as the attribute form does.
            // The checkpoint would default to the config's folder; it is pinned to the attribute form's default to compare the rest.
            [Model(ConfigFile = "models/llama-3.1-405b-fp8/config.json", KvCache = Precision.Fp8, Checkpoint = "Llama405B")]
            public partial class Llama405B { }
            """;
        var file = new InMemoryAdditionalText("/project/models/llama-3.1-405b-fp8/config.json", Config("llama-3.1-405b-fp8"));
        var fromFile = GeneratorHarness.RunWithFiles(new AdditionalText[] { file }, FileForm, Sources.HgxH200, Sources.Chat).Sources.Single().SourceText.ToString();
        Assert.Equal(attributeForm, fromFile);
    }

    [Fact]
    public void Editing_the_config_file_replans_and_a_broken_file_plans_nothing()
    {
        const string FileForm = """
            using DeploySpec;
            namespace Acme.Serving;
            [Model(ConfigFile = "config.json")]
            public partial class Llama405B { }
            """;
        var compilation = TestCompilation.Create(FileForm, Sources.HgxH200, Sources.Chat);
        var original = new InMemoryAdditionalText("/p/config.json", Config("llama-3.1-405b-fp8"));
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        var edited = new InMemoryAdditionalText("/p/config.json", Config("llama-3.1-405b-fp8").Replace("\"num_hidden_layers\": 126", "\"num_hidden_layers\": 120"));
        var replanned = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation);
        Assert.NotEqual(before, replanned.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString());

        var broken = new InMemoryAdditionalText("/p/config.json", "{ \"model_type\": ");
        var declined = replanned.ReplaceAdditionalText(edited, broken).RunGenerators(compilation).GetRunResult();
        Assert.Contains("public string Table => \"!its model Acme.Serving.Llama405B has errors\";", declined.Results.Single().GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
        Assert.Null(declined.Results.Single().Exception);
    }

    [Fact]
    public void Json_files_no_model_names_are_never_read()
    {
        const string FileForm = """
            using DeploySpec;
            namespace Acme.Serving;
            [Model(ConfigFile = "models/llama-3.1-405b-fp8/config.json", KvCache = Precision.Fp8)]
            public partial class Llama405B { }
            """;
        var files = new AdditionalText[]
        {
            new InMemoryAdditionalText("/project/models/llama-3.1-405b-fp8/config.json", Config("llama-3.1-405b-fp8")),
            new UnreadableAdditionalText("/project/appsettings.json"),
        };
        var run = GeneratorHarness.RunWithFiles(files, FileForm, Sources.HgxH200, Sources.Chat);
        Assert.Single(run.Sources);
        Assert.Null(run.Result.Results.Single().Exception);
    }

    private sealed class UnreadableAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException(Path + " was read although no model names it");
    }
}
