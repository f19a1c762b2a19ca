using CsCheck;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// Properties of the engine over random deployments (CsCheck: random model from the catalog, GPU, cluster shape,
/// lengths, engine, precisions). A failure prints the seed that reproduces it.
/// </summary>
public class PropertyTests
{
    private static readonly ModelArchitecture[] Models =
    {
        ModelCatalog.Llama31_8B, ModelCatalog.Llama31_70B, ModelCatalog.Llama31_405B, ModelCatalog.Llama2_70B,
        ModelCatalog.Mixtral8x7B, ModelCatalog.Qwen25_72B, ModelCatalog.DeepSeekV3, ModelCatalog.GptOss120B,
    };

    private static readonly Gen<DeploymentSpec> Deployments =
        from model in Gen.Int[0, Models.Length - 1]
        from gpu in Gen.Int[0, 8]
        from perNode in Gen.OneOf(1, 2, 4, 8)
        from nodes in Gen.OneOf(1, 2, 4)
        from input in Gen.Int[1, 32768]
        from output in Gen.Int[1, 4096]
        from engine in Gen.Int[0, 2]
        from weights in Gen.OneOf(Precision.Bf16, Precision.Fp8, Precision.Fp4)
        from kv in Gen.OneOf(Precision.Bf16, Precision.Fp8)
        select new DeploymentSpec
        {
            Name = "Prop",
            Model = Models[model] with { Weights = weights, KvCache = kv },
            Cluster = new ClusterSpec { Name = "C", Gpu = (Gpu)gpu, GpusPerNode = perNode, Nodes = nodes },
            InputTokens = input,
            OutputTokens = output,
            Engine = (ServingEngine)engine,
        };

    private const int Iterations = 150;

    [Fact]
    public void Requests_held_shrink_and_fits_turn_to_misfits_as_the_context_grows()
    {
        Gen.Select(Deployments, Gen.Int[1, 65536]).Sample((d, extra) =>
        {
            var longer = d with { InputTokens = d.InputTokens + extra };
            foreach (var degrees in Planner.Candidates(d).Take(6))
            {
                var a = MemoryModel.PerGpu(d, degrees);
                var b = MemoryModel.PerGpu(longer, degrees);
                Assert.True(b.RequestsPerReplica <= a.RequestsPerReplica, $"{degrees}: {a.RequestsPerReplica} requests, {b.RequestsPerReplica} when longer");
                Assert.True(!b.Fits || a.Fits, $"{degrees} fits the longer requests but not the shorter ones");
                var layout = StageLayout.Create(d.Model.Layers, degrees.PipelineParallel);
                Assert.True(MemoryModel.KvBytesPerRequest(d.Model, layout, 0, degrees.TensorParallel, longer.TokensPerRequest, 16) >=
                            MemoryModel.KvBytesPerRequest(d.Model, layout, 0, degrees.TensorParallel, d.TokensPerRequest, 16));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_concurrency_requirement_keeps_exactly_the_plans_that_hold_it()
    {
        Gen.Select(Deployments, Gen.Int[1, 4096]).Sample((d, concurrency) =>
        {
            // Aggregated plans: a disaggregated plan's ratio of workers is chosen among the candidates that hold the
            // requirement, so the requirement may change which ratio a pair of worker shapes gets.
            var aggregated = d with { Mode = ServingMode.Aggregated };
            var all = Planner.Plan(aggregated);
            var required = Planner.Plan(aggregated with { Concurrency = concurrency });
            var expected = all.Plans.Where(p => p.Plan.MaxConcurrency >= concurrency).Select(p => p.Pool.Degrees).OrderBy(x => x.ToString()).ToList();
            Assert.Equal(expected, required.Plans.Select(p => p.Pool.Degrees).OrderBy(x => x.ToString()).ToList());
            Assert.All(Planner.Plan(d with { Concurrency = concurrency }).Plans, p => Assert.True(p.Plan.MaxConcurrency >= concurrency));
        }, iter: Iterations);
    }

    [Fact]
    public void More_nodes_never_reduce_the_best_throughput()
    {
        Deployments.Sample(d =>
        {
            double Best(DeploymentSpec s) => Planner.Plan(s).Plans.Select(p => p.Peak.OutputTokensPerSecond).DefaultIfEmpty(0).Max();
            double small = Best(d);
            double large = Best(d with { Cluster = d.Cluster with { Nodes = d.Cluster.Nodes * 2 } });
            Assert.True(large >= small * (1 - 1e-12), $"{small} tok/s on {d.Cluster.TotalGpus} GPUs, {large} on twice as many");
        }, iter: Iterations);
    }

    [Fact]
    public void Memory_adds_up_and_max_concurrency_is_what_the_kv_cache_and_batch_limit_allow()
    {
        Deployments.Sample(d =>
        {
            foreach (var plan in Planner.Plan(d).Plans)
            {
                var m = plan.Pool.Memory;
                Assert.Equal(m.CapacityBytes, m.WeightsBytes + m.KvCacheBytes + m.ActivationsBytes + m.ReserveBytes, 3);
                Assert.True(m.ReserveBytes >= 0 && m.ActivationsBytes >= 0 && m.WeightsBytes > 0);
                int byKv = (int)Math.Floor(m.KvCacheBytes / m.KvBytesPerRequestPerGpu);
                Assert.Equal(Math.Min(byKv, MemoryModel.MaxBatchSize(d)), m.RequestsPerReplica);
                Assert.Equal(Units.Requests(m.RequestsPerReplica, plan.Pool.Degrees.DataParallel), plan.Plan.MaxConcurrency);
                Assert.True(m.RequestsPerReplica * m.KvBytesPerRequestPerGpu <= m.KvCacheBytes);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Estimates_are_finite_positive_and_within_the_physical_bounds()
    {
        Gen.Select(Deployments, Gen.Int[1, 100_000]).Sample((d, concurrency) =>
        {
            var gpu = GpuCatalog.Get(d.Cluster.Gpu);
            double activeFlopsPerToken = 2 * ModelMath.ActiveParameters(d.Model);
            foreach (var plan in Planner.Plan(d).Plans)
            {
                Assert.True(plan.Costs.IsFinite);
                // The plan's whole costs: a disaggregated plan's decode pool alone prefills nothing (its TTFT would be 0).
                var e = CostEvaluator.Evaluate(plan.Costs, concurrency);
                foreach (double v in new[] { e.TimeToFirstTokenMs, e.TimePerOutputTokenMs, e.OutputTokensPerSecond, e.OutputTokensPerSecondPerGpu })
                {
                    Assert.True(v > 0 && !double.IsInfinity(v) && !double.IsNaN(v), e.ToString());
                }

                // No plan outruns every GPU that decodes computing at its datasheet peak, nor a single request
                // streaming the weights of a dense model's GPU at its datasheet bandwidth.
                double computeBound = plan.Pool.Degrees.GpuCount * gpu.MatmulFlopsPerSecond(d.Model.Weights) / activeFlopsPerToken;
                Assert.True(e.OutputTokensPerSecond <= computeBound, $"{e.OutputTokensPerSecond} tok/s above the {computeBound} compute bound");
                if (!d.Model.IsMoe && plan.Pool.Degrees.PipelineParallel == 1)
                {
                    // Every weight but the input embedding (one row is read per token) is streamed for each token.
                    double embedding = d.Model.TiedEmbeddings ? 0 : ModelMath.EmbeddingParameters(d.Model) * ModelMath.AuxiliaryBytesPerParameter(d.Model) / plan.Pool.Degrees.TensorParallel;
                    double streamBound = (plan.Pool.Memory.WeightsBytes - embedding) / gpu.MemoryBandwidthBytesPerSecond * 1e3;
                    Assert.True(plan.SingleRequest.TimePerOutputTokenMs >= streamBound, $"TPOT {plan.SingleRequest.TimePerOutputTokenMs} ms below the {streamBound} ms bandwidth bound");
                }
            }
        }, iter: Iterations);
    }
}
