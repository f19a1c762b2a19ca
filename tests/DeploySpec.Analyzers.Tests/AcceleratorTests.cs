using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

/// <summary>
/// A GPU the catalog does not have, declared with [Accelerator]: its values are checked at their arguments (DS1013),
/// the cluster that names it at the Accelerator or Gpu argument (DS1002), and a deployment on it gets the engine's
/// findings like any other, naming the declared card.
/// </summary>
public class AcceleratorTests
{
    /// <summary>RTX PRO 6000 Blackwell figures as the brief gives them (docs/hardware.md, DeclaredAcceleratorTests in the engine tests).</summary>
    internal const string RtxPro6000 = """
        [Accelerator(Name = "RTX PRO 6000 Blackwell Server Edition", MemoryGiB = 94.97, MemoryBandwidthTBps = 1.792, Bf16Tflops = 503.8,
                     Fp8Tflops = 1007.6, Fp4Tflops = 2015.2, Link = Link.PcieGen5)]
        public partial class RtxPro6000 { }
        """;

    [Fact]
    public async Task A_deployment_on_a_declared_card_is_judged_like_one_on_a_catalog_gpu()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{RtxPro6000}}
            [Cluster(Accelerator = typeof(RtxPro6000), GpusPerNode = 4)] public partial class Workstation { }
            {{CapacityTests.Llama70BFp8}}
            [Deployment(typeof(Llama70B), typeof(Workstation), PipelineParallel = 4)] public partial class Chat { }
            """);
    }

    [Fact]
    public async Task An_invalid_value_is_DS1013_at_its_argument_and_a_missing_one_at_the_attribute()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            [{|#1:Accelerator(MemoryGiB = 94.97, {|#0:MemoryBandwidthTBps = -1|}, Fp8Tflops = 1007.6)|}]
            public partial class Card { }
            [Cluster(Accelerator = typeof(Card), GpusPerNode = 4)] public partial class Workstation { }
            {{CapacityTests.Llama70BFp8}}
            [Deployment(typeof(Llama70B), typeof(Workstation))] public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidAccelerator).WithLocation(0).WithMessage("Accelerator 'Card': MemoryBandwidthTBps must be above 0 and at most 1,000 TB/s, but is -1"),
            Diagnostic(Descriptors.InvalidAccelerator).WithLocation(1).WithMessage("Accelerator 'Card': Bf16Tflops must be above 0 and at most 1,000,000 TFLOPS, but is 0"));
    }

    [Fact]
    public async Task A_network_link_is_not_a_gpu_link()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Accelerator(MemoryGiB = 94.97, MemoryBandwidthTBps = 1.792, Bf16Tflops = 503.8, {|#0:Link = Link.InfiniBandNdr|})]
            public partial class Card { }
            """,
            Diagnostic(Descriptors.InvalidAccelerator).WithLocation(0)
                .WithMessage("Accelerator 'Card': Link value 8 is not a GPU-to-GPU link (InfiniBand and Ethernet join nodes: the cluster's InterNodeLink)"));
    }

    [Fact]
    public async Task A_model_that_fits_no_plan_on_one_declared_card_names_the_card_and_its_usable_memory()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{RtxPro6000}}
            [Cluster(Accelerator = typeof(RtxPro6000), GpusPerNode = 1)] public partial class OneCard { }
            {{CapacityTests.Llama70B}}
            [Deployment(typeof(Llama70B), {|#0:typeof(OneCard)|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.FitsNoPlan).WithLocation(0).WithMessage("Deployment 'Chat': Llama70B fits no plan on OneCard: " +
                "141.1 GB (131.4 GiB) of BF16 weights, 132.1 GiB with the KV cache of one 2176-token request, against 1 x RTX PRO 6000 Blackwell Server Edition " +
                "offering 83.0 GiB usable (83.00 GiB each after the vLLM reserve and activations); the smallest cluster of this GPU that fits " +
                "has 2 GPUs (1 node of 2); FP8 weights and KV cache would fit this cluster"));
        // 80.78 GiB = 0.90 x 94.97 GiB less the same 4.70 GiB of reserve and activations as on an H200 (CapacityTests: 0.90 x 140.40 - 121.66).
    }

    [Fact]
    public async Task Setting_both_Gpu_and_Accelerator_is_DS1002_at_Gpu()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{RtxPro6000}}
            [Cluster({|#0:Gpu = Gpu.B200|}, Accelerator = typeof(RtxPro6000), GpusPerNode = 4)] public partial class Workstation { }
            {{CapacityTests.Llama70BFp8}}
            [Deployment(typeof(Llama70B), typeof(Workstation))] public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0)
                .WithMessage("Cluster 'Workstation': set Gpu or Accelerator, not both: Gpu = B200 names a catalog GPU, Accelerator a declared one"));
    }

    [Fact]
    public async Task An_accelerator_type_without_the_attribute_is_DS1002_at_the_argument()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            public class NotACard { }
            [Cluster({|#0:Accelerator = typeof(NotACard)|}, GpusPerNode = 4)] public partial class Workstation { }
            {{CapacityTests.Llama70BFp8}}
            [Deployment(typeof(Llama70B), typeof(Workstation))] public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0)
                .WithMessage("Cluster 'Workstation': 'NotACard' is used as the accelerator but is not marked [Accelerator]"));
    }

    [Fact]
    public async Task Accelerator_null_is_a_catalog_gpu()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            [Cluster(Gpu = Gpu.H200Sxm, Accelerator = null, GpusPerNode = 8)] public partial class HgxH200 { }
            {{CapacityTests.Llama70BFp8}}
            [Deployment(typeof(Llama70B), typeof(HgxH200))] public partial class Chat { }
            """);
    }
}
