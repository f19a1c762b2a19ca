using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// The one place that judges a deployment: pinned degrees that cannot split the model or tile the cluster,
    /// plans that do not fit memory, concurrency or context beyond the KV cache, latency targets no plan meets.
    /// Built on the planner's own candidate enumeration (<see cref="CandidateRules"/>), so what the analyzers report
    /// and what the generator plans cannot disagree. Every planner run honours the cancellation token.
    /// </summary>
    public static class Diagnosis
    {
        private const double GiB = Units.BytesPerGiB;

        /// <summary>Every finding about a deployment whose model, cluster and settings are each valid.</summary>
        public static IReadOnlyList<Finding> Explain(DeploymentSpec spec, CancellationToken cancellationToken = default)
        {
            var context = new Context(spec, cancellationToken);
            bool pinnedError = PinnedDegrees(context);
            var result = PlanCache.Plan(spec, cancellationToken);
            if (result.Plans.FirstOrDefault(p => !p.Coefficients.IsFinite) is { } broken)
            {
                context.Findings.Add(Finding.Of(Rules.EngineFailure, Finding.ClusterArgument, spec.Name,
                    "the cost model produced a non-finite estimate for " + broken.Plan));
            }
            else if (!result.HasPlans)
            {
                NoPlan(context, result, pinnedError);
            }
            else
            {
                if (!result.RecommendedMeetsTargets)
                {
                    Targets(context, result);
                }

                Extrapolated(context, result);
            }

            return context.Findings;
        }

        /// <summary>The deployment, its findings so far, and the best unpinned plan (planned once, when first needed).</summary>
        private sealed class Context
        {
            private EvaluatedPlan? _best;
            private bool _bestKnown;

            public Context(DeploymentSpec spec, CancellationToken cancellationToken)
            {
                Spec = spec;
                Cancel = cancellationToken;
            }

            public DeploymentSpec Spec { get; }
            public CancellationToken Cancel { get; }
            public List<Finding> Findings { get; } = new();

            public EvaluatedPlan? Best
            {
                get
                {
                    if (!_bestKnown)
                    {
                        _best = Planner.Plan(FitAdvisor.Unpinned(Spec), cancellationToken: Cancel).Recommended;
                        _bestKnown = true;
                    }

                    return _best;
                }
            }

            /// <summary>A finding about pinned degrees, with the best plan that fits as its remedy and fix.</summary>
            public void AddWithBestPlan(Finding finding, string? property = null)
            {
                var best = Best;
                var arguments = finding.Arguments.ToArray();
                arguments[arguments.Length - 1] = best is null ? "" : "; the best plan that fits is " + best.Degrees;
                Findings.Add(finding with
                {
                    Property = property ?? finding.Property,
                    Arguments = arguments,
                    Fixes = best is null ? Array.Empty<Fix>() : new Fix[] { new PinPlan(best.Degrees) },
                });
            }

            public void Add(Rule rule, string property, params object[] arguments) =>
                Findings.Add(Finding.Of(rule, property, Spec.Name, arguments));
        }

        /// <summary>Each pinned degree on its own; true when an error was found.</summary>
        private static bool PinnedDegrees(Context c)
        {
            var spec = c.Spec;
            var model = spec.Model;
            var cluster = spec.Cluster;
            int total = cluster.TotalGpus, tp = spec.TensorParallel, pp = spec.PipelineParallel, ep = spec.ExpertParallel;
            const string Tp = nameof(DeploymentAttribute.TensorParallel), Pp = nameof(DeploymentAttribute.PipelineParallel);
            bool error = false;

            if (tp > 0)
            {
                if (CandidateRules.Heads(spec, tp) is { } heads)
                {
                    c.AddWithBestPlan(heads);
                    error = true;
                }
                else if (!model.IsMla && tp > model.EffectiveKeyValueHeads)
                {
                    double actual = ModelMath.KvBytesPerTokenPerLayer(model, tp);
                    double ideal = actual * model.EffectiveKeyValueHeads / tp;
                    c.Add(Rules.KvHeadsReplicated, Tp, tp, model.EffectiveKeyValueHeads, actual, ideal, actual / ideal);
                }

                if (total % tp != 0)
                {
                    c.AddWithBestPlan(Finding.Of(Rules.PinnedDegreesDoNotTileCluster, Tp, spec.Name, "TP" + tp, tp, total, ""));
                    error = true;
                }
                else if (Topology.GroupLink(cluster, tp) != Topology.ScaleUpLink(cluster))
                {
                    var fast = Topology.ScaleUpLink(cluster);
                    var slow = Topology.GroupLink(cluster, tp);
                    string where = tp > cluster.GpusPerNode
                        ? "spans " + (tp + cluster.GpusPerNode - 1) / cluster.GpusPerNode + " nodes of " + cluster.GpusPerNode + " GPUs"
                        : "exceeds the " + Topology.ScaleUpDomainGpus(cluster) + " GPUs that " + LinkCatalog.DisplayName(fast) + " connects";
                    c.Add(Rules.TensorParallelCrossesNodes, Tp, tp, where, LinkCatalog.DisplayName(slow), LinkCatalog.BidirectionalBytesPerSecond(slow) / 1e9,
                        LinkCatalog.DisplayName(fast), LinkCatalog.BidirectionalBytesPerSecond(fast) / 1e9);
                }
            }

            if (pp > 0)
            {
                if (CandidateRules.Layers(spec, pp) is { } layers)
                {
                    c.AddWithBestPlan(layers);
                    error = true;
                }
                else if (model.Layers % pp != 0)
                {
                    var layout = StageLayout.Create(model.Layers, pp);
                    int slowest = layout.MaxLayers;
                    int fewest = Enumerable.Range(0, pp).Min(layout.LayerCount);
                    c.Add(Rules.UnevenStages, Pp, pp, model.Layers, fewest, slowest,
                        100.0 * (slowest * pp / (double)model.Layers - 1), model.Layers / (double)pp);
                }

                long group = (long)(tp > 0 ? tp : 1) * pp; // pins are bounded one by one; their product may pass an int
                if (total % group != 0 && (tp == 0 || total % tp == 0))
                {
                    c.AddWithBestPlan(Finding.Of(Rules.PinnedDegreesDoNotTileCluster, Pp, spec.Name, "TP" + (tp > 0 ? tp : 1) + " x PP" + pp, group, total, ""));
                    error = true;
                }
            }

            if (ep > 1 && CandidateRules.ExpertStructure(spec, ep) is { } experts)
            {
                c.AddWithBestPlan(experts);
                error = true;
            }

            // Whatever the checks above let through, the planner's own candidate enumeration decides: pins that
            // leave no candidate at all are reported with the rejections' own findings.
            if (!error && CandidateRules.IsPinned(spec))
            {
                var rejected = new List<RejectedPlan>();
                if (!Planner.Candidates(spec, rejected).Any())
                {
                    var distinct = rejected.Select(r => r.Finding).GroupBy(f => f.Message).Select(g => g.First()).ToList();
                    foreach (var finding in distinct)
                    {
                        c.AddWithBestPlan(finding, IsPinned(spec, finding.Property) ? finding.Property : CandidateRules.PinnedProperty(spec));
                    }

                    error = distinct.Count > 0;
                }
            }

            return error;
        }

        private static bool IsPinned(DeploymentSpec spec, string property) => property switch
        {
            nameof(DeploymentAttribute.TensorParallel) => spec.TensorParallel > 0,
            nameof(DeploymentAttribute.PipelineParallel) => spec.PipelineParallel > 0,
            nameof(DeploymentAttribute.ExpertParallel) => spec.ExpertParallel > 0,
            _ => false,
        };

        private static void NoPlan(Context c, PlanningResult result, bool pinnedError)
        {
            var spec = c.Spec;
            var sized = result.Rejected.Where(r => r.Memory is not null).ToList();
            if (CandidateRules.IsPinned(spec) && sized.Count > 0 && sized.All(r => r.Kind is RejectionKind.Memory or RejectionKind.Context) && c.Best is not null)
            {
                var closest = sized.OrderByDescending(r => r.Memory!.KvCacheBytes).First();
                c.AddWithBestPlan(CandidateRules.Misfit(spec, closest.Degrees, closest.Memory!), CandidateRules.PinnedProperty(spec));
                return;
            }

            if (pinnedError && result.Rejected.All(r => r.Kind == RejectionKind.Partition))
            {
                return; // the pinned degrees' own findings say why
            }

            const string Concurrency = nameof(DeploymentAttribute.Concurrency), MaxContext = nameof(DeploymentAttribute.MaxContext);
            if (spec.Concurrency > 0 && result.Rejected.Any(r => r.Kind == RejectionKind.Concurrency))
            {
                var relaxed = Planner.Plan(spec with { Concurrency = 0 }, cancellationToken: c.Cancel);
                var best = relaxed.Plans.OrderByDescending(p => p.Plan.MaxConcurrency).First();
                int batchLimit = MemoryModel.MaxBatchSize(spec);
                if (best.Memory.RequestsPerReplica >= batchLimit)
                {
                    c.Add(Rules.ConcurrencyBeyondBatchLimit, Concurrency, spec.Concurrency, batchLimit, best.Plan.ToString(), best.Plan.MaxConcurrency);
                    return;
                }

                var fit = FitAdvisor.Analyze(spec, c.Cancel);
                c.Findings.Add(Finding.Of(Rules.ConcurrencyBeyondKvCache, Concurrency, ClusterFixes(fit, spec, kvOnly: true), spec.Name,
                    spec.Concurrency, spec.TokensPerRequest, best.Plan.MaxConcurrency, best.Plan.ToString(), best.Memory.KvCacheBytes / GiB,
                    best.Memory.KvBytesPerTokenPerGpu / 1024, Remedies(fit, kvOnly: true)));
                return;
            }

            if (spec.MaxContext > 0 && Planner.Plan(spec with { MaxContext = 0 }, cancellationToken: c.Cancel) is { HasPlans: true } shorter)
            {
                var roomiest = shorter.Plans.OrderByDescending(p => p.Memory.KvCacheBytes).First();
                var needed = MemoryModel.PerGpu(spec, roomiest.Degrees);
                var fit = FitAdvisor.Analyze(spec, c.Cancel);
                c.Findings.Add(Finding.Of(Rules.ContextBeyondKvCache, MaxContext, ClusterFixes(fit, spec, kvOnly: true), spec.Name,
                    spec.MaxContext, needed.KvBytesPerContextPerGpu / GiB, roomiest.Plan.ToString(), roomiest.Memory.KvCacheBytes / GiB,
                    Remedies(fit, kvOnly: true)));
                return;
            }

            var report = FitAdvisor.Analyze(spec, c.Cancel);
            var gpu = GpuCatalog.Get(spec.Cluster.Gpu);
            c.Findings.Add(Finding.Of(Rules.FitsNoPlan, Finding.ClusterArgument, ClusterFixes(report, spec, kvOnly: false), spec.Name,
                spec.Model.Name, spec.Cluster.Name, report.WeightBytes / 1e9, report.WeightBytes / GiB, spec.Model.Weights.ToString().ToUpperInvariant(),
                report.WeightAndOneRequestBytes / GiB, spec.ContextTokens, spec.Cluster.TotalGpus, gpu.Name, report.ClusterUsableBytes / GiB,
                report.UsableBytesPerGpu / GiB, DeploySpec.Serving.ServingEngineProfile.For(spec.Engine).DisplayName, Remedies(report, kvOnly: false)));
        }

        /// <summary>DS4005: the winners lie outside the calibration data; name the axes and the band.</summary>
        private static void Extrapolated(Context c, PlanningResult result)
        {
            var winners = new[] { result.Recommended, result.MinLatency, result.MaxThroughput }.Where(p => p is not null).Select(p => p!).Distinct().ToList();
            var axes = winners.Aggregate(ExtrapolationAxes.None, (all, p) => all | p.SingleRequest.ExtrapolatedAlong);
            if (axes == ExtrapolationAxes.None)
            {
                return;
            }

            string plans = string.Join(", ", winners.Select(p => p.Plan.ToString()));
            c.Add(Rules.EstimatesExtrapolated, "", (winners.Count == 1 ? "its winner " : "its winners ") + plans, axes.Describe(),
                winners.Max(p => p.SingleRequest.Uncertainty) * 100);
        }

        private static void Targets(Context c, PlanningResult result)
        {
            var spec = c.Spec;
            if (spec.RequestsPerSecond > 0)
            {
                // Judged at the stated rate: name the plan that does best there, or the one with the most capacity.
                var sustained = result.Plans.Where(p => !p.BestWithinTargets.Saturated).ToList();
                string outcome;
                EvaluatedPlan best;
                if (sustained.Count > 0)
                {
                    best = sustained.OrderBy(p => p.BestWithinTargets.TimePerOutputTokenMs).ThenBy(p => p.BestWithinTargets.TimeToFirstTokenMs).First();
                    outcome = string.Format(System.Globalization.CultureInfo.InvariantCulture, "gives TTFT {0:0.0} ms and TPOT {1:0.00} ms",
                        best.BestWithinTargets.TimeToFirstTokenMs, best.BestWithinTargets.TimePerOutputTokenMs);
                }
                else
                {
                    best = result.Plans.OrderByDescending(p => p.Peak.OutputTokensPerSecond).First();
                    outcome = string.Format(System.Globalization.CultureInfo.InvariantCulture, "saturates: it serves at most {0:0.00} requests/s",
                        best.BestWithinTargets.OutputTokensPerSecond / spec.OutputTokens);
                }

                c.Add(Rules.RateNotServed, nameof(DeploymentAttribute.RequestsPerSecond),
                    spec.RequestsPerSecond.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), best.Plan.ToString(), outcome);
                return;
            }

            var fastest = result.MinLatency!;
            var firstToken = result.Plans.OrderBy(p => p.SingleRequest.TimeToFirstTokenMs).First();
            int before = c.Findings.Count;
            if (spec.MaxTimePerOutputTokenMs > 0 && fastest.SingleRequest.TimePerOutputTokenMs > spec.MaxTimePerOutputTokenMs)
            {
                c.Add(Rules.TimePerOutputTokenUnreachable, nameof(DeploymentAttribute.MaxTimePerOutputTokenMs), spec.MaxTimePerOutputTokenMs,
                    fastest.Plan.ToString(), fastest.SingleRequest.TimePerOutputTokenMs, fastest.SingleRequest.OutputTokensPerSecondPerUser);
            }

            if (spec.MaxTimeToFirstTokenMs > 0 && firstToken.SingleRequest.TimeToFirstTokenMs > spec.MaxTimeToFirstTokenMs)
            {
                c.Add(Rules.TimeToFirstTokenUnreachable, nameof(DeploymentAttribute.MaxTimeToFirstTokenMs), spec.MaxTimeToFirstTokenMs,
                    firstToken.Plan.ToString(), firstToken.SingleRequest.TimeToFirstTokenMs, spec.InputTokens);
            }

            if (c.Findings.Count == before)
            {
                c.Add(Rules.TargetsNotJointlyReachable, "", fastest.Plan.ToString(), fastest.SingleRequest.TimePerOutputTokenMs,
                    fastest.SingleRequest.TimeToFirstTokenMs, firstToken.Plan.ToString(), firstToken.SingleRequest.TimeToFirstTokenMs,
                    firstToken.SingleRequest.TimePerOutputTokenMs);
            }
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
