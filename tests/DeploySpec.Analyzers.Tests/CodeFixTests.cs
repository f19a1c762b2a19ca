using DeploySpec.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

public class CodeFixTests
{
    private const string Model70B = """
        using DeploySpec;
        [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256)]
        public partial class Llama70B { }
        """;

    private const string OneH200 = """
        using DeploySpec;
        [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1)]
        public partial class OneH200 { }
        """;

    private const string Deployment = """
        using DeploySpec;
        [Deployment(typeof(Llama70B), {|#0:typeof(OneH200)|})]
        public partial class Chat { }
        """;

    private const string DeploymentFixed = """
        using DeploySpec;
        [Deployment(typeof(Llama70B), typeof(OneH200))]
        public partial class Chat { }
        """;

    private static readonly DiagnosticResult[] NoFit = { Id(Descriptors.FitsNoPlan).WithLocation(0) };

    [Fact]
    public async Task Switches_the_model_in_its_own_file_to_fp8()
    {
        await CodeFixAsync(
            new[] { Model70B, OneH200, Deployment },
            new[]
            {
                """
                using DeploySpec;
                [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
                public partial class Llama70B { }
                """,
                OneH200,
                DeploymentFixed,
            },
            DeploySpecCodeFixProvider.UseFp8Key, NoFit);
    }

    [Fact]
    public async Task Scales_the_cluster_to_the_smallest_size_that_fits()
    {
        await CodeFixAsync(
            new[] { Model70B, OneH200, Deployment },
            new[]
            {
                Model70B,
                """
                using DeploySpec;
                [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 2, Nodes = 1)]
                public partial class OneH200 { }
                """,
                DeploymentFixed,
            },
            DeploySpecCodeFixProvider.ScaleClusterKey, NoFit);
    }

    [Fact]
    public async Task Pins_the_best_plan_that_fits_and_fixes_all_deployments()
    {
        const string Model = """
            using DeploySpec;
            [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
            public partial class Llama405B { }
            [Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }
            """;
        await CodeFixAsync(
            new[]
            {
                Model,
                """
                using DeploySpec;
                [Deployment(typeof(Llama405B), typeof(HgxH200), {|#0:TensorParallel = 2|}, PipelineParallel = 1)]
                public partial class Chat { }
                [Deployment(typeof(Llama405B), typeof(HgxH200), {|#1:TensorParallel = 3|})]
                public partial class Batch { }
                """,
            },
            new[]
            {
                Model,
                """
                using DeploySpec;
                [Deployment(typeof(Llama405B), typeof(HgxH200), TensorParallel = 1, {|#0:PipelineParallel = 8|})]
                public partial class Chat { }
                [Deployment(typeof(Llama405B), typeof(HgxH200), TensorParallel = 1, {|#1:PipelineParallel = 8|})]
                public partial class Batch { }
                """,
            },
            DeploySpecCodeFixProvider.PinPlanKey,
            new[]
            {
                Id(Descriptors.WeightsExceedGpu).WithLocation(0),
                Id(Descriptors.TensorParallelSplitsNoHeads).WithLocation(1),
                Id(Descriptors.PinnedDegreesDoNotTileCluster).WithLocation(1),
            },
            // The pinned best plan is PP8, and 126 layers split unevenly over 8 stages: a true warning remains.
            remaining: new[] { Id(Descriptors.UnevenStages).WithLocation(0), Id(Descriptors.UnevenStages).WithLocation(1) },
            incrementalIterations: 2); // one fix per deployment one at a time; Fix All does both in one pass
    }

    [Fact]
    public async Task Uses_an_fp8_kv_cache_when_only_the_context_does_not_fit()
    {
        await CodeFixAsync(
            new[]
            {
                Model70B,
                """
                using DeploySpec;
                [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 2)] public partial class TwoH200 { }
                [Deployment(typeof(Llama70B), typeof(TwoH200), {|#0:MaxContext = 600000|})] public partial class Chat { }
                """,
            },
            new[]
            {
                """
                using DeploySpec;
                [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, KvCache = Precision.Fp8)]
                public partial class Llama70B { }
                """,
                """
                using DeploySpec;
                [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 2)] public partial class TwoH200 { }
                [Deployment(typeof(Llama70B), typeof(TwoH200), MaxContext = 600000)] public partial class Chat { }
                """,
            },
            DeploySpecCodeFixProvider.UseFp8KvCacheKey,
            new[] { Id(Descriptors.ContextBeyondKvCache).WithLocation(0) });
    }

    [Fact]
    public async Task Fp8_fix_leaves_a_narrower_kv_cache_alone()
    {
        await CodeFixAsync(
            new[]
            {
                """
                using DeploySpec;
                [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, KvCache = Precision.Fp4)]
                public partial class Llama70B { }
                """,
                OneH200,
                Deployment,
            },
            new[]
            {
                """
                using DeploySpec;
                [Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, KvCache = Precision.Fp4, Weights = Precision.Fp8)]
                public partial class Llama70B { }
                """,
                OneH200,
                DeploymentFixed,
            },
            DeploySpecCodeFixProvider.UseFp8Key, NoFit);
    }
}
