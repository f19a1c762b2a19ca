using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using DeploySpec.Engine.Calibration;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DeploySpec.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

/// <summary>The run-time evaluator: what an app pays per Estimate call (the generated code runs this same arithmetic).</summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private PlanCoefficients _tp8 = null!;
    private PlanCoefficients _moe = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tp8 = Planner.Plan(CalibrationData.Seed(8, 1)).Plans.Single().Coefficients;
        var deepSeek = CalibrationData.Seed(0, 0) with
        {
            Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2 },
        };
        _moe = Planner.Plan(deepSeek).Plans[0].Coefficients;
    }

    [Benchmark(Baseline = true)]
    public double DenseEstimate() => CostFormula.Evaluate(_tp8, 64).OutputTokensPerSecond;

    [Benchmark]
    public double MoeEstimate() => CostFormula.Evaluate(_moe, 64).OutputTokensPerSecond;
}

/// <summary>Whole planning of one deployment: what the generator spends per deployment at compile time.</summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private DeploymentSpec _seed = null!;
    private DeploymentSpec _deepSeek = null!;

    [GlobalSetup]
    public void Setup()
    {
        _seed = CalibrationData.Seed(0, 0);
        _deepSeek = _seed with
        {
            Model = ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8, KvCache = Precision.Fp8 },
            Cluster = new ClusterSpec { Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 8 },
        };
    }

    [Benchmark]
    public int PlanSeedOn8Gpus() => Planner.Plan(_seed).Plans.Count;

    [Benchmark]
    public int PlanDeepSeekOn64Gpus() => Planner.Plan(_deepSeek).Plans.Count;
}

/// <summary>
/// The generator in a compilation like the sample's: a cold run, and a rerun after an unrelated edit (the case
/// that happens on every keystroke in an editor).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const string Specs = """
        using DeploySpec;
        [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama405B { }
        [Model(Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128, IntermediateSize = 18432,
               VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1, ExpertIntermediateSize = 2048,
               DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536, ValueHeadDim = 128,
               Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class DeepSeekV3 { }
        [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
        [Cluster(Gpu = Gpu.H200Sxm, Nodes = 2)] public partial class TwoHgxH200 { }
        [Deployment(typeof(Llama405B), typeof(HgxH200))] public partial class Chat { }
        [Deployment(typeof(DeepSeekV3), typeof(TwoHgxH200), InputTokens = 4096, OutputTokens = 1024)] public partial class Reasoner { }
        """;

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p)).Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(DeploySpec.PartitionPlan).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText(Specs) }, references,
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
