using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Package.Tests;

/// <summary>
/// Packs DeploySpec into a local folder feed and uses it the way a customer would: a fresh project whose only
/// DeploySpec reference is a PackageReference, restored offline from that feed into its own package folder (so a
/// stale cached package can never be picked up), built and run with the real SDK.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "deployspec-consumer-" + Guid.NewGuid().ToString("N"));

    public PackageConsumerTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private const string Specs = """
        using DeploySpec;
        namespace Consumer;

        [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama405B { }

        [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1)]
        public partial class HgxH200 { }

        [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 2048, OutputTokens = 128)]
        public partial class Chat { }
        """;

    private const string Program = """
        using System;
        using System.Globalization;
        using System.Linq;
        using Consumer;

        var tp8 = Chat.Plans.Single(p => p.Pool.TensorParallel == 8 && p.Pool.PipelineParallel == 1);
        var pp8 = Chat.Plans.Single(p => p.Pool.TensorParallel == 1 && p.Pool.PipelineParallel == 8);
        double ratio = Chat.Estimate(tp8, 1).OutputTokensPerSecondPerUser / Chat.Estimate(pp8, 1).OutputTokensPerSecondPerUser;
        Console.WriteLine("MinLatency=" + Chat.MinLatency);
        Console.WriteLine("Plans=" + Chat.Plans.Count);
        Console.WriteLine("Ratio=" + ratio.ToString("F2", CultureInfo.InvariantCulture));
        Console.WriteLine("Tp8KvGiB=" + tp8.Pool.MemoryPerGpu.KvCacheGiB.ToString("F3", CultureInfo.InvariantCulture));
        var engine = DeploySpec.Engine.Models.ModelCatalog.Llama31_405B; // the engine is in lib/ for run-time use
        Console.WriteLine("EngineLayers=" + engine.Layers);
        Console.WriteLine("Report=" + Chat.ToMarkdown().Split('\n')[0]);
        Console.WriteLine("Launch=" + DeploySpec.Launch.EngineLaunch.Vllm(Chat.Facts, Chat.MinLatency).Commands[0]);
        Console.WriteLine("Svg=" + Chat.FrontierSvg().StartsWith("<svg", StringComparison.Ordinal));
        """;

    [Fact]
    public void A_consumer_with_only_a_package_reference_gets_plans_knobs_and_diagnostics()
    {
        string feed = Pack();
        string app = CreateConsumer("App", Specs, Program);

        var run = Dotnet($"run --project \"{app}\"", app);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("MinLatency=TP8 x PP1 x DP1", run.Output);
        Assert.Contains("EngineLayers=126", run.Output);
        Assert.Contains("Report=# Deployment Chat", run.Output);
        Assert.Contains("Launch=vllm serve Llama405B --tensor-parallel-size 8 --pipeline-parallel-size 1", run.Output);
        Assert.Contains("Svg=True", run.Output);
        double ratio = Value(run.Output, "Ratio");
        Assert.InRange(ratio, 4.8, 6.4);

        // The MSBuild knob reaches the generator: 0.80 instead of vLLM's 0.90 leaves 10% of 140.4 GiB less for KV.
        var tighter = Dotnet($"run --project \"{app}\" -p:DeploySpecMemoryFraction=0.80", app);
        Assert.True(tighter.ExitCode == 0, tighter.Output);
        Assert.Equal(14.04, Value(run.Output, "Tp8KvGiB") - Value(tighter.Output, "Tp8KvGiB"), 2);

        // A bad knob and a model that cannot fit are reported by the packaged analyzers.
        File.WriteAllText(Path.Combine(app, "Broken.cs"), """
            using DeploySpec;
            namespace Consumer;
            [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256)]
            public partial class Llama70B { }
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1)] public partial class OneH200 { }
            [Deployment(typeof(Llama70B), typeof(OneH200))] public partial class SmallBox { }
            """);
        var broken = Dotnet($"build \"{app}\" -p:DeploySpecSafetyMarginGiB=lots", app);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error DS1008: MSBuild property DeploySpecSafetyMarginGiB must be a number between 0 and 1024, but is 'lots'", broken.Output);
        // The compiler's SARIF log holds each rule's help link (the console does not print it); %2C and %3D are MSBuild's
        // escapes for the ',' and '=' of "file,version=2.1".
        string sarif = Path.Combine(_work, "misfit.sarif");
        var misfit = Dotnet($"build \"{app}\" -p:ErrorLog=\"{sarif}%2Cversion%3D2.1\"", app);
        Assert.NotEqual(0, misfit.ExitCode);
        Assert.Matches(@"Broken\.cs\(6,31\): error DS2001: Deployment 'SmallBox': Llama70B fits no plan on OneH200", misfit.Output);
        Assert.DoesNotContain("CS8032", misfit.Output); // every analyzer assembly loaded

        // By default the help link is the rule's page in the restored package, as a file URI that opens.
        string link = HelpLink(sarif, "DS2001");
        Assert.StartsWith("file:///", link, StringComparison.Ordinal);
        Assert.EndsWith("/docs/diagnostics/DS2001.md", link, StringComparison.Ordinal);
        string page = new Uri(link).LocalPath;
        Assert.StartsWith(Path.Combine(_work, "packages"), page, StringComparison.Ordinal);
        Assert.StartsWith("# DS2001:", File.ReadAllText(page), StringComparison.Ordinal);
        _ = feed;
    }

    [Fact]
    public void The_package_holds_exactly_the_promised_layout()
    {
        using var zip = ZipFile.OpenRead(Directory.GetFiles(Pack(), "DeploySpec.*.nupkg").Single());
        var files = zip.Entries.Select(e => e.FullName).Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml").OrderBy(n => n, StringComparer.Ordinal).ToArray();
        // Every rule page of the repository (ConfigurationTests checks there is one per rule) and the pages they link to.
        var pages = Directory.GetFiles(Path.Combine(Metadata("RepositoryRoot"), "docs", "diagnostics"), "*.md").Select(f => "docs/diagnostics/" + Path.GetFileName(f));
        Assert.Equal(new[]
        {
            "DeploySpec.nuspec",
            "README.md",
            "analyzers/dotnet/cs/DeploySpec.Analyzers.dll",
            "analyzers/dotnet/cs/DeploySpec.CodeFixes.dll",
            "analyzers/dotnet/cs/DeploySpec.Engine.dll",
            "analyzers/dotnet/cs/DeploySpec.Generators.dll",
            "analyzers/dotnet/cs/DeploySpec.Parsing.dll",
            "analyzers/dotnet/cs/DeploySpec.dll",
            "build/DeploySpec.props",
            "buildTransitive/DeploySpec.props",
            "docs/accuracy.md",
            "docs/cost-model.md",
            "docs/disaggregated.md",
            "docs/hardware.md",
            "docs/memory.md",
            "docs/models.md",
            "lib/netstandard2.0/DeploySpec.Engine.dll",
            "lib/netstandard2.0/DeploySpec.Engine.xml",
            "lib/netstandard2.0/DeploySpec.dll",
            "lib/netstandard2.0/DeploySpec.xml",
        }.Concat(pages).OrderBy(n => n, StringComparer.Ordinal), files);
        Assert.Contains("docs/diagnostics/DS2001.md", files);
        Assert.Contains("docs/diagnostics/README.md", files);

        // A link between the shipped pages opens the page it names (links to the web are left alone).
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("docs/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            foreach (Match link in Regex.Matches(reader.ReadToEnd(), @"\]\(([^)#\s:]+)(#[^)]*)?\)"))
            {
                string target = Resolve(entry.FullName, link.Groups[1].Value);
                Assert.True(files.Contains(target), $"{entry.FullName} links to {link.Groups[1].Value}, which the package does not hold");
            }
        }

        using var nuspec = new StreamReader(zip.GetEntry("DeploySpec.nuspec")!.Open());
        string text = nuspec.ReadToEnd();
        Assert.DoesNotContain("<developmentDependency>true", text);
        Assert.DoesNotContain("<dependency ", text);
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
    }

    /// <summary>A relative link from the package entry <paramref name="from"/>, as a package path.</summary>
    private static string Resolve(string from, string link)
    {
        var parts = from.Split('/').SkipLast(1).ToList();
        foreach (string part in link.Split('/'))
        {
            if (part == "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join("/", parts);
    }

    /// <summary>
    /// The help link of the reported diagnostic <paramref name="id"/> in a SARIF 2.1 log: the rule its result points at
    /// (the log also lists the analyzer's supported descriptors, which have no link, under the same ID).
    /// </summary>
    private static string HelpLink(string sarif, string id)
    {
        using var log = System.Text.Json.JsonDocument.Parse(File.ReadAllText(sarif));
        var run = log.RootElement.GetProperty("runs")[0];
        var result = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == id);
        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules")[result.GetProperty("ruleIndex").GetInt32()];
        Assert.Equal(id, rule.GetProperty("id").GetString());
        return rule.GetProperty("helpUri").GetString()!;
    }

    /// <summary>Packs the way most people do at a repository root, the whole solution: exactly one package comes out.</summary>
    private string Pack()
    {
        string feed = Path.Combine(_work, "feed");
        string solution = Path.Combine(Metadata("RepositoryRoot"), "DeploySpec.sln");
        var pack = Dotnet($"pack \"{solution}\" -c {Metadata("Configuration")} --no-build -o \"{feed}\"", _work);
        Assert.True(pack.ExitCode == 0, pack.Output);
        var packages = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "DeploySpec.0.1.0.nupkg" }, packages);
        return feed;
    }

    private string CreateConsumer(string name, string specs, string program)
    {
        string dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DeploySpec" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Path.Combine(_work, "feed")}" />
              </packageSources>
            </configuration>
            """);
        // Keep the repository's build props out of the customer's project.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Specs.cs"), specs);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    private (int ExitCode, string Output) Dotnet(string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", arguments + " -nologo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "dotnet " + arguments + " did not finish in 5 minutes");
        string output = stdout + stderr.Result;
        _output.WriteLine("> dotnet " + arguments + "\n" + output);
        return (process.ExitCode, output);
    }

    private static double Value(string output, string key) =>
        double.Parse(Regex.Match(output, "^" + key + "=(.*)$", RegexOptions.Multiline).Groups[1].Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Metadata(string key) =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
