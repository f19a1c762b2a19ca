using System.IO;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DeploySpec.Generators.Tests.Infrastructure;

/// <summary>
/// Compilations against the .NET reference assemblies of the installed SDK (offline: nothing is downloaded),
/// plus the DeploySpec runtime assembly.
/// </summary>
public static class TestCompilation
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_references = new(LoadReferences);

    public static IReadOnlyList<MetadataReference> References => s_references.Value;

    public static CSharpCompilation Create(params string[] sources) => CSharpCompilation.Create(
        "TestAssembly",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: $"Source{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var references = new List<MetadataReference>();
        string runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string? refDirectory = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0)))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "ref", "net" + Environment.Version.Major + ".0"))
                .FirstOrDefault(Directory.Exists)
            : null;

        IEnumerable<string> files = refDirectory is not null
            ? Directory.GetFiles(refDirectory, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll");
        foreach (string file in files.OrderBy(f => f, StringComparer.Ordinal))
        {
            references.Add(MetadataReference.CreateFromFile(file));
        }

        references.Add(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location));
        return references;
    }
}
