using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

public class CapacityTests
{
    internal const string Llama70B = "[Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256)] public partial class Llama70B { }";
    internal const string Llama70BFp8 = "[Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)] public partial class Llama70B { }";
    internal const string Llama405BFp8 = "[Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)] public partial class Llama405B { }";
    internal const string Llama405BBf16 = "[Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248, VocabSize = 128256)] public partial class Llama405B { }";

    [Fact]
    public async Task Llama70B_bf16_on_one_H200_fits_no_plan_and_says_why()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{Llama70B}}
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1)] public partial class OneH200 { }
            [Deployment(typeof(Llama70B), {|#0:typeof(OneH200)|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.FitsNoPlan).WithLocation(0).WithMessage("Deployment 'Chat': Llama70B fits no plan on OneH200: " +
                "141.1 GB (131.4 GiB) of BF16 weights, 132.1 GiB with the KV cache of one 2176-token request, against 1 x H200 SXM 141GB " +
                "offering 123.9 GiB usable (123.89 GiB each after the vLLM reserve and activations); the smallest cluster of this GPU that fits " +
                "has 2 GPUs (1 node of 2); FP8 weights and KV cache would fit this cluster"));
    }

    [Fact]
    public async Task Llama405B_bf16_on_four_H200_fits_no_plan_and_names_the_smallest_cluster()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{Llama405BBf16}}
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 4)] public partial class FourH200 { }
            [Deployment(typeof(Llama405B), {|#0:typeof(FourH200)|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.FitsNoPlan).WithLocation(0).WithMessage("Deployment 'Chat': Llama405B fits no plan on FourH200: " +
                "811.7 GB (756.0 GiB) of BF16 weights, 757.0 GiB with the KV cache of one 2176-token request, against 4 x H200 SXM 141GB " +
                "offering 488.6 GiB usable (122.14 GiB each after the vLLM reserve and activations); the smallest cluster of this GPU that fits " +
                "has 7 GPUs (1 node of 7); FP8 weights and KV cache would fit this cluster"));
    }

    [Fact]
    public async Task A_pinned_plan_that_overflows_H200_memory_shows_the_per_gpu_breakdown()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), {|#0:TensorParallel = 2|}, PipelineParallel = 1)] public partial class Chat { }
            """,
            Diagnostic(Descriptors.WeightsExceedGpu).WithLocation(0).WithMessage("Deployment 'Chat': TP2 x PP1 x DP4 does not fit one H200 SXM 141GB: " +
                "per GPU weights 191.0 GiB + activations 2.4 GiB + reserve 16.3 GiB = 209.6 GiB exceed its 140.40 GiB; the best plan that fits is TP1 x PP8 x DP1"));
    }

    [Fact]
    public async Task Concurrency_beyond_every_plans_kv_cache()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{Llama70B}}
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 2)] public partial class TwoH200 { }
            [Deployment(typeof(Llama70B), typeof(TwoH200), {|#0:Concurrency = 2000|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ConcurrencyBeyondKvCache).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "no plan holds Concurrency = 2000 requests of 2176 tokens at once: the most any plan holds is 175 (TP1 x PP2 x DP1, 58.2 GiB of KV cache per GPU at 160.0 KiB per token); " +
                "the smallest cluster of this GPU that fits has 16 GPUs (2 nodes of 8)"));
    }

    [Fact]
    public async Task A_context_longer_than_the_kv_cache()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{Llama70B}}
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 2)] public partial class TwoH200 { }
            [Deployment(typeof(Llama70B), typeof(TwoH200), {|#0:MaxContext = 1000000|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ContextBeyondKvCache).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "one request of MaxContext = 1000000 tokens needs 152.59 GiB of KV cache per GPU, but the roomiest plan (TP1 x PP2 x DP1) has 58.18 GiB; " +
                "the smallest cluster of this GPU that fits has 4 GPUs (1 node of 4)"));
    }
}

public class PartitionTests
{
    [Fact]
    public async Task Pinned_degrees_are_checked_one_by_one()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), {|#0:{|#1:TensorParallel = 16|}|}, {|#2:PipelineParallel = 5|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.KvHeadsReplicated).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP16 exceeds the 8 KV heads, so each GPU keeps a whole replicated head: 256 bytes of KV per token per layer on each GPU instead of 128, 2x the KV cache an even split would need"),
            Diagnostic(Descriptors.PinnedDegreesDoNotTileCluster).WithLocation(1).WithMessage("Deployment 'Chat': " +
                "TP16 = 16 GPUs per replica does not divide the cluster's 8 GPUs; the best plan that fits is TP1 x PP8 x DP1"),
            Diagnostic(Descriptors.UnevenStages).WithLocation(2).WithMessage("Deployment 'Chat': " +
                "PP5 does not divide the 126 layers: stages hold 25 to 26 layers, and the slowest stage (26 layers) sets the pace, 3.2% slower than an even split of 25.20"));
    }

    [Fact]
    public async Task Tensor_parallelism_that_splits_no_heads()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 40, HiddenSize = 5120, AttentionHeads = 40, KeyValueHeads = 8, IntermediateSize = 13824, VocabSize = 32000)]
            public partial class Odd { }
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 6)] public partial class Six { }
            [Deployment(typeof(Odd), typeof(Six), {|#0:TensorParallel = 3|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.TensorParallelSplitsNoHeads).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP3 does not divide the 40 attention heads; the best plan that fits is TP1 x PP2 x DP3"));
    }

    [Fact]
    public async Task Expert_parallelism_that_splits_no_experts()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 32000, Experts = 8, ActiveExperts = 2)]
            public partial class Mixtral { }
            [Cluster(Gpu = Gpu.H100Sxm)] public partial class HgxH100 { }
            [Deployment(typeof(Mixtral), typeof(HgxH100), TensorParallel = 2, {|#0:ExpertParallel = 3|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ExpertParallelSplitsNoExperts).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "EP3 does not divide the 8 experts; the best plan that fits is TP1 x PP4 x DP2 x EP2"));
    }

    [Fact]
    public async Task Tensor_parallelism_across_nodes_warns_and_missed_latency_targets_name_the_best_plan()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm, Nodes = 2)] public partial class TwoHgx { }
            [Deployment(typeof(Llama405B), typeof(TwoHgx), {|#0:{|#1:TensorParallel = 16|}|}, PipelineParallel = 1,
                        {|#2:MaxTimePerOutputTokenMs = 5|}, {|#3:MaxTimeToFirstTokenMs = 20|})]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.KvHeadsReplicated).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP16 exceeds the 8 KV heads, so each GPU keeps a whole replicated head: 256 bytes of KV per token per layer on each GPU instead of 128, 2x the KV cache an even split would need"),
            Diagnostic(Descriptors.TensorParallelCrossesNodes).WithLocation(1).WithMessage("Deployment 'Chat': " +
                "TP16 spans 2 nodes of 8 GPUs: its all-reduces run over InfiniBand NDR (100 GB/s per GPU) instead of NVLink 4 (900 GB/s), twice per layer"),
            Diagnostic(Descriptors.TimePerOutputTokenUnreachable).WithLocation(2).WithMessage("Deployment 'Chat': " +
                "no plan meets MaxTimePerOutputTokenMs = 5 ms: the fastest, TP16 x PP1 x DP1, takes 25.18 ms per output token (39.7 tok/s per user) even for one request"),
            Diagnostic(Descriptors.TimeToFirstTokenUnreachable).WithLocation(3).WithMessage("Deployment 'Chat': " +
                "no plan meets MaxTimeToFirstTokenMs = 20 ms: the fastest, TP16 x PP1 x DP1, takes 1128.3 ms to the first token of a 2048-token prompt even for one request"));
    }

    [Fact]
    public async Task Expert_parallel_pins_are_judged_by_the_planners_own_rule()
    {
        // EP4 divides the 8 experts, but TP2 x PP4 leaves one replica whose TP x DP = 2 GPUs cannot host EP4.
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 32000, Experts = 8, ActiveExperts = 2)]
            public partial class Mixtral { }
            [Cluster(Gpu = Gpu.H100Sxm)] public partial class HgxH100 { }
            [Deployment(typeof(Mixtral), typeof(HgxH100), TensorParallel = 2, PipelineParallel = 4, {|#0:ExpertParallel = 4|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ExpertParallelExceedsRanks).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "EP4 does not divide the 2 GPUs of a stage's TP x DP ranks; the best plan that fits is TP1 x PP4 x DP2 x EP2"));
    }

    [Fact]
    public async Task Tensor_parallelism_inside_an_nvlink_domain_that_spans_trays_does_not_warn()
    {
        // 16 trays of 4 GB200 on one NVLink switch system: TP16 spans four trays but never leaves NVLink (no DS3005).
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.GB200, GpusPerNode = 4, Nodes = 16, NvLinkDomainGpus = 64)] public partial class Nvl72 { }
            [Deployment(typeof(Llama405B), typeof(Nvl72), {|#0:TensorParallel = 16|}, PipelineParallel = 2)]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.KvHeadsReplicated).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP16 exceeds the 8 KV heads, so each GPU keeps a whole replicated head: 256 bytes of KV per token per layer on each GPU instead of 128, 2x the KV cache an even split would need"));
    }

    [Fact]
    public async Task Tensor_parallelism_across_hgx_b200_nodes_warns()
    {
        // The same 64 GPUs and split as eight HGX B200 nodes: TP16 spans two nodes, over InfiniBand.
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.B200, GpusPerNode = 8, Nodes = 8)] public partial class HgxB200 { }
            [Deployment(typeof(Llama405B), typeof(HgxB200), {|#0:{|#1:TensorParallel = 16|}|}, PipelineParallel = 2)]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.KvHeadsReplicated).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP16 exceeds the 8 KV heads, so each GPU keeps a whole replicated head: 256 bytes of KV per token per layer on each GPU instead of 128, 2x the KV cache an even split would need"),
            Diagnostic(Descriptors.TensorParallelCrossesNodes).WithLocation(1).WithMessage("Deployment 'Chat': " +
                "TP16 spans 2 nodes of 8 GPUs: its all-reduces run over InfiniBand NDR (100 GB/s per GPU) instead of NVLink 5 (1800 GB/s), twice per layer"));
    }

    [Fact]
    public async Task An_nvlink_domain_that_is_not_whole_trays_is_an_invalid_cluster()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Cluster(Gpu = Gpu.GB200, GpusPerNode = 4, Nodes = 18, {|#0:NvLinkDomainGpus = 70|})] public partial class Nvl72 { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0).WithArguments("Nvl72",
                "NvLinkDomainGpus 70 spans nodes but is not a whole number of nodes of 4 GPUs (68 or 72 would be)"));
    }

    [Fact]
    public async Task An_nvlink_domain_on_a_gpu_without_nvlink_is_an_invalid_cluster()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Cluster(Gpu = Gpu.L4, GpusPerNode = 8, {|#0:NvLinkDomainGpus = 8|})] public partial class L4Box { }
            [Cluster(Gpu = Gpu.L4, GpusPerNode = 8, IntraNodeLink = Link.NvLink4, NvLinkDomainGpus = 8)] public partial class CustomBox { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0).WithArguments("L4Box",
                "NvLinkDomainGpus 8 is set, but the L4 24GB has no NVLink: its GPUs talk over PCIe Gen4 (leave NvLinkDomainGpus out, or set IntraNodeLink if this cluster has another link)"));
    }

    [Fact]
    public async Task Tensor_parallelism_beyond_an_nvlink_bridge_pair_runs_over_pcie()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Pcie, GpusPerNode = 8)] public partial class PcieBox { }
            [Deployment(typeof(Llama8B), typeof(PcieBox), {|#0:TensorParallel = 4|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.TensorParallelCrossesNodes).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "TP4 exceeds the 2 GPUs that NVLink bridge connects: its all-reduces run over PCIe Gen5 (128 GB/s per GPU) instead of NVLink bridge (600 GB/s), twice per layer"));
    }

    [Fact]
    public async Task Concurrency_capped_by_the_engines_batch_limit_says_so()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1)] public partial class OneH200 { }
            [Deployment(typeof(Llama8B), typeof(OneH200), InputTokens = 100, OutputTokens = 100, {|#0:Concurrency = 2000|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ConcurrencyBeyondBatchLimit).WithLocation(0).WithMessage("Deployment 'Chat': " +
                "no plan holds Concurrency = 2000 requests at once, and the KV cache is not what binds: the engine's batch limit of 1024 requests per replica caps the best plan (TP1 x PP1 x DP1) at 1024; raise MaxBatchSize or add replicas"));
    }
}
