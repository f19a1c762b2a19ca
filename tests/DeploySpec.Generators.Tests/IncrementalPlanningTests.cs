using DeploySpec.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>
/// A deployment is re-planned only when its own declaration, its model, its cluster, the accelerator the cluster
/// declares or the project defaults change: counted on the tracked Plans step of a project with 24 deployments over
/// three models and two clusters (one of them, in the accelerator tests, built of a declared card).
/// A Plans output that is Cached was not planned again; Unchanged would mean it was planned and came out equal.
/// </summary>
public class IncrementalPlanningTests
{
    private const int Deployments = 24;

    private const string Models = """
        using DeploySpec;
        namespace Fleet;

        [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama8B { }

        [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama70B { }

        [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
               VocabSize = 32000, Experts = 8, ActiveExperts = 2, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Mixtral { }
        """;

    private const string Clusters = """
        using DeploySpec;
        namespace Fleet;

        [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 4)]
        public partial class FourH100 { }

        [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8)]
        public partial class EightH200 { }
        """;

    private static readonly string[] ModelNames = { "Llama8B", "Llama70B", "Mixtral" };

    /// <summary>Deployment i uses model i % 3 and cluster i % 2; one file per deployment.</summary>
    private static string Deployment(int i, int inputTokens = 1024) => $$"""
        using DeploySpec;
        namespace Fleet;

        [Deployment(typeof({{ModelNames[i % 3]}}), typeof({{(i % 2 == 0 ? "FourH100" : "EightH200")}}), InputTokens = {{inputTokens + i}}, OutputTokens = 256)]
        public partial class Service{{i}} { }
        """;

    /// <summary>Two declared cards: FourH100 is rebuilt of the first in <see cref="WithAccelerators"/>; no cluster uses the second.</summary>
    private const string Accelerators = """
        using DeploySpec;
        namespace Fleet;

        [Accelerator(Name = "Card", MemoryGiB = 80, MemoryBandwidthTBps = 2.0, Bf16Tflops = 756, Fp8Tflops = 1513, Link = Link.PcieGen5)]
        public partial class Card { }

        [Accelerator(MemoryGiB = 45, MemoryBandwidthTBps = 0.864, Bf16Tflops = 362, Fp8Tflops = 733, Link = Link.PcieGen4)]
        public partial class SpareCard { }
        """;

    private const int AcceleratorFile = 2 + Deployments;

    /// <summary>The project with FourH100 built of the declared Card (deployments 0, 2, 4, ... run on it) and the accelerators last.</summary>
    private static (CSharpCompilation Compilation, GeneratorDriver Driver) WithAccelerators() =>
        Planned(Clusters.Replace("Gpu = Gpu.H100Sxm, GpusPerNode = 4", "Accelerator = typeof(Card), GpusPerNode = 4"), Accelerators);

    private static (CSharpCompilation Compilation, GeneratorDriver Driver) Planned(string clusters = Clusters, string? accelerators = null)
    {
        var sources = new List<string> { Models, clusters };
        sources.AddRange(Enumerable.Range(0, Deployments).Select(i => Deployment(i)));
        if (accelerators is not null)
        {
            sources.Add(accelerators);
        }

        var compilation = TestCompilation.Create(sources.ToArray());
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Equal(Deployments, driver.GetRunResult().Results.Single().GeneratedSources.Length);
        return (compilation, driver);
    }

    private static Dictionary<IncrementalStepRunReason, int> PlanReasons(GeneratorDriver driver, Compilation edited)
    {
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result.TrackedSteps[TrackingNames.Plans]
            .SelectMany(step => step.Outputs)
            .GroupBy(output => output.Reason)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int file, string text)
    {
        var tree = compilation.SyntaxTrees.ElementAt(file);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)tree.Options, tree.FilePath));
    }

    private static int Count(Dictionary<IncrementalStepRunReason, int> reasons, IncrementalStepRunReason reason) =>
        reasons.TryGetValue(reason, out int n) ? n : 0;

    [Fact]
    public void An_unrelated_file_replans_nothing()
    {
        var (compilation, driver) = Planned();
        var reasons = PlanReasons(driver, compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other { class Unrelated { } }")));
        Assert.Equal(Deployments, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void A_comment_in_a_deployment_and_in_the_models_replans_nothing()
    {
        var (compilation, driver) = Planned();
        var edited = Replace(compilation, 2, "// a comment\n" + Deployment(0));
        edited = Replace(edited, 0, Models.Replace("public partial class Llama70B", "/// <summary>The 70B.</summary>\npublic partial class Llama70B"));
        var reasons = PlanReasons(driver, edited);
        Assert.Equal(0, Count(reasons, IncrementalStepRunReason.Modified) + Count(reasons, IncrementalStepRunReason.New));
        Assert.Equal(Deployments, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void A_changed_number_in_one_deployment_replans_that_one()
    {
        var (compilation, driver) = Planned();
        var reasons = PlanReasons(driver, Replace(compilation, 2 + 5, Deployment(5, inputTokens: 4096)));
        Assert.Equal(1, Count(reasons, IncrementalStepRunReason.Modified));
        Assert.Equal(Deployments - 1, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void A_changed_model_replans_only_the_deployments_that_use_it()
    {
        var (compilation, driver) = Planned();
        // Llama70B is model 1: deployments 1, 4, 7, ... (8 of the 24) use it.
        var reasons = PlanReasons(driver, Replace(compilation, 0, Models.Replace("Layers = 80, HiddenSize = 8192", "Layers = 81, HiddenSize = 8192")));
        int users = Enumerable.Range(0, Deployments).Count(i => i % 3 == 1);
        Assert.Equal(users, Count(reasons, IncrementalStepRunReason.Modified));
        Assert.Equal(Deployments - users, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void A_changed_cluster_replans_only_the_deployments_on_it()
    {
        var (compilation, driver) = Planned();
        var reasons = PlanReasons(driver, Replace(compilation, 1, Clusters.Replace("Gpu = Gpu.H200Sxm, GpusPerNode = 8", "Gpu = Gpu.H200Sxm, GpusPerNode = 4")));
        Assert.Equal(Deployments / 2, Count(reasons, IncrementalStepRunReason.Modified));
        Assert.Equal(Deployments / 2, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void A_changed_accelerator_replans_only_the_deployments_on_clusters_built_of_it()
    {
        var (compilation, driver) = WithAccelerators();
        var reasons = PlanReasons(driver, Replace(compilation, AcceleratorFile, Accelerators.Replace("MemoryBandwidthTBps = 2.0", "MemoryBandwidthTBps = 2.5")));
        Assert.Equal(Deployments / 2, Count(reasons, IncrementalStepRunReason.Modified));
        Assert.Equal(Deployments / 2, Count(reasons, IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void An_accelerator_no_cluster_uses_and_an_unrelated_file_replan_nothing()
    {
        var (compilation, driver) = WithAccelerators();
        var edited = Replace(compilation, AcceleratorFile, Accelerators.Replace("MemoryGiB = 45", "MemoryGiB = 46"))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other { class Unrelated { } }"));
        var reasons = PlanReasons(driver, edited);
        Assert.Equal(Deployments, Count(reasons, IncrementalStepRunReason.Cached));
    }
}
