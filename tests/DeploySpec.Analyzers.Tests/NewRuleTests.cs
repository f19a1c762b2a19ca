using System.Globalization;
using DeploySpec.Engine.Cost;
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
                "Deployment 'Chat': TP2 x PP2 x DP2 does not fit one H200 SXM 141GB: per GPU weights 95.5 GiB + activations 2.4 GiB + reserve 16.3 GiB " +
                "leave 26.28 GiB of its 140.40 GiB for the KV cache, and one request of 1000000 tokens needs 60.08 GiB; the best plan that fits is TP1 x PP8 x DP1"));
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
                "Deployment 'Chat': PP64 exceeds the model's 32 layers; the best plan that fits is TP1 x PP1 x DP64"));
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
            [{|#0:Deployment(typeof(Llama405B), typeof(TwoHgx), MaxTimePerOutputTokenMs = 26, MaxTimeToFirstTokenMs = 500)|}] public partial class Chat { }
            """,
            Diagnostic(Descriptors.TargetsNotJointlyReachable).WithLocation(0).WithMessage(
                "Deployment 'Chat': no single plan meets both targets: TP16 x PP1 x DP1 reaches TPOT 25.18 ms but TTFT 1128.3 ms; " +
                "TP8 x PP1 x DP2 reaches TTFT 299.5 ms but TPOT 27.42 ms"));
    }

    [Fact]
    public async Task DS4004_a_rate_that_saturates_every_plan()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama70BFp8}}
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class Pair { }
            [Deployment(typeof(Llama70B), typeof(Pair), InputTokens = 5000, OutputTokens = 500, {|#0:RequestsPerSecond = 50|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.RateNotServed).WithLocation(0).WithMessage(
                "Deployment 'Chat': no plan serves RequestsPerSecond = 50 within the latency targets: the best at that rate, TP2 x PP1 x DP1, " +
                "saturates: it serves at most 1.78 requests/s"));
    }

    [Fact]
    public async Task DS4004_a_rate_served_only_beyond_the_latency_targets()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama70BFp8}}
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class Pair { }
            [Deployment(typeof(Llama70B), typeof(Pair), InputTokens = 5000, OutputTokens = 500, MaxTimePerOutputTokenMs = 30, {|#0:RequestsPerSecond = 1.5|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.RateNotServed).WithLocation(0).WithMessage(
                "Deployment 'Chat': no plan serves RequestsPerSecond = 1.5 within the latency targets: the best at that rate, TP2 x PP1 x DP1, " +
                "gives TTFT 1071.1 ms and TPOT 56.02 ms"));
    }

    [Fact]
    public async Task A_rate_the_plans_serve_within_the_targets_raises_nothing()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama70BFp8}}
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class Pair { }
            [Deployment(typeof(Llama70B), typeof(Pair), InputTokens = 5000, OutputTokens = 500, MaxTimePerOutputTokenMs = 60, RequestsPerSecond = 0.5)] public partial class Chat { }
            """);
    }

    [Fact]
    public async Task DS4005_names_the_axes_a_deployments_winners_are_extrapolated_along()
    {
        await AnalyzerWithExtrapolationAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)] public partial class Llama8B { }
            [Cluster(Gpu = Gpu.L40S, GpusPerNode = 2)] public partial class Pair { }
            [{|#0:Deployment(typeof(Llama8B), typeof(Pair))|}] public partial class Chat { }
            """,
            Diagnostic(Descriptors.EstimatesExtrapolated).WithLocation(0).WithMessage(
                "Deployment 'Chat': the estimates of its winners TP1 x PP2 x DP1, TP2 x PP1 x DP1 are extrapolated beyond the calibration data " +
                "along GPU generation, precision: read them as plus or minus 24% (docs/accuracy.md)"));
    }

    [Fact]
    public async Task DS4005_names_a_layer_kind_no_row_measured_as_not_measured_and_borrows_no_error_for_it()
    {
        // Llama 3.1 8B's shape in FP8 on two H100 with TensorRT-LLM lies inside the data (DS4005 stays silent on it, the
        // test below): a sliding window on half its layers lies beyond the data along the layer kind alone, which no
        // group of rows measures, so the band stays the calibrated corner's.
        await AnalyzerWithExtrapolationAsync($$"""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256, Weights = Precision.Fp8, SlidingWindow = 4096, SlidingWindowLayers = 16)] public partial class Windowed { }
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class Pair { }
            [{|#0:Deployment(typeof(Windowed), typeof(Pair), Engine = ServingEngine.TensorRtLlm)|}] public partial class Chat { }
            """,
            Diagnostic(Descriptors.EstimatesExtrapolated).WithLocation(0).WithMessage(
                "Deployment 'Chat': the estimates of its winners TP1 x PP1 x DP2, TP2 x PP1 x DP1 are extrapolated beyond the calibration data " +
                "along layer kind (not measured): read them as plus or minus " + (CostCalibration.Default.Band.Calibrated * 100).ToString("0", CultureInfo.InvariantCulture) + "% (docs/accuracy.md)"));
    }

    [Fact]
    public async Task DS4005_stays_silent_inside_the_calibration_data()
    {
        await AnalyzerWithExtrapolationAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama70BFp8}}
            [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class Pair { }
            [Deployment(typeof(Llama70B), typeof(Pair), InputTokens = 5000, OutputTokens = 500, Engine = ServingEngine.TensorRtLlm)] public partial class Chat { }
            """);
    }
}
