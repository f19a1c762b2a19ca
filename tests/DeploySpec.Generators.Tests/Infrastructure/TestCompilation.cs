using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DeploySpec.Generators.Tests.Infrastructure;

/// <summary>
/// Compilations against the offline reference pack (tests/Shared/ReferencePack.cs) plus DeploySpec.dll.
/// </summary>
public static class TestCompilation
{
    public static IReadOnlyList<MetadataReference> References => DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec;

    public static CSharpCompilation Create(params string[] sources) => CSharpCompilation.Create(
        "TestAssembly",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: $"Source{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}
