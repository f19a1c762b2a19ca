using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

/// <summary>The rules split out when every rule got its own message format; the examples of their help pages.</summary>
public class NewRuleTests
{
    [Fact]
    public async Task DS2004_a_pinned_plan_with_no_room_for_one_request()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), {|#0:TensorParallel = 2|}, PipelineParallel = 2, MaxContext = 1000000)] public partial class Chat { }
            """,
            Diagnostic(Descriptors.NoRoomForOneRequest).WithLocation(0).WithMessage(
                "Deployment 'Chat': TP2 x PP2 x DP2 does not fit one H200 SXM 141GB: per GPU weights 95.5 GiB + activations 3.3 GiB + reserve 16.2 GiB " +
                "leave 25.40 GiB of its 140.40 GiB for the KV cache, and one request of 1000000 tokens needs 60.08 GiB; the best plan that fits is TP1 x PP8 x DP1"));
    }

    [Fact]
    public async Task DS3007_more_pipeline_stages_than_layers()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Sxm, Nodes = 8)] public partial class EightHgx { }
            [Deployment(typeof(Llama8B), typeof(EightHgx), {|#0:PipelineParallel = 64|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.PipelineDeeperThanModel).WithLocation(0).WithMessage(
                "Deployment 'Chat': PP64 exceeds the model's 32 layers; the best plan that fits is TP1 x PP2 x DP32"));
    }

    [Fact]
    public async Task DS3009_expert_parallelism_on_a_dense_model()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), {|#0:ExpertParallel = 8|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ExpertParallelOnDenseModel).WithLocation(0).WithMessage(
                "Deployment 'Chat': EP8 on a dense model (no experts); the best plan that fits is TP1 x PP8 x DP1"));
    }

    [Fact]
    public async Task DS4003_no_single_plan_meets_both_targets()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama405BFp8}}
            [Cluster(Gpu = Gpu.H200Sxm, Nodes = 2)] public partial class TwoHgx { }
            [{|#0:Deployment(typeof(Llama405B), typeof(TwoHgx), MaxTimePerOutputTokenMs = 16, MaxTimeToFirstTokenMs = 500)|}] public partial class Chat { }
            """,
            Diagnostic(Descriptors.TargetsNotJointlyReachable).WithLocation(0).WithMessage(
                "Deployment 'Chat': no single plan meets both targets: TP16 x PP1 x DP1 reaches TPOT 15.32 ms but TTFT 1124.0 ms; " +
                "TP8 x PP1 x DP2 reaches TTFT 300.4 ms but TPOT 18.22 ms"));
    }
}
