using System.IO;
using System.Reflection;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>
/// "My GPU is not supported": a project declares its card itself and plans on it through the generator, with the
/// same diagnostics and the same generated members as on a catalog GPU, and reports that name the card as user-declared.
/// </summary>
public class DeclaredAcceleratorTests
{
    private const BindingFlags Generated = BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy;

    /// <summary>
    /// RTX PRO 6000 Blackwell figures as the brief gives them: 96 GB GDDR7 on 512 bits at 28 Gbps = 1,792 GB/s (the
    /// Workstation Edition's figure; the Server Edition may be listed lower), dense BF16 / FP8 / FP4 = half of the
    /// sparse 4 PFLOPS FP4 chain; 94.97 GiB visible is not verified here. No NVLink: PCIe Gen5.
    /// </summary>
    private const string Project = """
        using DeploySpec;
        namespace Lab;

        [Accelerator(Name = "RTX PRO 6000 Blackwell Server Edition", MemoryGiB = 94.97, MemoryBandwidthTBps = 1.792, Bf16Tflops = 503.8,
                     Fp8Tflops = 1007.6, Fp4Tflops = 2015.2, Link = Link.PcieGen5)]
        public partial class RtxPro6000 { }

        [Cluster(Accelerator = typeof(RtxPro6000), GpusPerNode = 4)]
        public partial class Workstation { }

        [Model(Name = "Llama 3.1 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672,
               VocabSize = 128256, Weights = Precision.Fp4, KvCache = Precision.Fp8)]
        public partial class Llama70B { }

        [Deployment(typeof(Llama70B), typeof(Workstation), PipelineParallel = 4)]
        public partial class Chat { }
        """;

    /// <summary>The same deployment, as the engine would be given it by hand: the catalog's Llama 3.1 70B, the declared card.</summary>
    private static DeploymentSpec Expected => new()
    {
        Name = "Chat",
        Model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp4, KvCache = Precision.Fp8, Checkpoint = "Llama 3.1 70B" },
        Cluster = new ClusterSpec
        {
            Name = "Workstation", GpusPerNode = 4,
            Accelerator = new AcceleratorSpec
            {
                Name = "RTX PRO 6000 Blackwell Server Edition", MemoryGiB = 94.97, MemoryBandwidthTBps = 1.792, Bf16Tflops = 503.8,
                Fp8Tflops = 1007.6, Fp4Tflops = 2015.2, Link = Link.PcieGen5,
            },
        },
        PipelineParallel = 4,
    };

    [Fact]
    public void A_project_plans_70B_fp4_with_pp_across_four_cards_it_declared_itself()
    {
        GeneratorHarness.Run(Project); // generated code compiles clean, a second run is all cached, no Roslyn object is held
        var build = FullBuild.Run(Project);
        Assert.Empty(build.Crashes);
        Assert.DoesNotContain(build.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var source = Assert.Single(build.Generated).SourceText.ToString();
        Assert.Contains("(4 x RTX PRO 6000 Blackwell Server Edition (user-declared): 1 node of 4)", source);

        using var stream = new MemoryStream();
        var emit = build.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var chat = Assembly.Load(stream.ToArray()).GetType("Lab.Chat", throwOnError: true)!;
        T Member<T>(string name) => (T)chat.GetProperty(name, Generated)!.GetValue(null)!;

        // The generated members are the engine's plans of the same spec: the accelerator travelled through the codec.
        var planned = Planner.Plan(Expected);
        var plans = Member<IReadOnlyList<PartitionPlan>>("Plans");
        Assert.Equal(planned.Plans.Select(p => p.Plan), plans);
        var plan = Assert.Single(plans);
        Assert.Equal((1, 4, 1, 4), (plan.Pool.TensorParallel, plan.Pool.PipelineParallel, plan.Pool.DataParallel, plan.GpuCount));
        // The busiest stage: 20 of the 80 layers in FP4 (~8.5 GiB) and the BF16 embedding or LM head (~2 GiB).
        Assert.True(plan.Pool.MemoryPerGpu.WeightsGiB is > 10 and < 11, plan.Pool.MemoryPerGpu.ToString());
        Assert.Equal(94.97, plan.Pool.MemoryPerGpu.CapacityGiB, 9);

        var facts = Member<DeploymentFacts>("Facts");
        Assert.Equal(Facts.Of(Expected), facts);
        Assert.Null(facts.Gpu);
        Assert.True(facts.GpuIsUserDeclared);
        Assert.Equal("RTX PRO 6000 Blackwell Server Edition", facts.GpuName);
        Assert.Equal(4, facts.TotalGpus);

        var estimate = (PerformanceEstimate)chat.GetMethod("Estimate", Generated)!.Invoke(null, new object[] { plan, 1 })!;
        Assert.True(estimate.OutputTokensPerSecondPerUser > 0 && double.IsFinite(estimate.TimeToFirstTokenMs));
        Assert.True(estimate.ExtrapolatedAlong.HasFlag(ExtrapolationAxes.GpuGeneration)); // no calibration data on this card

        string markdown = (string)chat.GetMethod("ToMarkdown", Generated)!.Invoke(null, null)!;
        Assert.Contains("Llama 3.1 70B (FP4 weights, FP8 KV cache, checkpoint `Llama 3.1 70B`) on 4 x RTX PRO 6000 Blackwell Server Edition (user-declared) (1 node of 4)", markdown);
        Assert.Contains("TP1 x PP4 x DP1", markdown);
    }

    [Fact]
    public void It_gets_the_same_diagnostics_as_the_same_deployment_on_a_catalog_pcie_gpu()
    {
        string builtIn = Project.Replace("Accelerator = typeof(RtxPro6000)", "Gpu = Gpu.L40S");
        static string[] Ids(FullBuild build) => build.Diagnostics.Select(d => d.Id + " " + d.Severity).OrderBy(s => s, StringComparer.Ordinal).ToArray();

        var declared = FullBuild.Run(Project);
        var catalog = FullBuild.Run(builtIn);
        Assert.Equal(Ids(catalog), Ids(declared));
        Assert.Contains("DS4005 Info", Ids(declared)); // both extrapolated along GPU generation (and PP4 parallelism)
        Assert.Contains(declared.Diagnostics, d => d.Id == "DS4005" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("GPU generation"));
    }

    [Fact]
    public void A_deployment_on_an_invalid_accelerator_is_not_planned_and_its_error_shows_alone()
    {
        var build = FullBuild.Run(Project.Replace("MemoryGiB = 94.97", "MemoryGiB = -94.97"));
        Assert.Empty(build.Crashes);
        build.AssertNothingPlanned();
        var error = Assert.Single(build.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("DS1013", error.Id);
        Assert.Contains(build.Emits, e => e.Unplanned == "its accelerator Lab.RtxPro6000 has errors");
    }

    [Fact]
    public void A_cluster_whose_accelerator_is_not_marked_is_not_planned()
    {
        var build = FullBuild.Run(Project.Replace("Accelerator = typeof(RtxPro6000)", "Accelerator = typeof(Llama70B)")); // a [Model], not an [Accelerator]
        Assert.Empty(build.Crashes);
        build.AssertNothingPlanned();
        Assert.Contains(build.Diagnostics, d => d.Id == "DS1002" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("is used as the accelerator but is not marked [Accelerator]"));
    }
}
