using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// DS2xxx: why a deployment has no plan (pinned plans that overflow memory, concurrency or context beyond the
    /// KV cache, a model that fits no plan on its cluster), with what would make it fit.
    /// </summary>
    internal static class CapacityChecks
    {
        private const double GiB = Units.BytesPerGiB;

        public static void ExplainNoPlan(Judgement c, PlanningResult result, bool pinnedError)
        {
            var spec = c.Spec;
            if (spec.Mode == ServingMode.Disaggregated && Planner.Plan(spec with { Mode = ServingMode.Aggregated }, cancellationToken: c.Cancel) is { HasPlans: true } aggregated)
            {
                // Aggregated plans fit: what is missing is room for two pools, each of at least one worker.
                var smallest = aggregated.Plans.OrderBy(p => p.Pool.Degrees.TensorParallel * p.Pool.Degrees.PipelineParallel).ThenBy(p => p.Plan.Index).First();
                int workerGpus = smallest.Pool.Degrees.TensorParallel * smallest.Pool.Degrees.PipelineParallel;
                c.Findings.Add(Finding.Of(Rules.NoDisaggregatedPlan, FindingTarget.Argument(nameof(DeploymentAttribute.Mode)), spec.Name,
                    spec.Cluster.TotalGpus, workerGpus, PartitionPlan.Label(smallest.Pool.Degrees.TensorParallel, smallest.Pool.Degrees.PipelineParallel, 1, 1),
                    aggregated.Recommended!.Plan.ToString()).WithRemedy("; serve it aggregated (Mode = ServingMode.Aggregated), or give it more GPUs", new Fix[] { new SetServingMode(ServingMode.Aggregated) }));
                return;
            }

            var sized = result.Rejected.Where(r => r.Memory is not null).ToList();
            if (CandidateRules.IsPinned(spec) && sized.Count > 0 && sized.All(r => r.Kind is RejectionKind.Memory or RejectionKind.Context) && c.Best is not null)
            {
                var closest = sized.OrderByDescending(r => r.Memory!.KvCacheBytes).First();
                c.AddWithBestPlan(CandidateRules.Misfit(spec, closest.Degrees, closest.Memory!), CandidateRules.PinnedTarget(spec));
                return;
            }

            if (pinnedError && result.Rejected.All(r => r.Kind == RejectionKind.Partition))
            {
                return; // the pinned degrees' own findings say why
            }

            FindingTarget concurrency = FindingTarget.Argument(nameof(DeploymentAttribute.Concurrency)), maxContext = FindingTarget.Argument(nameof(DeploymentAttribute.MaxContext));
            if (spec.Concurrency > 0 && result.Rejected.Any(r => r.Kind == RejectionKind.Concurrency))
            {
                var relaxed = Planner.Plan(spec with { Concurrency = 0 }, cancellationToken: c.Cancel);
                var best = relaxed.Plans.OrderByDescending(p => p.Plan.MaxConcurrency).First();
                int batchLimit = MemoryModel.MaxBatchSize(spec);
                if (best.Pool.Memory.RequestsPerReplica >= batchLimit)
                {
                    c.Add(Rules.ConcurrencyBeyondBatchLimit, concurrency, spec.Concurrency, batchLimit, best.Plan.ToString(), best.Plan.MaxConcurrency);
                    return;
                }

                var fit = FitAdvisor.Analyze(spec, c.Cancel);
                c.Findings.Add(Finding.Of(Rules.ConcurrencyBeyondKvCache, concurrency, spec.Name,
                    spec.Concurrency, spec.TokensPerRequest, best.Plan.MaxConcurrency, best.Plan.ToString(), best.Pool.Memory.KvCacheBytes / GiB,
                    best.Pool.Memory.KvBytesPerTokenPerGpu / 1024).WithRemedy(Remedies(fit, kvOnly: true), ClusterFixes(fit, spec, kvOnly: true)));
                return;
            }

            if (spec.MaxContext > 0 && Planner.Plan(spec with { MaxContext = 0 }, cancellationToken: c.Cancel) is { HasPlans: true } shorter)
            {
                var roomiest = shorter.Plans.OrderByDescending(p => p.Pool.Memory.KvCacheBytes).First();
                var needed = MemoryModel.PerGpu(spec, roomiest.Pool.Degrees);
                var fit = FitAdvisor.Analyze(spec, c.Cancel);
                c.Findings.Add(Finding.Of(Rules.ContextBeyondKvCache, maxContext, spec.Name,
                    spec.MaxContext, needed.KvBytesPerContextPerGpu / GiB, roomiest.Plan.ToString(), roomiest.Pool.Memory.KvCacheBytes / GiB)
                    .WithRemedy(Remedies(fit, kvOnly: true), ClusterFixes(fit, spec, kvOnly: true)));
                return;
            }

            var report = FitAdvisor.Analyze(spec, c.Cancel);
            var gpu = GpuCatalog.Of(spec.Cluster);
            c.Findings.Add(Finding.Of(Rules.FitsNoPlan, FindingTarget.ClusterArgument, spec.Name,
                spec.Model.Name, spec.Cluster.Name, report.WeightBytes / 1e9, report.WeightBytes / GiB, spec.Model.Weights.ToString().ToUpperInvariant(),
                report.WeightAndOneRequestBytes / GiB, spec.ContextTokens, spec.Cluster.TotalGpus, gpu.Name, report.ClusterUsableBytes / GiB,
                report.UsableBytesPerGpu / GiB, DeploySpec.Serving.ServingEngineProfile.For(spec.Engine).DisplayName)
                .WithRemedy(Remedies(report, kvOnly: false), ClusterFixes(report, spec, kvOnly: false)));
        }

        private static IReadOnlyList<Fix> ClusterFixes(FitReport fit, DeploymentSpec spec, bool kvOnly)
        {
            var fixes = new List<Fix>();
            if (fit.SmallestFittingCluster is { } smallest)
            {
                fixes.Add(new ScaleCluster(smallest.GpusPerNode, smallest.Nodes));
            }

            if (!kvOnly && fit.FitsWithFp8)
            {
                fixes.Add(new UseFp8(KvCacheToo: FitAdvisor.Smaller(spec.Model.KvCache, Precision.Fp8) != spec.Model.KvCache));
            }

            if (fit.FitsWithFp8KvCache)
            {
                fixes.Add(new UseFp8KvCache());
            }

            return fixes;
        }

        private static string Remedies(FitReport fit, bool kvOnly)
        {
            var parts = new List<string>();
            parts.Add(fit.SmallestFittingCluster is { } smallest
                ? "the smallest cluster of this GPU that fits has " + smallest.TotalGpus + " GPUs (" + smallest.Nodes + " node" + (smallest.Nodes == 1 ? "" : "s") + " of " + smallest.GpusPerNode + ")"
                : "no cluster of this GPU up to " + FitAdvisor.MaxNodesSearched + " nodes fits");
            if (!kvOnly && fit.FitsWithFp8)
            {
                parts.Add("FP8 weights and KV cache would fit this cluster");
            }
            else if (fit.FitsWithFp8KvCache)
            {
                parts.Add("an FP8 KV cache would fit this cluster");
            }

            return "; " + string.Join("; ", parts);
        }
    }
}
