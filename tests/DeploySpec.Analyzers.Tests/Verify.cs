using DeploySpec.Analyzers;
using DeploySpec.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace DeploySpec.Analyzers.Tests;

/// <summary>
/// Analyzer and code-fix tests that run offline: the testing library's reference assemblies are left empty and the
/// installed SDK's reference pack (plus DeploySpec.dll) is added instead, so nothing is downloaded.
/// </summary>
public static class Verify
{
    private static readonly ReferenceAssemblies Offline = new("net10.0");

    private static MetadataReference[] ReferenceList => DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec.ToArray();

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>A diagnostic matched by ID, severity and location only (code-fix tests do not re-check messages).</summary>
    public static DiagnosticResult Id(DiagnosticDescriptor descriptor) => new(descriptor.Id, descriptor.DefaultSeverity);

    public static async Task AnalyzerAsync(string[] sources, params DiagnosticResult[] expected) =>
        await AnalyzerWithFilesAsync(sources, Array.Empty<(string, string)>(), expected);

    /// <summary>
    /// DS4005 (info: estimates extrapolated beyond the calibration data) fires on most of the tests' specs (405B,
    /// MoE, pipeline plans); the tests of other rules leave it out, and <see cref="AnalyzerWithExtrapolationAsync"/>
    /// keeps it.
    /// </summary>
    public const string Extrapolation = "DS4005";

    public static async Task AnalyzerWithExtrapolationAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<DeploySpecAnalyzer, DefaultVerifier> { ReferenceAssemblies = Offline };
        test.TestState.Sources.Add(("/0/Test0.cs", source));
        test.TestState.AdditionalReferences.AddRange(ReferenceList);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    public static async Task AnalyzerWithFilesAsync(string[] sources, (string Path, string Text)[] additionalFiles, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<DeploySpecAnalyzer, DefaultVerifier> { ReferenceAssemblies = Offline };
        test.DisabledDiagnostics.Add(Extrapolation);
        foreach (var (path, text) in additionalFiles)
        {
            test.TestState.AdditionalFiles.Add((path, text));
        }

        foreach (var (source, i) in sources.Select((s, i) => (s, i)))
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", source));
        }

        test.TestState.AdditionalReferences.AddRange(ReferenceList);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) => AnalyzerAsync(new[] { source }, expected);

    /// <summary>Applies the code fix with <paramref name="equivalenceKey"/> and compares every file with <paramref name="fixedSources"/>.</summary>
    public static async Task CodeFixAsync(string[] sources, string[] fixedSources, string equivalenceKey, DiagnosticResult[] expected, DiagnosticResult[]? remaining = null, int incrementalIterations = 1)
    {
        var test = new CSharpCodeFixTest<DeploySpecAnalyzer, DeploySpecCodeFixProvider, DefaultVerifier>
        {
            ReferenceAssemblies = Offline,
            CodeActionEquivalenceKey = equivalenceKey,
            NumberOfFixAllIterations = 1,
            NumberOfIncrementalIterations = incrementalIterations,
        };
        test.DisabledDiagnostics.Add(Extrapolation);
        for (int i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        test.TestState.AdditionalReferences.AddRange(ReferenceList);
        test.FixedState.AdditionalReferences.AddRange(ReferenceList);
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(remaining ?? Array.Empty<DiagnosticResult>());
        await test.RunAsync();
    }
}
