using System.IO;
using System.Reflection;
using DeploySpec.Analyzers;
using Microsoft.CodeAnalysis;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace DeploySpec.Analyzers.Tests;

public class ConfigurationTests
{
    private const string Specs = """
        using DeploySpec;
        [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama405B { }
        [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
        [Deployment(typeof(Llama405B), typeof(HgxH200), TensorParallel = 1, {|#0:PipelineParallel = 8|}, {|#1:MaxTimePerOutputTokenMs = 1|})]
        public partial class Chat { }
        """;

    /// <summary>
    /// Runs the analyzer the way the compiler does with an .editorconfig: per-ID severities through the
    /// compilation's syntax-tree options, category-wide ones through the analyzer options (the testing library's
    /// harness does not pass the latter through, so this builds both from a parsed AnalyzerConfigSet). MSBuild
    /// properties come as the SDK passes them, in a global config (<paramref name="globalConfig"/>).
    /// </summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string editorConfig, string globalConfig = "is_global = true", string source = "")
    {
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(
            AnalyzerConfig.Parse(editorConfig, "/src/.editorconfig"), AnalyzerConfig.Parse(globalConfig, "/.globalconfig")));
        var result = set.GetOptionsForSourcePath(SourcePath);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Test", new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Source + source, path: SourcePath) },
            DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithSyntaxTreeOptionsProvider(new TreeOptions(result.TreeOptions)));
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigOptionsProvider(result.AnalyzerOptions, set.GlobalConfigOptions.AnalyzerOptions));
        return await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpecAnalyzer()), options).GetAnalyzerDiagnosticsAsync();
    }

    private const string SourcePath = "/src/Test.cs";

    private static readonly string Source = Specs.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", "");

    private static async Task<(string Id, DiagnosticSeverity Severity, string Text)[]> RunAsync(string editorConfig) =>
        (await AnalyzeAsync(editorConfig)).Where(d => d.Id != Verify.Extrapolation)
            .Select(d => (d.Id, d.Severity, Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)))
            .OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Severity_is_configurable_per_id_and_per_category()
    {
        // PP8 splits 126 layers unevenly (DS3003, a warning); 1 ms per token is out of reach (DS4001, a warning).
        var found = await RunAsync("""
            root = true
            [*.cs]
            dotnet_diagnostic.DS3003.severity = none
            dotnet_analyzer_diagnostic.category-DeploySpec.Performance.severity = error
            """);
        Assert.Equal(new[] { ("DS4001", DiagnosticSeverity.Error, "MaxTimePerOutputTokenMs = 1") }, found);
    }

    [Fact]
    public async Task Defaults_apply_without_configuration()
    {
        var found = await RunAsync("root = true");
        Assert.Equal(new[]
        {
            ("DS3003", DiagnosticSeverity.Warning, "PipelineParallel = 8"),
            ("DS4001", DiagnosticSeverity.Warning, "MaxTimePerOutputTokenMs = 1"),
        }, found);
    }

    private static string HelpLinkBase(string value) => "is_global = true\nbuild_property.DeploySpecHelpLinkBase = " + value;

    [Fact]
    public async Task Without_a_help_link_base_the_link_is_empty()
    {
        var found = await AnalyzeAsync("root = true");
        Assert.Contains(found, d => d.Id == "DS3003");
        Assert.All(found, d => Assert.Equal("", d.Descriptor.HelpLinkUri));
    }

    [Fact]
    public async Task A_help_link_base_links_every_diagnostic_to_its_page_there()
    {
        // A declaration error (DS1xxx, from the parser's problems) and the engine's findings about a deployment.
        const string invalidModel = "\n[Model(Layers = -1, HiddenSize = 4096, AttentionHeads = 32, IntermediateSize = 14336, VocabSize = 32000)] public partial class Broken { }";
        var found = await AnalyzeAsync("root = true", HelpLinkBase("https://example.test/ds/"), invalidModel);
        Assert.Equal(new[] { "DS1001", "DS3003", "DS4001" }, found.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(found, d => Assert.Equal("https://example.test/ds/" + d.Id + ".md", d.Descriptor.HelpLinkUri));
        var uneven = found.Single(d => d.Id == "DS3003");
        Assert.Equal(Descriptors.UnevenStages.MessageFormat, uneven.Descriptor.MessageFormat); // only the link differs
        Assert.Equal(Descriptors.UnevenStages.DefaultSeverity, uneven.Descriptor.DefaultSeverity);
        Assert.Equal(Descriptors.UnevenStages.Category, uneven.Descriptor.Category);

        // The descriptors for a base are built once, not per compilation or per symbol.
        var again = await AnalyzeAsync("root = true", HelpLinkBase("https://example.test/ds/"));
        Assert.Same(uneven.Descriptor, again.Single(d => d.Id == "DS3003").Descriptor);
    }

    [Fact]
    public async Task A_help_link_base_is_written_as_a_well_formed_uri()
    {
        var found = await AnalyzeAsync("root = true", HelpLinkBase("file:///opt/deploy spec/docs/diagnostics/"));
        Assert.Equal("file:///opt/deploy%20spec/docs/diagnostics/DS3003.md", found.Single(d => d.Id == "DS3003").Descriptor.HelpLinkUri);
    }

    [Fact]
    public async Task A_help_link_base_that_is_not_an_absolute_uri_is_DS1008_and_gives_no_links()
    {
        var found = await AnalyzeAsync("root = true", HelpLinkBase("docs/diagnostics/"));
        var invalid = found.Single(d => d.Id == "DS1008");
        Assert.Equal("MSBuild property DeploySpecHelpLinkBase must be an absolute URI (such as https://example.com/deployspec/ or file:///...), but is 'docs/diagnostics/'",
            invalid.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(found, d => d.Id == "DS3003"); // the planning defaults are fine: deployments are still judged
        Assert.All(found, d => Assert.Equal("", d.Descriptor.HelpLinkUri));
    }

    private sealed class TreeOptions(ImmutableDictionary<string, ReportDiagnostic> severities) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, System.Threading.CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, System.Threading.CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            severities.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, System.Threading.CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }

    private sealed class ConfigOptionsProvider(ImmutableDictionary<string, string> values, ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options = new(values);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    [Fact]
    public async Task A_project_wide_batch_limit_above_a_vllm_deployments_token_budget_is_DS1003_at_the_budget()
    {
        // DeploySpecMaxBatchSize = 1024 for the project, MaxBatchedTokens = 512 on one deployment: vLLM would refuse to
        // start, so the check runs on the spec with the project's defaults in, not on the attribute alone.
        const string Budget = """

            [Deployment(typeof(Llama405B), typeof(HgxH200), MaxBatchedTokens = 512)] public partial class Batch { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), MaxBatchedTokens = 2048)] public partial class Roomy { }
            """;
        string culture(Diagnostic d) => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        var found = await AnalyzeAsync("root = true", "is_global = true\nbuild_property.DeploySpecMaxBatchSize = 1024", Budget);
        var invalid = Assert.Single(found, d => d.Id == "DS1003");
        Assert.Equal("Deployment 'Batch': MaxBatchedTokens 512 is below MaxBatchSize 1024: each running request takes a token of every iteration, so vLLM refuses to start " +
            "(max_num_batched_tokens must be at least max_num_seqs); raise MaxBatchedTokens to 1024 or lower MaxBatchSize to 512", culture(invalid));
        Assert.Equal("MaxBatchedTokens = 512", invalid.Location.SourceTree!.ToString().Substring(invalid.Location.SourceSpan.Start, invalid.Location.SourceSpan.Length));
        Assert.Empty((await AnalyzeAsync("root = true", "is_global = true", Budget)).Where(d => d.Id == "DS1003"));
    }

    [Fact]
    public async Task The_project_wide_token_budget_applies_where_a_deployment_sets_none_and_is_checked_like_its_own()
    {
        // A vLLM deployment with a batch limit of 1024 under a project budget of 512: vLLM would refuse it (DS1003); one
        // with its own budget keeps it. A fractional budget is DS1008 and plans nothing.
        const string Batch = """

            [Deployment(typeof(Llama405B), typeof(HgxH200), MaxBatchSize = 1024)] public partial class Batch { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), MaxBatchSize = 1024, MaxBatchedTokens = 2048)] public partial class Own { }
            """;
        string culture(Diagnostic d) => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        var found = await AnalyzeAsync("root = true", "is_global = true\nbuild_property.DeploySpecMaxBatchedTokens = 512", Batch);
        var invalid = Assert.Single(found, d => d.Id == "DS1003");
        Assert.Equal("Deployment 'Batch': MaxBatchedTokens 512 is below MaxBatchSize 1024: each running request takes a token of every iteration, so vLLM refuses to start " +
            "(max_num_batched_tokens must be at least max_num_seqs); raise MaxBatchedTokens to 1024 or lower MaxBatchSize to 512", culture(invalid));

        var fractional = await AnalyzeAsync("root = true", "is_global = true\nbuild_property.DeploySpecMaxBatchedTokens = 512.5", Batch);
        Assert.Contains(fractional, d => d.Id == "DS1008" && culture(d) == "MSBuild property DeploySpecMaxBatchedTokens must be a whole number, but is 512.5");
        Assert.DoesNotContain(fractional, d => d.Id == "DS1003");
    }

    [Fact]
    public void Every_rule_has_a_help_page_an_index_row_a_release_entry_and_a_known_category()
    {
        string root = typeof(ConfigurationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        string releases = File.ReadAllText(Path.Combine(root, "analyzers", "DeploySpec.Analyzers", "AnalyzerReleases.Unshipped.md"));
        string index = File.ReadAllText(Path.Combine(root, "docs", "diagnostics", "README.md"));
        var rules = new DeploySpecAnalyzer().SupportedDiagnostics;
        Assert.Equal(DeploySpec.Engine.Diagnosis.Rules.All.Select(r => r.Id), rules.Select(r => r.Id)); // the rule table, every row
        Assert.Equal(rules.Length, rules.Select(r => r.Id).Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.Equal("", rule.HelpLinkUri); // the link comes from the project's DeploySpecHelpLinkBase, when it has one
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", rule.Id + ".md")), $"docs/diagnostics/{rule.Id}.md is missing");
            Assert.Contains($"| [{rule.Id}]({rule.Id}.md) | {rule.Title} | {rule.Category} | {rule.DefaultSeverity} |", index);
            Assert.Contains($"{rule.Id} | {rule.Category} | {rule.DefaultSeverity} |", releases);
            Assert.Contains(rule.Category, new[] { Descriptors.Specification, Descriptors.Capacity, Descriptors.Performance });
        }
    }
}

public class FindingsCacheTests
{
    [Fact]
    public void An_unchanged_spec_is_a_lookup_and_a_changed_one_is_planned_again()
    {
        DeploySpec.Engine.Planning.DeploymentSpec Spec(int gpus) => new()
        {
            Name = "Chat",
            Model = DeploySpec.Engine.Models.ModelCatalog.Llama31_70B,
            Cluster = new DeploySpec.Engine.Planning.ClusterSpec { Name = "Box", Gpu = Gpu.H200Sxm, GpusPerNode = gpus },
        };

        var first = FindingsCache.Explain(Spec(1), default);
        Assert.Same(first, FindingsCache.Explain(Spec(1), default)); // an equal spec built anew: the same findings object
        var other = FindingsCache.Explain(Spec(2), default);
        Assert.NotSame(first, other);
        Assert.NotEmpty(first);  // 70B BF16 on one H200 fits no plan
        Assert.All(other, f => Assert.Equal(DeploySpec.Engine.Diagnosis.RuleSeverity.Info, f.Rule.Severity)); // on two it does (BF16: extrapolated, DS4005)
    }
}
