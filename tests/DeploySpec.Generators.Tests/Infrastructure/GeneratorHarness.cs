using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DeploySpec.Generators.Tests.Infrastructure;

/// <summary>The result of running the generator once, checked for compile errors, caching and leaked Roslyn objects.</summary>
public sealed record GeneratorRun(Compilation Output, GeneratorDriverRunResult Result, GeneratorDriver Driver)
{
    public IReadOnlyList<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

    public string Source(string hintName) => Sources.Single(s => s.HintName == hintName).SourceText.ToString();
}

/// <summary>An additional file held in memory.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
        Microsoft.CodeAnalysis.Text.SourceText.From(text);
}

public static class GeneratorHarness
{
    public static GeneratorDriver CreateDriver(params AdditionalText[] additionalTexts) => CSharpGeneratorDriver.Create(
        new[] { new DeploymentGenerator().AsSourceGenerator() },
        additionalTexts: additionalTexts,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Runs the generator on <paramref name="sources"/>, asserts the output compiles without errors or warnings
    /// from generated code, reruns on a clone of the compilation and asserts every tracked step is cached, and
    /// walks the tracked outputs to prove no Roslyn object (symbol, syntax, location, compilation) is held.
    /// </summary>
    public static GeneratorRun Run(params string[] sources) => RunWithFiles(Array.Empty<AdditionalText>(), sources);

    public static GeneratorRun RunWithFiles(AdditionalText[] files, params string[] sources)
    {
        var compilation = TestCompilation.Create(sources);
        var driver = CreateDriver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var generatedErrors = output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true)
            .ToList();
        Assert.True(generatedErrors.Count == 0, "Generated code has diagnostics:\n" + string.Join("\n", generatedErrors));
        var result = driver.GetRunResult();

        AssertNoRoslynObjects(result);
        AssertReferenceTypeOutputs(result);
        var rerun = driver.RunGenerators(compilation.Clone()).GetRunResult();
        AssertAllCached(rerun);
        return new GeneratorRun(output, result, driver);
    }

    /// <summary>Asserts every output of every tracked step is Cached or Unchanged.</summary>
    public static void AssertAllCached(GeneratorDriverRunResult rerun)
    {
        var steps = rerun.Results.Single().TrackedSteps;
        foreach (string name in TrackingNames.All)
        {
            if (!steps.TryGetValue(name, out var runs))
            {
                continue; // a step with no input (e.g. no [Cluster] in this compilation) does not run
            }

            foreach (var output in runs.SelectMany(r => r.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {name} re-ran with reason {output.Reason}");
            }
        }
    }

    /// <summary>
    /// Asserts every tracked step outputs a reference type. A value type (a struct, a tuple) in the pipeline makes
    /// the JIT compile Roslyn's generic node code for it again in every build (docs/performance.md).
    /// </summary>
    public static void AssertReferenceTypeOutputs(GeneratorDriverRunResult result)
    {
        foreach (var (name, runs) in result.Results.Single().TrackedSteps)
        {
            if (!TrackingNames.All.Contains(name))
            {
                continue;
            }

            foreach (var (value, _) in runs.SelectMany(r => r.Outputs))
            {
                Assert.True(value is null || !value.GetType().IsValueType, $"step {name} outputs the value type {value?.GetType()}");
            }
        }
    }

    public static void AssertNoRoslynObjects(GeneratorDriverRunResult result)
    {
        foreach (var (name, runs) in result.Results.Single().TrackedSteps)
        {
            if (!TrackingNames.All.Contains(name))
            {
                continue;
            }

            foreach (var (value, _) in runs.SelectMany(r => r.Outputs))
            {
                Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static readonly Type[] Forbidden = { typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree) };

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is decimal)
        {
            return;
        }

        var type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a Roslyn {type.Name}");
        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", seen);
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), path + "." + field.Name, seen);
            }
        }
    }
}
