using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace DeploySpec.Tests.Shared;

/// <summary>
/// Offline compilation references for tests: the installed SDK's Microsoft.NETCore.App.Ref pack for the running
/// .NET version (nothing is downloaded), falling back to the running runtime's own assemblies, plus DeploySpec.dll and DeploySpec.Engine.dll (generated code restores its plan table with the engine).
/// Linked into every test project that compiles user code.
/// </summary>
internal static class ReferencePack
{
    private static readonly Lazy<MetadataReference[]> s_references = new(Load);

    public static IReadOnlyList<MetadataReference> WithDeploySpec => s_references.Value;

    private static MetadataReference[] Load()
    {
        string dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string? refDirectory = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0))
                .Select(d => Path.Combine(d, "ref", "net" + Environment.Version.Major + ".0"))
                .FirstOrDefault(Directory.Exists)
            : null;
        IEnumerable<string> files = refDirectory is not null
            ? Directory.GetFiles(refDirectory, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll");
        return files.OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.Engine.Planning.CompiledDeployment).Assembly.Location))
            .ToArray();
    }
}
