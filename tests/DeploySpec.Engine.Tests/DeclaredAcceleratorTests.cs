using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// An accelerator declared with [Accelerator] is planned with the same physics as a catalog GPU: the same figures give
/// the same plans, its declared link bandwidth is the one the collectives use, and it says everywhere that it is
/// user-declared and uncalibrated.
/// </summary>
public class DeclaredAcceleratorTests
{
    /// <summary>
    /// Figures of the brief, consistent with NVIDIA's: 96 GB GDDR7 on a 512-bit bus at 28 Gbps = 1,792 GB/s (the
    /// Workstation Edition's figure; the Server Edition may be listed lower), dense BF16 / FP8 / FP4 = half of the
    /// sparse 4 PFLOPS FP4 chain; 94.97 GiB visible is not verified here. No NVLink: PCIe Gen5.
    /// </summary>
    internal static AcceleratorSpec RtxPro6000 { get; } = new()
    {
        Name = "RTX PRO 6000 Blackwell Server Edition", MemoryGiB = 94.97, MemoryBandwidthTBps = 1.792, Bf16Tflops = 503.8,
        Fp8Tflops = 1007.6, Fp4Tflops = 2015.2, Link = Link.PcieGen5,
    };

    private static DeploymentSpec On(AcceleratorSpec accelerator, ModelArchitecture model, int gpus) =>
        MemoryModelTests.On(model, Gpu.H100Sxm, gpus) with { Cluster = new ClusterSpec { Name = "Box", GpusPerNode = gpus, Accelerator = accelerator } };

    [Fact]
    public void A_declared_copy_of_an_unmeasured_catalog_gpu_plans_exactly_like_it()
    {
        // H100 PCIe: Hopper, not measured, NVLink bridge pairs, PCIe Gen5 host link; memory 80 GiB exactly.
        var declared = new AcceleratorSpec
        {
            Name = "my H100 PCIe", MemoryGiB = 80, MemoryBandwidthTBps = 2.0, Bf16Tflops = 756, Fp8Tflops = 1_513, Link = Link.NvLinkBridge,
        };
        var model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var catalog = Planner.Plan(MemoryModelTests.On(model, Gpu.H100Pcie, 8));
        var mine = Planner.Plan(On(declared, model, 8));

        Assert.True(catalog.HasPlans);
        Assert.Equal(catalog.Plans.Select(p => (p.Pool.Degrees, p.Pool.Memory, p.Pool.Coefficients)), mine.Plans.Select(p => (p.Pool.Degrees, p.Pool.Memory, p.Pool.Coefficients)));
        Assert.Equal(catalog.Rejected.Select(r => r.Degrees), mine.Rejected.Select(r => r.Degrees));
    }

    [Fact]
    public void The_declared_gpu_is_resolved_from_the_cluster_once_and_says_it_is_user_declared()
    {
        var cluster = new ClusterSpec { Gpu = Gpu.B200, Accelerator = RtxPro6000 };
        var gpu = GpuCatalog.Of(cluster);

        Assert.Same(gpu, GpuCatalog.Of(cluster with { Nodes = 2 })); // cached per accelerator spec
        Assert.Null(gpu.Kind);
        Assert.True(gpu.IsDeclared);
        Assert.Equal("RTX PRO 6000 Blackwell Server Edition (user-declared)", gpu.Label);
        Assert.Equal("user-declared", gpu.Provenance);
        Assert.Equal(94.97 * Units.BytesPerGiB, gpu.MemoryBytes);
        Assert.Equal(1.792e12, gpu.MemoryBandwidthBytesPerSecond);
        Assert.Equal(2_015.2e12, gpu.MatmulFlopsPerSecond(Precision.Fp4));
        Assert.Equal(503.8e12, gpu.MatmulFlopsPerSecond(Precision.Int8)); // no INT8 rate declared: weight-only at the BF16 rate
        Assert.Equal(Link.PcieGen5, gpu.ScaleUpLink);
        Assert.Equal(128e9, gpu.ScaleUpBytesPerSecond); // the link's catalog figure
        Assert.Equal(8, gpu.ScaleUpDomainGpus);
        Assert.Equal(GpuGeneration.Unknown, gpu.Generation);
        Assert.False(gpu.IsMeasured);
        Assert.Same(CostCalibration.Default.Hopper, CostCalibration.Default.For(gpu));
    }

    [Fact]
    public void A_format_without_tensor_cores_runs_at_the_bf16_rate()
    {
        var gpu = GpuCatalog.Of(new ClusterSpec { Accelerator = RtxPro6000 with { Fp8Tflops = 0, Fp4Tflops = 0 } });
        Assert.Equal(503.8e12, gpu.MatmulFlopsPerSecond(Precision.Fp8));
        Assert.Equal(503.8e12, gpu.MatmulFlopsPerSecond(Precision.Fp4));
        Assert.Equal(503.8e12 / 2, gpu.MatmulFlopsPerSecond(Precision.Fp32));
    }

    [Theory]
    [InlineData(Link.Default, Link.PcieGen5, 8)]
    [InlineData(Link.NvLinkBridge, Link.NvLinkBridge, 2)]
    [InlineData(Link.NvLinkBridge4Way, Link.NvLinkBridge4Way, 4)]
    [InlineData(Link.NvLink5, Link.NvLink5, 8)]
    public void A_link_left_out_is_pcie_and_each_link_joins_its_usual_number_of_gpus(Link declared, Link link, int domain)
    {
        var cluster = new ClusterSpec { GpusPerNode = 8, Accelerator = RtxPro6000 with { Link = declared } };
        Assert.Equal(link, Topology.ScaleUpLink(cluster));
        Assert.Equal(domain, Topology.ScaleUpDomainGpus(cluster));
        Assert.Equal(LinkCatalog.BidirectionalBytesPerSecond(link), Topology.BidirectionalBytesPerSecond(cluster, link));
    }

    [Fact]
    public void A_declared_domain_is_the_reach_of_the_gpus_own_link_even_for_a_bridge()
    {
        var cluster = new ClusterSpec { GpusPerNode = 8, Accelerator = RtxPro6000 with { Link = Link.NvLinkBridge, LinkDomainGpus = 4 } };
        Assert.Equal(4, Topology.ScaleUpDomainGpus(cluster));
        Assert.Equal(Link.NvLinkBridge, Topology.GroupLink(cluster, 4));
        Assert.Equal(Link.PcieGen5, Topology.GroupLink(cluster, 8));
    }

    [Fact]
    public void The_declared_link_bandwidth_is_what_the_collectives_run_at()
    {
        var model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var slow = RtxPro6000 with { Link = Link.NvLink4, LinkGBps = 450 };
        var fast = RtxPro6000 with { Link = Link.NvLink4, LinkGBps = 900 };
        var tp4 = new Degrees(4, 1, 1, 1);
        Assert.Equal(450e9, Topology.BidirectionalBytesPerSecond(new ClusterSpec { Accelerator = slow }, Link.NvLink4));

        CostCoefficients Costs(AcceleratorSpec accelerator)
        {
            var spec = On(accelerator, model, 4) with { TensorParallel = 4, PipelineParallel = 1 };
            return CostModel.Specialize(spec, tp4, MemoryModel.PerGpu(spec, tp4), CostCalibration.Default);
        }

        var (a, b) = (Costs(slow), Costs(fast));
        Assert.True(a.CollectiveSecondsPerSequence > 0);
        Assert.Equal(2.0, a.CollectiveSecondsPerSequence / b.CollectiveSecondsPerSequence, 12);
        Assert.Equal(a.GemmSecondsPerSequence, b.GemmSecondsPerSequence);

        // The catalog's own figure for NVLink 4 is 900 GB/s: declaring it changes nothing.
        Assert.Equal(Costs(RtxPro6000 with { Link = Link.NvLink4 }), b);
    }

    [Fact]
    public void Its_estimates_are_marked_extrapolated_along_gpu_generation()
    {
        var model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };
        var axes = CalibrationDomain.Axes(On(RtxPro6000, model, 1), new Degrees(1, 1, 1, 1), CostCalibration.Default);
        Assert.True(axes.HasFlag(ExtrapolationAxes.GpuGeneration));
        Assert.False(CalibrationDomain.Axes(MemoryModelTests.On(model, Gpu.H200Sxm, 1), new Degrees(1, 1, 1, 1), CostCalibration.Default).HasFlag(ExtrapolationAxes.GpuGeneration));
    }

    [Fact]
    public void Facts_and_reports_name_the_declared_accelerator_as_user_declared()
    {
        var model = ModelCatalog.Llama31_70B with { Weights = Precision.Fp4, KvCache = Precision.Fp8 };
        var spec = On(RtxPro6000, model, 4) with { PipelineParallel = 4 };
        var result = Planner.Plan(spec);
        var compiled = CompiledDeployment.Restore(spec, CompiledDeployment.Encode(result));

        Assert.Null(compiled.Facts.Gpu);
        Assert.True(compiled.Facts.GpuIsUserDeclared);
        Assert.Equal(RtxPro6000.Name, compiled.Facts.GpuName);
        Assert.Contains("on 4 x RTX PRO 6000 Blackwell Server Edition (user-declared) (1 node of 4)", compiled.Report.ToMarkdown());
        Assert.Contains("RTX PRO 6000 Blackwell Server Edition (user-declared)", compiled.Report.ToSvg());

        var catalog = Facts.Of(MemoryModelTests.On(model, Gpu.H200Sxm, 8));
        Assert.Equal(Gpu.H200Sxm, catalog.Gpu);
        Assert.Equal(catalog.GpuName, catalog.GpuLabel);
    }

    [Fact]
    public void A_cluster_with_a_declared_accelerator_round_trips_through_the_spec_codec()
    {
        var spec = On(RtxPro6000 with { Name = "card;{=}", LinkGBps = 64, LinkDomainGpus = 2 }, ModelCatalog.Llama31_8B, 4);
        string text = SpecCodec.Encode(spec);
        Assert.Contains("Accelerator={Name=card\\;\\{\\=\\};MemoryGiB=94.97;", text);
        Assert.Equal(spec, SpecCodec.Decode(text));
        Assert.DoesNotContain("Accelerator=", SpecCodec.Encode(MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.H200Sxm, 8)));
    }

    [Theory]
    [InlineData(nameof(AcceleratorSpec.MemoryGiB), 0.0, "MemoryGiB must be above 0 and at most 100,000 GiB, but is 0")]
    [InlineData(nameof(AcceleratorSpec.MemoryGiB), 200_000.0, "MemoryGiB must be above 0 and at most 100,000 GiB, but is 200000")]
    [InlineData(nameof(AcceleratorSpec.MemoryBandwidthTBps), -1.5, "MemoryBandwidthTBps must be above 0 and at most 1,000 TB/s, but is -1.5")]
    [InlineData(nameof(AcceleratorSpec.Bf16Tflops), double.NaN, "Bf16Tflops must be above 0 and at most 1,000,000 TFLOPS, but is NaN")]
    [InlineData(nameof(AcceleratorSpec.Fp8Tflops), -1.0, "Fp8Tflops must be between 0 (no FP8 tensor cores) and 1,000,000 TFLOPS, but is -1")]
    [InlineData(nameof(AcceleratorSpec.Fp4Tflops), double.PositiveInfinity, "Fp4Tflops must be between 0 (no FP4 tensor cores) and 1,000,000 TFLOPS, but is Infinity")]
    [InlineData(nameof(AcceleratorSpec.LinkGBps), -64.0, "LinkGBps must be between 0 (the link's catalog figure) and 1,000,000 GB/s, but is -64")]
    public void Each_value_is_checked_against_its_bounds_with_the_numbers(string property, double value, string message)
    {
        var term = Vocabulary.Terms.Find(Vocabulary.AcceleratorVocabulary.Terms, property)!;
        var problems = SpecValidation.Validate(term.Set(RtxPro6000, value));
        var problem = Assert.Single(problems);
        Assert.Equal(property, problem.Property);
        Assert.Equal(message, problem.Message);
        Assert.Empty(SpecValidation.Validate(RtxPro6000));
    }

    [Fact]
    public void A_network_link_or_an_undefined_one_is_not_a_gpu_link_and_the_domain_is_bounded()
    {
        Assert.Equal("Link value 8 is not a GPU-to-GPU link (InfiniBand and Ethernet join nodes: the cluster's InterNodeLink)",
            Assert.Single(SpecValidation.Validate(RtxPro6000 with { Link = Link.InfiniBandNdr })).Message);
        Assert.Single(SpecValidation.Validate(RtxPro6000 with { Link = (Link)99 }));
        Assert.Equal("LinkDomainGpus must be between 0 and 1024, but is 2000", Assert.Single(SpecValidation.Validate(RtxPro6000 with { LinkDomainGpus = 2000 })).Message);
    }
}
