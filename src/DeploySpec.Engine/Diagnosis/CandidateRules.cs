using System;
using System.Linq;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// Why a candidate split is not a plan, as typed findings. The planner's candidate enumeration rejects with
    /// these, the analyzers report them for pinned degrees (with a remedy), and the generated RejectedPlans give
    /// their reasons: one rule, one place. The remedy argument is empty here; <see cref="DeploymentJudge"/> sets it (<see cref="Finding.WithRemedy"/>).
    /// </summary>
    internal static class CandidateRules
    {
        private const double GiB = Units.BytesPerGiB;
        private static readonly FindingTarget Tp = FindingTarget.Pin(PinnedDegree.TensorParallel), Pp = FindingTarget.Pin(PinnedDegree.PipelineParallel),
            Ep = FindingTarget.Pin(PinnedDegree.ExpertParallel);

        /// <summary>TP must divide the attention heads, and divide or be a multiple of the KV heads (vLLM then replicates them).</summary>
        public static Finding? Heads(DeploymentSpec deployment, int tp)
        {
            var model = deployment.Model;
            if (model.AttentionHeads % tp != 0)
            {
                return Finding.Of(Rules.TensorParallelSplitsNoHeads, Tp, deployment.Name,
                    tp, "does not divide", model.AttentionHeads, "attention");
            }

            int kv = model.EffectiveKeyValueHeads;
            return !model.IsMla && kv % tp != 0 && tp % kv != 0
                ? Finding.Of(Rules.TensorParallelSplitsNoHeads, Tp, deployment.Name,
                    tp, "neither divides nor is a multiple of", kv, "KV")
                : null;
        }

        /// <summary>At most one layer per pipeline stage.</summary>
        public static Finding? Layers(DeploymentSpec deployment, int pp) =>
            pp > deployment.Model.Layers
                ? Finding.Of(Rules.PipelineDeeperThanModel, Pp, deployment.Name, pp, deployment.Model.Layers)
                : null;

        /// <summary>Whether EP can split this model's experts at all (independent of the cluster).</summary>
        public static Finding? ExpertStructure(DeploymentSpec deployment, int ep)
        {
            var model = deployment.Model;
            if (ep <= 1)
            {
                return null;
            }

            if (!model.IsMoe)
            {
                return Finding.Of(Rules.ExpertParallelOnDenseModel, Ep, deployment.Name, ep);
            }

            return model.Experts % ep != 0
                ? Finding.Of(Rules.ExpertParallelSplitsNoExperts, Ep, deployment.Name, ep, model.Experts)
                : null;
        }

        /// <summary>EP spans whole TP x DP ranks of a stage and must split the experts.</summary>
        public static Finding? ExpertRanks(DeploymentSpec deployment, int tp, int dp, int ep)
        {
            if (ep == 1)
            {
                return null;
            }

            return ExpertStructure(deployment, ep) ?? ((tp * dp) % ep != 0
                ? Finding.Of(Rules.ExpertParallelExceedsRanks, Ep, deployment.Name, ep, tp * dp)
                : null);
        }

        /// <summary>A candidate whose weights, activations and reserve overflow a GPU, or that leaves no room for one request.</summary>
        public static Finding Misfit(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown m, FindingTarget? target = null)
        {
            target ??= FindingTarget.Attribute;
            string gpu = Hardware.GpuCatalog.Of(deployment.Cluster).Name;
            return m.KvCacheBytes <= 0
                ? Finding.Of(Rules.WeightsExceedGpu, target, deployment.Name, degrees.ToString(), gpu,
                    m.WeightsBytes / GiB, m.ActivationsBytes / GiB, m.ReserveBytes / GiB,
                    (m.WeightsBytes + m.ActivationsBytes + m.ReserveBytes) / GiB, m.CapacityBytes / GiB)
                : Finding.Of(Rules.NoRoomForOneRequest, target, deployment.Name, degrees.ToString(), gpu,
                    m.WeightsBytes / GiB, m.ActivationsBytes / GiB, m.ReserveBytes / GiB, m.KvCacheBytes / GiB, m.CapacityBytes / GiB,
                    deployment.ContextTokens, m.KvBytesPerContextPerGpu / GiB);
        }

        /// <summary>A candidate that fits but holds fewer requests than the deployment's Concurrency.</summary>
        public static Finding? TooFewRequests(DeploymentSpec deployment, MemoryBreakdown m, int capacity) =>
            deployment.Concurrency > 0 && capacity < deployment.Concurrency
                ? Finding.Of(Rules.HoldsTooFewRequests, FindingTarget.Argument(nameof(DeploymentAttribute.Concurrency)), deployment.Name,
                    capacity, deployment.TokensPerRequest, m.KvCacheBytes / GiB, deployment.Concurrency)
                : null;

        /// <summary>The first pinned degree's argument (EP's when none is pinned), for a finding about the pins as a whole.</summary>
        public static FindingTarget PinnedTarget(DeploymentSpec deployment) =>
            FindingTarget.Pin(PinnedDegrees.All.Where(d => d.IsPinnedOn(deployment)).DefaultIfEmpty(PinnedDegree.ExpertParallel).First());

        public static bool IsPinned(DeploymentSpec deployment) => PinnedDegrees.All.Any(d => d.IsPinnedOn(deployment));

    }
}
