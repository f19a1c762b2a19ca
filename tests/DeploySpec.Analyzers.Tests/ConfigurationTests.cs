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
    /// harness does not pass the latter through, so this builds both from a parsed AnalyzerConfigSet).
    /// </summary>
    private static async Task<(string Id, DiagnosticSeverity Severity, string Text)[]> RunAsync(string editorConfig)
    {
        const string path = "/src/Test.cs";
        var markup = Specs.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", "");
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(markup, path: path);
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(AnalyzerConfig.Parse(editorConfig, "/src/.editorconfig")));
        var result = set.GetOptionsForSourcePath(path);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Test", new[] { tree }, DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithSyntaxTreeOptionsProvider(new TreeOptions(result.TreeOptions)));
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigOptionsProvider(result.AnalyzerOptions));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpecAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.Id != Verify.Extrapolation)
            .Select(d => (d.Id, d.Severity, markup.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)))
            .OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
    }

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

    private sealed class ConfigOptionsProvider(ImmutableDictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    [Fact]
    public void Every_rule_has_a_help_page_a_release_entry_and_a_known_category()
    {
        string root = typeof(ConfigurationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        string releases = File.ReadAllText(Path.Combine(root, "analyzers", "DeploySpec.Analyzers", "AnalyzerReleases.Unshipped.md"));
        var rules = new DeploySpecAnalyzer().SupportedDiagnostics;
        Assert.Equal(rules.Length, rules.Select(r => r.Id).Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.Equal(Descriptors.HelpLinkBase + rule.Id + ".md", rule.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", rule.Id + ".md")), $"docs/diagnostics/{rule.Id}.md is missing");
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
