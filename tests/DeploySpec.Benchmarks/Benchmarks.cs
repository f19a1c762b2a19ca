using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators;
using Specs = DeploySpec.Benchmarks.Specs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet, or <c>keystroke</c>: the keystroke pair measured interleaved (do-nothing, DeploySpec,
    /// do-nothing, ...) with the median of the paired ratios, which holds up on a noisy machine where separate
    /// runs of each drift apart.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "keystroke")
        {
            KeystrokeBenchmarks.RunPaired(Console.Out);
            return;
        }

        if (args.Length > 0 && args[0] == "measurements")
        {
            MeasurementCost.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

/// <summary>The run-time evaluator: what an app pays per Estimate call (the generated code runs this same arithmetic).</summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private CostCoefficients _tp8;
    private CostCoefficients _moe;

    [GlobalSetup]
    public void Setup()
    {
        _tp8 = Planner.Plan(CalibrationData.Seed(8, 1)).Plans.Single().Pool.Coefficients;
        var deepSeek = CalibrationData.Seed(0, 0) with
        {
            Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2 },
        };
        _moe = Planner.Plan(deepSeek).Plans[0].Pool.Coefficients;
    }

    [Benchmark(Baseline = true)]
    public double DenseEstimate() => CostEvaluator.Evaluate(_tp8, 64).OutputTokensPerSecond;

    [Benchmark]
    public double MoeEstimate() => CostEvaluator.Evaluate(_moe, 64).OutputTokensPerSecond;
}

/// <summary>
/// The generated <c>Estimate</c> itself, compiled by the real compiler with the generator loaded
/// (tests/DeploySpec.Benchmarks.Specs): the first and the last aggregated plan of a dense and a MoE deployment, and a
/// dense deployment's disaggregated plan (its closed loop solves Little's law over the prefill queue by Newton's method).
/// </summary>
[MemoryDiagnoser]
public class GeneratedEstimateBenchmarks
{
    private PartitionPlan _denseFirst = null!, _denseLast = null!, _moeFirst = null!, _moeLast = null!, _disaggregated = null!;

    [GlobalSetup]
    public void Setup()
    {
        _denseFirst = Specs.Chat.Plans[0];
        _denseLast = Specs.Chat.Plans.Last(p => p.Mode == ServingMode.Aggregated);
        _disaggregated = Specs.Chat.Plans.First(p => p.Mode == ServingMode.Disaggregated);
        _moeFirst = Specs.Reasoner.Plans[0];
        _moeLast = Specs.Reasoner.Plans.Last(p => p.Mode == ServingMode.Aggregated);
    }

    [Benchmark(Baseline = true)]
    public double DenseFirstPlan() => Specs.Chat.Estimate(_denseFirst, 64).OutputTokensPerSecond;

    [Benchmark]
    public double DenseLastPlan() => Specs.Chat.Estimate(_denseLast, 64).OutputTokensPerSecond;

    [Benchmark]
    public double MoeFirstPlan() => Specs.Reasoner.Estimate(_moeFirst, 64).OutputTokensPerSecond;

    [Benchmark]
    public double MoeLastPlan() => Specs.Reasoner.Estimate(_moeLast, 64).OutputTokensPerSecond;

    [Benchmark]
    public double DenseDisaggregatedPlan() => Specs.Chat.Estimate(_disaggregated, 64).OutputTokensPerSecond;
}

/// <summary>Whole planning of one deployment: what the generator spends per deployment at compile time.</summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private DeploymentSpec _seed = null!;
    private DeploymentSpec _deepSeek = null!;
    private DeploymentSpec _nvl72 = null!;
    private DeploymentSpec _reasoner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _seed = CalibrationData.Seed(0, 0);
        _deepSeek = _seed with
        {
            Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 8 },
        };
        // One GB200 NVL72 rack: 18 trays of 4, one NVLink domain; every TP x PP x DP x EP split of 72 GPUs.
        _nvl72 = _seed with { Cluster = new ClusterSpec { Gpu = Gpu.GB200, GpusPerNode = 4, Nodes = 18, NvLinkDomainGpus = 72 } };
        // The sample's Reasoner: DeepSeek-V3 on 2 x 8 H200, aggregated and disaggregated plans (the pool ratio searched).
        _reasoner = _seed with
        {
            Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2, InterNodeLink = Link.InfiniBandNdr },
            InputTokens = 4096,
            OutputTokens = 1024,
            Mode = ServingMode.Any,
        };
    }

    [Benchmark]
    public int PlanSeedOn8Gpus() => Planner.Plan(_seed).Plans.Count;

    [Benchmark]
    public int PlanDeepSeekOn64Gpus() => Planner.Plan(_deepSeek).Plans.Count;

    [Benchmark]
    public int Plan405BOnNvl72Rack() => Planner.Plan(_nvl72).Plans.Count;

    [Benchmark]
    public int PlanDeepSeekOn16H200BothModes() => Planner.Plan(_reasoner).Plans.Count;
}

/// <summary>
/// What a keystroke costs in the editor, in a project of 100 deployments (10 models x 10 clusters, one deployment per
/// file): after a one-character edit in one deployment's file, the IDE re-analyzes that document (its semantic
/// diagnostics), which is the <c>Document</c> pair; the <c>Compilation</c> pair is a full-solution pass over all 100.
/// Each is measured against a do-nothing analyzer that registers the same kind of action (a named-type symbol
/// action with an empty body), so both pay the same compiler and driver work and the difference is DeploySpec's
/// own. The specs are unchanged by the edit, so the findings come from the caches.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KeystrokeBenchmarks
{
    private Microsoft.CodeAnalysis.CSharp.CSharpCompilation _edited = null!;
    private SyntaxTree _editedTree = null!;
    private readonly DeploySpec.Analyzers.DeploySpecAnalyzer _analyzer = new();
    private readonly AnalyzerBenchmarks.NoOpAnalyzer _doNothing = new(registerSymbolAction: true);

    [GlobalSetup]
    public void Setup()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Where(p => !System.IO.Path.GetFileName(p).StartsWith("DeploySpec", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location)).ToList();
        var trees = new System.Collections.Generic.List<SyntaxTree>();
        var specs = new System.Text.StringBuilder("using DeploySpec;\nnamespace Scale;\n");
        for (int m = 0; m < 10; m++)
        {
            specs.Append("[Model(Layers = ").Append(16 + 8 * m).Append(", HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)] public partial class Model").Append(m).Append(" { }\n");
            specs.Append("[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = ").Append(1 << (m % 4)).Append(", Nodes = ").Append(1 + m / 4).Append(")] public partial class Cluster").Append(m).Append(" { }\n");
        }

        trees.Add(CSharpSyntaxTree.ParseText(specs.ToString(), path: "Specs.cs"));
        for (int i = 0; i < 100; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText("using DeploySpec;\nnamespace Scale;\n[Deployment(typeof(Model" + (i % 10) + "), typeof(Cluster" + (i / 10) +
                "), InputTokens = " + (1024 + i) + ")] public partial class Deployment" + i + " { }\n", path: "Deployment" + i + ".cs"));
        }

        var compilation = CSharpCompilation.Create("Scale", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _ = AnalyzeCompilation(compilation, _analyzer); // the pass before the keystroke fills the caches
        var file = trees[50];
        _editedTree = file.WithChangedText(file.GetText().Replace(0, 0, " "));
        _edited = compilation.ReplaceSyntaxTree(file, _editedTree);
    }

    private static int AnalyzeCompilation(Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer analyzer) =>
        compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync().Result.Length;

    private int AnalyzeDocument(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer analyzer) =>
        _edited.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzer))
            .GetAnalyzerSemanticDiagnosticsAsync(_edited.GetSemanticModel(_editedTree), null, default).Result.Length;

    /// <summary>Each pair interleaved, after a warm-up; medians of each side and of the paired ratios.</summary>
    public static void RunPaired(System.IO.TextWriter output)
    {
        var b = new KeystrokeBenchmarks();
        b.Setup();
        for (int i = 0; i < 20; i++)
        {
            b.DocumentDoNothingAnalyzer();
            b.DocumentDeploySpecAnalyzer();
        }

        Pair(output, "document pass after a one-character edit", b.DocumentDoNothingAnalyzer, b.DocumentDeploySpecAnalyzer, 400);
        Pair(output, "whole-compilation pass after a one-character edit", b.CompilationDoNothingAnalyzer, b.CompilationDeploySpecAnalyzer, 60);
    }

    private static void Pair(System.IO.TextWriter output, string name, Func<int> doNothing, Func<int> deploySpec, int n)
    {
        var a = new System.Collections.Generic.List<double>();
        var d = new System.Collections.Generic.List<double>();
        var ratios = new System.Collections.Generic.List<double>();
        for (int i = 0; i < n; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            doNothing();
            double x = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            deploySpec();
            double y = clock.Elapsed.TotalMilliseconds;
            a.Add(x);
            d.Add(y);
            ratios.Add(y / x);
        }

        a.Sort();
        d.Sort();
        ratios.Sort();
        output.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0}: do-nothing analyzer {1:0.000} ms, DeploySpec analyzer {2:0.000} ms (medians), median paired ratio {3:0.00}x, n = {4}",
            name, a[n / 2], d[n / 2], ratios[n / 2], n));
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Document")]
    public int DocumentDoNothingAnalyzer() => AnalyzeDocument(_doNothing);

    [Benchmark]
    [BenchmarkCategory("Document")]
    public int DocumentDeploySpecAnalyzer() => AnalyzeDocument(_analyzer);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Compilation")]
    public int CompilationDoNothingAnalyzer() => AnalyzeCompilation(_edited, _doNothing);

    [Benchmark]
    [BenchmarkCategory("Compilation")]
    public int CompilationDeploySpecAnalyzer() => AnalyzeCompilation(_edited, _analyzer);
}

/// <summary>
/// The generator in a compilation like the sample's: a cold run, and a rerun after an unrelated edit (the case
/// that happens on every keystroke in an editor).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    /// <summary>The same deployments the generated-Estimate benchmarks compile (tests/DeploySpec.Benchmarks.Specs/Deployments.cs, embedded).</summary>
    internal static readonly string SpecsSource = ReadSpecs();

    private static string ReadSpecs()
    {
        using var stream = typeof(GeneratorBenchmarks).Assembly.GetManifestResourceStream("Deployments.cs")!;
        using var reader = new System.IO.StreamReader(stream);
        return reader.ReadToEnd();
    }

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The benchmark process's platform list includes DeploySpec's own assemblies (the compiled specs among them):
        // keep them out, and add the DSL alone.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Where(p => !System.IO.Path.GetFileName(p).StartsWith("DeploySpec", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p)).Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText(SpecsSource) }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }"));
        _warm = NewDriver().RunGenerators(_compilation);
    }

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(new DeploymentGenerator());

    [Benchmark]
    public int ColdRun() => NewDriver().RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int RerunAfterUnrelatedEdit() => _warm.RunGenerators(_edited).GetRunResult().GeneratedTrees.Length;
}

/// <summary>
/// The analyzer's cost: in a compilation that does not reference DeploySpec (it must register nothing) against a
/// do-nothing analyzer, and on specs like the sample's.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private const string Plain = """
        namespace App;
        public class Model { public int Layers { get; set; } }
        public class Cluster { public int Nodes { get; set; } }
        public static class Program { public static int Main() => new Model().Layers + new Cluster().Nodes; }
        """;

    private Microsoft.CodeAnalysis.CSharp.CSharpCompilation _plain = null!;
    private Microsoft.CodeAnalysis.CSharp.CSharpCompilation _specs = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The benchmark process's platform list includes DeploySpec's own assemblies: keep them out of the plain one.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Where(p => !System.IO.Path.GetFileName(p).StartsWith("DeploySpec", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary);
        _plain = CSharpCompilation.Create("Plain", new[] { CSharpSyntaxTree.ParseText(Plain) }, references, options);
        var withDeploySpec = references.Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location));
        _specs = CSharpCompilation.Create("Specs", new[] { CSharpSyntaxTree.ParseText(GeneratorBenchmarks.SpecsSource) }, withDeploySpec, options);
    }

    private static System.Threading.Tasks.Task<System.Collections.Immutable.ImmutableArray<Diagnostic>> Analyze(Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer analyzer) =>
        compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();

    [Benchmark(Baseline = true)]
    public int PlainCompilationNoOpAnalyzer() => Analyze(_plain, new NoOpAnalyzer()).Result.Length;

    [Benchmark]
    public int PlainCompilationNoOpCompilationStartAnalyzer() => Analyze(_plain, new NoOpAnalyzer(registerCompilationStart: true)).Result.Length;

    [Benchmark]
    public int PlainCompilationDeploySpecAnalyzer() => Analyze(_plain, new DeploySpec.Analyzers.DeploySpecAnalyzer()).Result.Length;

    [Benchmark]
    public int SampleSpecsDeploySpecAnalyzer() => Analyze(_specs, new DeploySpec.Analyzers.DeploySpecAnalyzer()).Result.Length;

    [Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer(LanguageNames.CSharp)]
    internal sealed class NoOpAnalyzer(bool registerCompilationStart = false, bool registerSymbolAction = false) : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("NOOP0001", "No-op", "No-op", "Bench", DiagnosticSeverity.Hidden, true);

        public override System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => System.Collections.Immutable.ImmutableArray.Create(Rule);

        public override void Initialize(Microsoft.CodeAnalysis.Diagnostics.AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(Microsoft.CodeAnalysis.Diagnostics.GeneratedCodeAnalysisFlags.None);
            if (registerCompilationStart)
            {
                context.RegisterCompilationStartAction(_ => { });
            }

            if (registerSymbolAction)
            {
                context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
            }
        }
    }
}

/// <summary>
/// What benchmark result files cost a build: one deployment naming N result files (copies of the sample vLLM JSONL,
/// three runs each) against the same project with the same files present but not named, generator and analyzer,
/// interleaved runs, medians; then the rerun after an unrelated edit, files unchanged (the generator's pipeline should
/// keep every step cached).
/// </summary>
public static class MeasurementCost
{
    private sealed class Text(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
            Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }

    public static void Run(System.IO.TextWriter output, int files)
    {
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        string sample = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "samples", "benchmarks", "vllm-bench-serve-llama-3.1-70b-fp8-8xh100.jsonl"));
        // Each build gets texts of its own (a trailing space more) and a spec of its own (one more input token), so no
        // build finds the previous one's readings or fit in the process-wide caches: what a fresh compiler process pays.
        AdditionalText[] Texts(int build) => Enumerable.Range(0, files)
            .Select(i => (AdditionalText)new Text("/project/bench/run" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture) + ".jsonl", sample + new string(' ', build + 1)))
            .ToArray();
        const string Declarations = "using DeploySpec;\n" +
            "[Model(Name = \"Llama 3.1 70B\", Checkpoint = \"RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8\", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)] public partial class M { }\n" +
            "[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 8)] public partial class C { }\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Where(p => !System.IO.Path.GetFileName(p).StartsWith("DeploySpec", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p)).Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location)).ToList();
        CSharpCompilation Project(int build, string measurements) => CSharpCompilation.Create("Bench", new[]
        {
            CSharpSyntaxTree.ParseText(Declarations + "[Deployment(typeof(M), typeof(C), InputTokens = " + (1024 + build).ToString(System.Globalization.CultureInfo.InvariantCulture) +
                ", OutputTokens = 512, TensorParallel = 8" + measurements + ")] public partial class D { }"),
        }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        const string Named = ", Measurements = \"bench/*.jsonl\"";

        double Build(CSharpCompilation compilation, AdditionalText[] texts)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            CSharpGeneratorDriver.Create(new ISourceGenerator[] { new DeploymentGenerator().AsSourceGenerator() }, texts)
                .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
            var options = new AnalyzerOptions(texts.ToImmutableArray());
            _ = generated.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpec.Analyzers.DeploySpecAnalyzer()), options)
                .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            return clock.Elapsed.TotalMilliseconds;
        }

        Build(Project(1000, Named), Texts(1000));
        Build(Project(1001, ""), Texts(1001));
        var a = new List<double>();
        var b = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            a.Add(Build(Project(2 * i, Named), Texts(2 * i)));
            b.Add(Build(Project(2 * i + 1, ""), Texts(2 * i + 1)));
        }

        var texts = Texts(5000);
        var with = Project(5000, Named);
        var parse = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var t in Texts(6000 + i))
            {
                _ = DeploySpec.Parsing.Measurements.BenchmarkFiles.Read(t.Path, t.GetText()!.ToString());
            }

            parse.Add(clock.Elapsed.TotalMilliseconds);
        }

        output.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, "reading the {0} files alone: {1:0.0} ms (median of 5)", files, parse.OrderBy(x => x).ElementAt(2)));
        var driver = CSharpGeneratorDriver.Create(new ISourceGenerator[] { new DeploymentGenerator().AsSourceGenerator() }, texts,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true)).RunGenerators(with);
        var edited = with.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }"));
        var rerun = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            driver = driver.RunGenerators(i % 2 == 0 ? edited : with);
            rerun.Add(clock.Elapsed.TotalMilliseconds);
        }

        var steps = driver.GetRunResult().Results.Single().TrackedSteps.SelectMany(kv => kv.Value).SelectMany(step => step.Outputs)
            .Count(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        double Median(List<double> xs) => xs.OrderBy(x => x).ElementAt(xs.Count / 2);
        output.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0} result files ({1} runs) named by one deployment: generator + analyzer {2:0.0} ms against {3:0.0} ms with the files present but not named (medians of 15 interleaved runs): +{4:0.0} ms",
            files, 3 * files, Median(a), Median(b), Median(a) - Median(b)));
        output.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "generator rerun after an unrelated edit, files unchanged: {0:0.00} ms (median of 15); outputs not cached or unchanged in the last rerun: {1}",
            Median(rerun), steps));
    }
}
