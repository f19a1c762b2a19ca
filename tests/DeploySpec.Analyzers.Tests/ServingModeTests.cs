using System.Threading.Tasks;
using DeploySpec.Analyzers;
using DeploySpec.CodeFixes;
using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

/// <summary>DS2007: a deployment pinned to disaggregated serving whose cluster cannot hold two pools, and its code fix.</summary>
public class ServingModeTests
{
    private const string Models = """
        using DeploySpec;
        [Model(Name = "Llama 3.1 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256,
               Weights = Precision.Bf16, KvCache = Precision.Fp8)]
        public partial class Llama70B { }
        [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 2)] public partial class TwoH100 { }
        """;

    [Fact]
    public async Task Disaggregated_serving_on_a_cluster_with_room_for_one_worker_is_DS2007_at_the_mode_with_the_numbers()
    {
        // 141 GB of BF16 weights need two H100 per worker: two GPUs hold one worker, not a prefill and a decode pool.
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(TwoH100), {|#0:Mode = ServingMode.Disaggregated|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.NoDisaggregatedPlan).WithLocation(0).WithArguments("Chat", 2, 2, "TP1 x PP2 x DP1", "TP1 x PP2 x DP1",
                "; serve it aggregated (Mode = ServingMode.Aggregated), or give it more GPUs"));
    }

    [Fact]
    public async Task DS2007_is_fixed_by_serving_aggregated()
    {
        await CodeFixAsync(
            new[] { Models, "using DeploySpec;\n[Deployment(typeof(Llama70B), typeof(TwoH100), {|#0:Mode = ServingMode.Disaggregated|})] public partial class Chat { }" },
            new[] { Models, "using DeploySpec;\n[Deployment(typeof(Llama70B), typeof(TwoH100), Mode = ServingMode.Aggregated)] public partial class Chat { }" },
            DeploySpecCodeFixProvider.SetServingModeKey,
            new[] { Id(Descriptors.NoDisaggregatedPlan).WithLocation(0) });
    }
}
