using System.Collections.Immutable;
using System.Threading;
using DeploySpec.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Generators.Tests.Infrastructure;

/// <summary>
/// What a real build sees: the generator, then the compiler and the DeploySpec analyzers on the output. Generator
/// and analyzer exceptions are collected (CS8784/CS8785 and AD0001 in a real build) instead of thrown.
/// </summary>
public sealed record FullBuild(
    Compilation Output,
    IReadOnlyList<GeneratedSourceResult> Generated,
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlyList<string> Crashes,
    IReadOnlyList<DeploymentEmit> Emits)
{
    /// <summary>Time spent in the generator and in the compiler plus analyzers, summed over every run (for the fuzz report).</summary>
    public static long GeneratorTicks, AnalyzerTicks;

    public static FullBuild Run(IReadOnlyList<(string Path, string Text)> sources, IReadOnlyList<(string Path, string Text)>? files = null)
    {
        var compilation = CSharpCompilation.Create(
            "FullBuild",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: s.Path)),
            TestCompilation.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var additional = (files ?? Array.Empty<(string, string)>()).Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var driver = GeneratorHarness.CreateDriver(additional.ToArray()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Interlocked.Add(ref GeneratorTicks, clock.ElapsedTicks);
        clock.Restart();
        var result = driver.GetRunResult().Results.Single();
        var crashes = new List<string>();
        if (result.Exception is not null)
        {
            crashes.Add("generator: " + result.Exception);
        }

        crashes.AddRange(generatorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785").Select(d => d.ToString()));
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(additional), (e, _, _) => crashes.Add("analyzer: " + e),
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpecAnalyzer()), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        Interlocked.Add(ref AnalyzerTicks, clock.ElapsedTicks);
        crashes.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
        var emits = result.TrackedSteps.TryGetValue(TrackingNames.Plans, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Value).OfType<DeploymentEmit>().ToList()
            : new List<DeploymentEmit>();
        return new FullBuild(output, result.GeneratedSources, diagnostics.Concat(generatorDiagnostics).ToList(), crashes, emits);
    }

    public static FullBuild Run(params string[] sources) => Run(sources.Select((s, i) => ($"Source{i}.cs", s)).ToList());

    /// <summary>Errors and warnings the compiler reports inside generated code.</summary>
    public IEnumerable<Diagnostic> InGeneratedCode => Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning &&
        d.Location.SourceTree?.FilePath.EndsWith(Parsing.GeneratedMembers.HintSuffix, StringComparison.Ordinal) == true);

    public IEnumerable<Diagnostic> DeploySpecErrors => Diagnostics.Where(d => d.Id.StartsWith("DS", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// The plan tables the generated code restores at run time, restored here by the same engine: what the generated
    /// members will return. Throws where generated code would throw on first use.
    /// </summary>
    public IReadOnlyList<DeploySpec.Engine.Planning.CompiledDeployment> Restored =>
        Planned.Select(e => DeploySpec.Engine.Planning.CompiledDeployment.Restore(e.Spec, e.Table)).ToList();

    /// <summary>The deployments that were planned (not those that got members marked not planned).</summary>
    public IReadOnlyList<DeploymentEmit> Planned => Emits.Where(e => e.Unplanned is null).ToList();

    /// <summary>
    /// Nothing was planned: every generated file, if any, holds members marked not planned (a deployment with
    /// errors keeps its members so that code using them binds).
    /// </summary>
    public FullBuild AssertNothingPlanned()
    {
        Xunit.Assert.Empty(Planned);
        Xunit.Assert.Equal(Generated.Count, Emits.Count);
        return this;
    }

    /// <summary>No crash, and whatever was generated compiles without errors or warnings.</summary>
    public FullBuild AssertSound()
    {
        Xunit.Assert.True(Crashes.Count == 0, string.Join("\n", Crashes));
        var generated = InGeneratedCode.ToList();
        Xunit.Assert.True(generated.Count == 0, "generated code has diagnostics:\n" + string.Join("\n", generated));
        return this;
    }

    public FullBuild AssertReported(string id, string? messagePart = null)
    {
        Xunit.Assert.True(Diagnostics.Any(d => d.Id == id && (messagePart is null || d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(messagePart, StringComparison.Ordinal))),
            $"expected {id} ({messagePart}); got:\n" + string.Join("\n", Diagnostics));
        return this;
    }
}
