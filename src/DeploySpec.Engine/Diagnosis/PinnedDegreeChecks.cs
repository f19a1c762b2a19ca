using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// DS3xxx about pinned degrees: each pin on its own (heads, layers, experts, tiling, links), then the planner's
    /// own candidate enumeration for pins that pass one by one yet leave no candidate together.
    /// </summary>
    internal static class PinnedDegreeChecks
    {
        /// <summary>Each pinned degree on its own; true when an error was found.</summary>
        public static bool Judge(Judgement c)
        {
            var spec = c.Spec;
            var model = spec.Model;
            var cluster = spec.Cluster;
            int total = cluster.TotalGpus, tp = spec.TensorParallel, pp = spec.PipelineParallel, ep = spec.ExpertParallel;
            FindingTarget Tp = FindingTarget.Pin(PinnedDegree.TensorParallel), Pp = FindingTarget.Pin(PinnedDegree.PipelineParallel);
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
                    c.AddWithBestPlan(Finding.Of(Rules.PinnedDegreesDoNotTileCluster, Tp, spec.Name, "TP" + tp, tp, total));
                    error = true;
                }
                else if (Topology.GroupLink(cluster, tp) != Topology.ScaleUpLink(cluster))
                {
                    var fast = Topology.ScaleUpLink(cluster);
                    var slow = Topology.GroupLink(cluster, tp);
                    int domain = Topology.ScaleUpDomainGpus(cluster);
                    string where = tp > cluster.GpusPerNode && domain <= cluster.GpusPerNode
                        ? "spans " + (tp + cluster.GpusPerNode - 1) / cluster.GpusPerNode + " nodes of " + cluster.GpusPerNode + " GPUs"
                        : tp > domain
                            ? "exceeds the " + domain + " GPUs that " + LinkCatalog.DisplayName(fast) + " connects"
                            : "does not divide the " + domain + " GPUs that " + LinkCatalog.DisplayName(fast) + " connects, so a group straddles two domains";
                    c.Add(Rules.TensorParallelCrossesNodes, Tp, tp, where, LinkCatalog.DisplayName(slow), Topology.BidirectionalBytesPerSecond(cluster, slow) / 1e9,
                        LinkCatalog.DisplayName(fast), Topology.BidirectionalBytesPerSecond(cluster, fast) / 1e9);
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
                    c.AddWithBestPlan(Finding.Of(Rules.PinnedDegreesDoNotTileCluster, Pp, spec.Name, "TP" + (tp > 0 ? tp : 1) + " x PP" + pp, group, total));
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
                        c.AddWithBestPlan(finding, finding.Target.Degree is { } degree && degree.IsPinnedOn(spec) ? finding.Target : CandidateRules.PinnedTarget(spec));
                    }

                    error = distinct.Count > 0;
                }
            }

            return error;
        }
    }
}
