// The generator's first run in a fresh process: what every command-line build pays before it plans anything.
//   dotnet run -c Release --project tools/scale/FirstRun -- ANALYZER_DIR SPECS.cs [REFERENCE_DIR]
// Compiles SPECS.cs once without the generator (so the compiler's own first-use work is done), then runs the
// DeploySpec generator from ANALYZER_DIR three times on fresh compilations, and prints each run's wall time and the
// methods the JIT compiled during it (System.Runtime.JitInfo), with the namespaces that took most of them.
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Reflection;
using System.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FirstRun ANALYZER_DIR SPECS.cs [REFERENCE_DIR]");
    return 2;
}

string analyzers = args[0], source = File.ReadAllText(args[1]), references = args.Length > 2 ? args[2] : analyzers;
string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
var metadata = Directory.GetFiles(framework, "*.dll")
    .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
    .Select(p => { try { return MetadataReference.CreateFromFile(p); } catch (BadImageFormatException) { return null; } })
    .Where(r => r is not null)
    .Concat(new[] { "DeploySpec.dll", "DeploySpec.Engine.dll" }.Select(f => MetadataReference.CreateFromFile(Path.Combine(references, f))))
    .ToArray();
var generator = (IIncrementalGenerator)Activator.CreateInstance(
    Assembly.LoadFrom(Path.Combine(analyzers, "DeploySpec.Generators.dll")).GetType("DeploySpec.Generators.DeploymentGenerator", throwOnError: true)!)!;

Compilation Fresh() => CSharpCompilation.Create("Scale",
    new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview)) }, metadata!,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

var clock = Stopwatch.StartNew();
Fresh().GetDiagnostics();
Console.WriteLine($"compiler warm-up (bind the sources without the generator): {clock.ElapsedMilliseconds} ms");

using var listener = new JitListener();
Thread.Sleep(200); // the runtime's event source attaches asynchronously
for (int run = 0; run < 3; run++)
{
    var compilation = Fresh();
    listener.Recording = run == 0;
    long methods = JitInfo.GetCompiledMethodCount(false);
    var jit = JitInfo.GetCompilationTime(false);
    clock.Restart();
    var result = CSharpGeneratorDriver.Create(generator).RunGenerators(compilation).GetRunResult();
    clock.Stop();
    listener.Recording = false;
    Console.WriteLine($"generator run {run}: {clock.Elapsed.TotalMilliseconds:F0} ms, {result.GeneratedTrees.Length} files, " +
        $"JIT {JitInfo.GetCompiledMethodCount(false) - methods} methods in {(JitInfo.GetCompilationTime(false) - jit).TotalMilliseconds:F0} ms");
}

Console.WriteLine("methods JIT-compiled in run 0, by namespace (first three parts):");
foreach (var group in listener.Methods.GroupBy(Namespace).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(12))
{
    Console.WriteLine($"  {group.Count(),5}  {group.Key}");
}

return 0;

static string Namespace(string method)
{
    string type = method.Split("::")[0];
    int generic = type.IndexOfAny(new[] { '`', '[', '+' });
    var parts = (generic < 0 ? type : type[..generic]).Split('.');
    return string.Join('.', parts.Take(3));
}

/// <summary>Names of the methods the JIT compiles while <see cref="Recording"/> (the runtime's MethodJittingStarted event).</summary>
internal sealed class JitListener : EventListener
{
    public readonly System.Collections.Concurrent.ConcurrentQueue<string> Methods = new();

    public volatile bool Recording;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10); // JIT keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (Recording && e.EventName == "MethodJittingStarted_V1" && e.Payload is { Count: > 5 } payload)
        {
            Methods.Enqueue(payload[4] + "::" + payload[5]);
        }
    }
}
