using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

public class SpecificationTests
{
    private const string Cluster = "[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8)] public partial class HgxH200 { }";

    [Fact]
    public async Task A_valid_deployment_has_no_diagnostics()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248,
                   VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
            public partial class Llama405B { }
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1)]
            public partial class HgxH200 { }
            [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 2048, OutputTokens = 128)]
            public partial class Chat { }
            """);
    }

    [Fact]
    public async Task Negative_layer_count_is_flagged_at_its_argument()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model({|#0:Layers = -4|}, HiddenSize = 4096, AttentionHeads = 32, IntermediateSize = 14336, VocabSize = 32000)]
            public partial class Broken { }
            """,
            Diagnostic(Descriptors.InvalidModel).WithLocation(0).WithArguments("Broken", "Layers must be positive, but is -4"));
    }

    [Fact]
    public async Task Hidden_size_not_divisible_by_heads_without_head_dim()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4000, {|#0:AttentionHeads = 48|}, IntermediateSize = 14336, VocabSize = 32000)]
            public partial class Odd { }
            """,
            Diagnostic(Descriptors.InvalidModel).WithLocation(0)
                .WithArguments("Odd", "HiddenSize 4000 is not divisible by AttentionHeads 48; set HeadDim explicitly"));
    }

    [Fact]
    public async Task More_active_experts_than_experts()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
                   VocabSize = 32000, Experts = 8, {|#0:ActiveExperts = 10|})]
            public partial class Moe { }
            """,
            Diagnostic(Descriptors.InvalidModel).WithLocation(0).WithArguments("Moe", "ActiveExperts 10 exceeds Experts 8"));
    }

    [Fact]
    public async Task Cluster_and_deployment_values_are_checked()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Sxm, {|#0:GpusPerNode = 0|})]
            public partial class Empty { }
            [Cluster(Gpu = Gpu.H100Sxm)]
            public partial class One { }
            [Deployment(typeof(Llama8B), typeof(One), {|#1:OutputTokens = 0|}, {|#2:MaxTimePerOutputTokenMs = -1|})]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0).WithArguments("Empty", "GpusPerNode must be between 1 and 1024, but is 0"),
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(1).WithArguments("Chat", "OutputTokens must be between 1 and 10000000, but is 0"),
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(2).WithArguments("Chat", "MaxTimePerOutputTokenMs must be a finite number of milliseconds >= 0 (0 = no target), but is -1"));
    }

    [Fact]
    public async Task A_target_statistic_outside_the_enum_is_DS1003_at_the_statistic()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Sxm)]
            public partial class One { }
            [Deployment(typeof(Llama8B), typeof(One), MaxTimeToFirstTokenMs = 500, {|#0:TargetStatistic = (LatencyStatistic)95|})]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(0).WithArguments("Chat", "TargetStatistic value 95 is not Mean, P90 or P99"));
    }

    [Fact]
    public async Task A_price_below_zero_is_DS1002_at_the_price()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Sxm, {|#0:PricePerGpuHour = -2.5|})]
            public partial class Rented { }
            [Deployment(typeof(Llama8B), typeof(Rented), Objective = Objective.MinCost)]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidCluster).WithLocation(0).WithArguments("Rented",
                "PricePerGpuHour must be between 0 and 1,000,000 US dollars per GPU-hour (0 = the MSBuild default, else the catalog's reference price), but is -2.5"));
    }

    [Fact]
    public async Task Disaggregated_serving_with_a_pinned_degree_is_DS1003_at_the_mode()
    {
        await AnalyzerAsync("""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class Llama8B { }
            [Cluster(Gpu = Gpu.H100Sxm)]
            public partial class Node { }
            [Deployment(typeof(Llama8B), typeof(Node), {|#0:Mode = ServingMode.Disaggregated|}, TensorParallel = 2)]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(0).WithArguments("Chat",
                "Mode = Disaggregated searches each pool's split itself; pinned degrees (TensorParallel 2, PipelineParallel 0, ExpertParallel 0) apply to aggregated plans only: set them to 0 or serve aggregated"));
    }

    [Fact]
    public async Task A_vllm_token_budget_below_the_batch_limit_is_DS1003_at_the_budget_and_a_negative_one_names_its_bounds()
    {
        // TensorRT-LLM takes both (its iterations then run fewer requests); vLLM refuses to start.
        await AnalyzerAsync($$"""
            using DeploySpec;
            {{CapacityTests.Llama70B}}
            {{Cluster}}
            [Deployment(typeof(Llama70B), typeof(HgxH200), MaxBatchSize = 1024, {|#0:MaxBatchedTokens = 512|})] public partial class Chat { }
            [Deployment(typeof(Llama70B), typeof(HgxH200), Engine = ServingEngine.TensorRtLlm, MaxBatchSize = 1024, MaxBatchedTokens = 512)] public partial class OnTensorRt { }
            [Deployment(typeof(Llama70B), typeof(HgxH200), {|#1:MaxBatchedTokens = -1|})] public partial class Negative { }
            """,
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(0).WithArguments("Chat",
                "MaxBatchedTokens 512 is below MaxBatchSize 1024: each running request takes a token of every iteration, so vLLM refuses to start (max_num_batched_tokens must be at least max_num_seqs); raise MaxBatchedTokens to 1024 or lower MaxBatchSize to 512"),
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(1).WithArguments("Negative",
                "MaxBatchedTokens must be between 0 and 10000000 (tokens one engine iteration processes; 0 = the engine's default), but is -1"));
    }

    [Fact]
    public async Task Deployment_whose_model_type_lacks_the_attribute()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            public class NotAModel { }
            {{Cluster}}
            [Deployment({|#0:typeof(NotAModel)|}, typeof(HgxH200))]
            public partial class Chat { }
            """,
            Diagnostic(Descriptors.ModelTypeWithoutAttribute).WithLocation(0).WithArguments("Chat", "'NotAModel' is used as the model but is not marked [Model]"));
    }

    [Fact]
    public async Task Deployment_that_is_not_partial()
    {
        await AnalyzerAsync($$"""
            using DeploySpec;
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public class Llama8B { }
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(HgxH200))]
            public class {|#0:Chat|} { }
            """,
            Diagnostic(Descriptors.NotPartial).WithLocation(0).WithArguments("Chat", "'Chat' and the types that contain it must be partial so DeploySpec can add the planned members"));
    }

    [Fact]
    public async Task A_compilation_without_DeploySpec_gets_no_analysis()
    {
        await AnalyzerAsync("public class Model { } public class Cluster { }");
    }
}
