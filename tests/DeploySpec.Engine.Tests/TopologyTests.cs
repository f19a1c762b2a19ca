using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>The catalog's rows, and which link a group of GPUs talks over once an NVLink domain spans nodes (NVL72).</summary>
public class TopologyTests
{
    private static readonly ModelArchitecture Llama405BFp8 =
        ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 };

    /// <summary>One GB200 NVL72 rack: 18 compute trays of 4 GPUs on one NVLink switch system.</summary>
    private static ClusterSpec Nvl72(int trays = 18, int domain = 72) =>
        new() { Name = "Nvl72", Gpu = Gpu.GB200, GpusPerNode = 4, Nodes = trays, NvLinkDomainGpus = domain };

    private static ClusterSpec HgxB200(int nodes) => new() { Name = "HgxB200", Gpu = Gpu.B200, GpusPerNode = 8, Nodes = nodes };

    private static DeploymentSpec On(ClusterSpec cluster, int tp, int pp) => new()
    {
        Name = "Chat",
        Model = Llama405BFp8,
        Cluster = cluster,
        InputTokens = 2048,
        OutputTokens = 128,
        TensorParallel = tp,
        PipelineParallel = pp,
    };

    [Theory]
    [InlineData(Gpu.GB200, 72)]
    [InlineData(Gpu.GB300, 72)]
    [InlineData(Gpu.B300, 8)]
    [InlineData(Gpu.H20, 8)]
    [InlineData(Gpu.MI355X, 8)]
    public void The_default_domain_is_the_rack_for_nvl72_parts_and_the_node_for_hgx(Gpu gpu, int expected)
    {
        int perNode = GpuCatalog.Get(gpu).ScaleUpSpansNodes ? 4 : 8;
        var cluster = new ClusterSpec { Gpu = gpu, GpusPerNode = perNode, Nodes = 72 / perNode * 2 };
        Assert.Equal(expected, Topology.ScaleUpDomainGpus(cluster));
        // A cluster smaller than the rack is one domain of all its nodes.
        Assert.Equal(Math.Min(expected, 2 * perNode), Topology.ScaleUpDomainGpus(cluster with { Nodes = 2 }));
    }

    [Fact]
    public void Existing_clusters_keep_their_domain_and_links()
    {
        var hgx = new ClusterSpec { Gpu = Gpu.H100Sxm, GpusPerNode = 4, Nodes = 2 };
        Assert.Equal(4, Topology.ScaleUpDomainGpus(hgx)); // the NVSwitch ends at the node
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(hgx, 8));
        var bridges = new ClusterSpec { Gpu = Gpu.H100Pcie, GpusPerNode = 8, Nodes = 1 };
        Assert.Equal(Link.PcieGen5, Topology.GroupLink(bridges, 4));
    }

    [Fact]
    public void A_group_inside_the_nvlink_domain_talks_nvlink_across_trays_and_one_that_straddles_racks_does_not()
    {
        var rack = Nvl72();
        Assert.Equal(Link.NvLink5, Topology.GroupLink(rack, 8));  // two trays
        Assert.Equal(Link.NvLink5, Topology.GroupLink(rack, 72)); // the whole rack
        Assert.True(Topology.CrossesNodes(rack, 8));

        var twoRacks = Nvl72(trays: 36);
        Assert.Equal(Link.NvLink5, Topology.GroupLink(twoRacks, 8));         // 8 divides 72: every group stays in its rack
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(twoRacks, 16));  // GPUs 64-79 straddle the two racks
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(twoRacks, 144)); // beyond one domain

        var noSwitch = Nvl72(domain: 4); // the same trays without the NVLink switch system
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(noSwitch, 8));
    }

    [Theory]
    [InlineData(4, 18, 72, null)]
    [InlineData(4, 18, 0, null)]
    [InlineData(8, 1, 4, null)]
    [InlineData(4, 18, 70, "NvLinkDomainGpus 70 spans nodes but is not a whole number of nodes of 4 GPUs (68 or 72 would be)")]
    [InlineData(4, 16, 72, "NvLinkDomainGpus 72 exceeds the cluster's 64 GPUs (16 nodes of 4)")]
    [InlineData(8, 1, 3, "NvLinkDomainGpus 3 does not divide the 8 GPUs of a node")]
    public void A_declared_domain_must_tile_the_cluster(int perNode, int nodes, int domain, string? problem)
    {
        var cluster = new ClusterSpec { Gpu = Gpu.GB200, GpusPerNode = perNode, Nodes = nodes, NvLinkDomainGpus = domain };
        var problems = SpecValidation.Validate(cluster);
        if (problem is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            var found = Assert.Single(problems);
            Assert.Equal(nameof(ClusterSpec.NvLinkDomainGpus), found.Property);
            Assert.Equal(problem, found.Message);
        }
    }

    [Fact]
    public void Llama405B_on_an_nvl72_rack_splits_tensors_across_trays_over_nvlink()
    {
        var result = Planner.Plan(On(Nvl72(), 0, 0));
        Assert.True(result.HasPlans);
        // Plans whose TP groups span trays (TP8 on trays of 4) are there, and their all-reduces are costed over NVLink.
        var acrossTrays = result.Plans.Where(p => p.Pool.Degrees.TensorParallel > 4).ToList();
        Assert.NotEmpty(acrossTrays);
        Assert.All(acrossTrays, p => Assert.Equal(Link.NvLink5, Topology.GroupLink(Nvl72(), p.Pool.Degrees.TensorParallel)));

        // The same TP8 x PP9 with and without the NVLink switch system: only the links differ.
        var nvlink = Planner.Plan(On(Nvl72(), 8, 9)).Plans.Single().Pool.Coefficients;
        var infiniBand = Planner.Plan(On(Nvl72(domain: 4), 8, 9)).Plans.Single().Pool.Coefficients;
        Assert.True(nvlink.CollectiveSecondsPerSequence * 5 < infiniBand.CollectiveSecondsPerSequence,
            $"TP8 over NVLink 5 (1.8 TB/s) should move its all-reduces several times faster than over InfiniBand NDR (100 GB/s): {nvlink.CollectiveSecondsPerSequence:E3} s vs {infiniBand.CollectiveSecondsPerSequence:E3} s per sequence");
        // Two all-reduces per layer of the stage (126 layers / PP9 = 14), each with InfiniBand's own latency on top.
        double extra = 2 * 14 * LinkCatalog.ExtraLatencySeconds(Link.InfiniBandNdr);
        Assert.True(extra > 0);
        Assert.Equal(nvlink.StageLatencySeconds + extra, infiniBand.StageLatencySeconds, 12);
    }

    [Fact]
    public void An_all_reduces_fixed_latency_grows_with_its_rounds_log2_of_the_group()
    {
        // The eight-GPU all-reduce takes the fitted collective latency; recursive doubling over n GPUs takes log2(n)
        // rounds to its three.
        Assert.Equal(0.0, DeploySpec.Engine.Cost.CostModel.AllReduceLatencyShare(1));
        Assert.Equal(1.0 / 3.0, DeploySpec.Engine.Cost.CostModel.AllReduceLatencyShare(2), 12);
        Assert.Equal(2.0 / 3.0, DeploySpec.Engine.Cost.CostModel.AllReduceLatencyShare(4), 12);
        Assert.Equal(1.0, DeploySpec.Engine.Cost.CostModel.AllReduceLatencyShare(8));
        Assert.Equal(4.0 / 3.0, DeploySpec.Engine.Cost.CostModel.AllReduceLatencyShare(16), 12);

        // Llama 3.1 405B (dense, 126 layers) on one HGX B200, all over NVLink: TP4's 252 all-reduces per iteration pay two
        // thirds of TP8's fixed latency each, and that is all the stage's fixed time holds.
        var tp4 = Planner.Plan(On(HgxB200(1), 4, 1)).Plans.Single().Pool.Coefficients;
        var tp8 = Planner.Plan(On(HgxB200(1), 8, 1)).Plans.Single().Pool.Coefficients;
        double latency = DeploySpec.Engine.Cost.CostCalibration.Default.CollectiveLatencySeconds;
        Assert.Equal(2 * 126 * latency, tp8.StageLatencySeconds, 12);
        Assert.Equal(2 * 126 * latency * 2 / 3, tp4.StageLatencySeconds, 12);
    }

    [Fact]
    public void Tensor_parallelism_over_16_gpus_is_nvlink_on_gb200_trays_and_infiniband_on_hgx_b200()
    {
        // TP16 must divide the cluster, so 64 GPUs: 16 of a rack's 18 trays, against eight HGX B200 nodes.
        var rack = Planner.Plan(On(Nvl72(trays: 16, domain: 64), 16, 4)).Plans.Single().Pool.Coefficients;
        var hgx = Planner.Plan(On(HgxB200(8), 16, 4)).Plans.Single().Pool.Coefficients;
        Assert.Equal(Link.NvLink5, Topology.GroupLink(Nvl72(trays: 16, domain: 64), 16));
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(HgxB200(8), 16));
        Assert.True(rack.CollectiveSecondsPerSequence * 5 < hgx.CollectiveSecondsPerSequence,
            $"TP16 inside the NVLink domain should all-reduce over NVLink 5 (1.8 TB/s), on HGX B200 over InfiniBand NDR (100 GB/s): {rack.CollectiveSecondsPerSequence:E3} s vs {hgx.CollectiveSecondsPerSequence:E3} s per sequence");
        Assert.True(hgx.StageLatencySeconds - rack.StageLatencySeconds >= 2 * LinkCatalog.ExtraLatencySeconds(Link.InfiniBandNdr),
            $"InfiniBand adds its own latency to every collective: {rack.StageLatencySeconds:E3} s vs {hgx.StageLatencySeconds:E3} s");
        Assert.True(rack.HopLatencySeconds < hgx.HopLatencySeconds, "pipeline hand-offs stay on NVLink inside the rack");
    }

    /// <summary>
    /// The issue's own comparison: Llama 3.1 405B on one NVL72 rack against nine 8-GPU HGX B200 nodes, 72 GPUs each.
    /// 128 heads and 72 GPUs leave TP at most 8, which stays inside an HGX node, so the all-reduces cost the same on
    /// both; what crosses nodes on HGX is the pipeline, and its hand-offs pay InfiniBand there and NVLink on the rack.
    /// </summary>
    [Fact]
    public void Llama405B_on_an_nvl72_rack_against_nine_hgx_b200_nodes()
    {
        var rack = Planner.Plan(On(Nvl72(), 8, 9)).Plans.Single().Pool.Coefficients;
        var hgx = Planner.Plan(On(HgxB200(9), 8, 9)).Plans.Single().Pool.Coefficients;
        Assert.Equal(Link.NvLink5, Topology.GroupLink(HgxB200(9), 8));
        Assert.Equal(Link.InfiniBandNdr, Topology.GroupLink(HgxB200(9), 72));
        Assert.Equal(Link.NvLink5, Topology.GroupLink(Nvl72(), 72));
        Assert.Equal(rack.CollectiveSecondsPerSequence, hgx.CollectiveSecondsPerSequence, 12);
        Assert.True(rack.HopSecondsPerSequence * 5 < hgx.HopSecondsPerSequence,
            $"a hand-off over NVLink 5 (1.8 TB/s) against InfiniBand NDR (100 GB/s): {rack.HopSecondsPerSequence:E3} s vs {hgx.HopSecondsPerSequence:E3} s per sequence");
        Assert.True(rack.HopLatencySeconds < hgx.HopLatencySeconds, "InfiniBand adds ~10 µs per hand-off");
    }

    /// <summary>
    /// The "scale the cluster" fix changes only GpusPerNode and Nodes, so the cluster it suggests must keep a declared
    /// NVLink domain valid: 405B FP8 fits three B200s (PP3), but a declared domain of 4 does not divide 3.
    /// </summary>
    [Fact]
    public void The_smallest_fitting_cluster_keeps_a_declared_domain_valid()
    {
        var islands = new ClusterSpec { Name = "Islands", Gpu = Gpu.B200, GpusPerNode = 8, Nodes = 1, NvLinkDomainGpus = 4 };
        var free = islands with { NvLinkDomainGpus = 0 };
        Assert.Equal(3, FitAdvisor.SmallestFittingCluster(On(free, 0, 0))!.GpusPerNode);
        var suggested = FitAdvisor.SmallestFittingCluster(On(islands, 0, 0))!;
        Assert.Equal(4, suggested.GpusPerNode);
        Assert.Empty(SpecValidation.Validate(suggested));
    }
}
