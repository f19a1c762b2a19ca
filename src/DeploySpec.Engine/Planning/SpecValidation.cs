using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Vocabulary;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// Whether a declared cluster or deployment can be planned at all: each property's own bounds come from its
    /// vocabulary table; the rules that relate several properties are here. Shared by the analyzers (which report
    /// each problem at its argument) and the generator (which declines a spec with any), so they never disagree.
    /// </summary>
    public static class SpecValidation
    {
        public static IReadOnlyList<SpecProblem> Validate(ClusterSpec cluster)
        {
            var problems = Terms.Check(ClusterVocabulary.Terms, cluster);
            if (DomainProblem(cluster) is { } domain)
            {
                problems.Add(new SpecProblem(nameof(ClusterSpec.NvLinkDomainGpus), domain));
            }

            return problems;
        }

        /// <summary>
        /// An NVLink domain on a catalog GPU that has no NVLink (its GPUs talk over PCIe, as the L4, L40S or RTX PRO 6000
        /// do): the declaration would cost collectives over a link the cluster does not have. Null when the GPU has a
        /// scale-up link, when the cluster names its own IntraNodeLink, or when no domain is declared. (A declared
        /// accelerator says its own link; its cluster is not checked here.)
        /// </summary>
        public static SpecProblem? DomainWithoutNvLink(ClusterSpec cluster)
        {
            if (cluster.NvLinkDomainGpus <= 0 || cluster.IntraNodeLink != Link.Default || cluster.Accelerator is not null || !Hardware.GpuCatalog.Contains(cluster.Gpu))
            {
                return null;
            }

            var gpu = Hardware.GpuCatalog.Get(cluster.Gpu);
            return Hardware.LinkCatalog.IsPcie(gpu.ScaleUpLink)
                ? new SpecProblem(nameof(ClusterSpec.NvLinkDomainGpus), string.Format(CultureInfo.InvariantCulture,
                    "NvLinkDomainGpus {0} is set, but the {1} has no NVLink: its GPUs talk over {2} (leave NvLinkDomainGpus out, or set IntraNodeLink if this cluster has another link)",
                    cluster.NvLinkDomainGpus, gpu.Name, Hardware.LinkCatalog.DisplayName(gpu.ScaleUpLink)))
                : null;
        }

        /// <summary>
        /// A declared NVLink domain must tile the cluster: whole nodes when it spans nodes, a whole share of a node when
        /// smaller, and no more GPUs than the cluster has. Null when it does (or is 0, the GPU's default).
        /// </summary>
        private static string? DomainProblem(ClusterSpec cluster)
        {
            int domain = cluster.NvLinkDomainGpus, perNode = cluster.GpusPerNode;
            if (domain <= 0 || perNode <= 0 || cluster.Nodes <= 0)
            {
                return null; // 0 is the default; negative and out-of-range counts are the row's own problems
            }

            long total = (long)perNode * cluster.Nodes;
            if (domain > total)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "NvLinkDomainGpus {0} exceeds the cluster's {1} GPUs ({2} node{3} of {4})", domain, total, cluster.Nodes, cluster.Nodes == 1 ? "" : "s", perNode);
            }

            if (domain > perNode && domain % perNode != 0)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "NvLinkDomainGpus {0} spans nodes but is not a whole number of nodes of {1} GPUs ({2} or {3} would be)",
                    domain, perNode, domain / perNode * perNode, (domain / perNode + 1) * perNode);
            }

            if (domain < perNode && perNode % domain != 0)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "NvLinkDomainGpus {0} does not divide the {1} GPUs of a node", domain, perNode);
            }

            return null;
        }

        /// <summary>Problems of a declared accelerator's values (each against its bounds; no rule relates them).</summary>
        public static IReadOnlyList<SpecProblem> Validate(AcceleratorSpec accelerator) => Terms.Check(AcceleratorVocabulary.Terms, accelerator);

        /// <summary>Problems of the deployment's own settings (its model and cluster are validated separately).</summary>
        public static IReadOnlyList<SpecProblem> ValidateSettings(DeploymentSpec deployment)
        {
            var problems = Terms.Check(DeploymentVocabulary.Terms, deployment);
            if (deployment.MaxContext > 0 && deployment.InputTokens > 0 && deployment.OutputTokens > 0 &&
                deployment.MaxContext < (long)deployment.InputTokens + deployment.OutputTokens)
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.MaxContext), string.Format(CultureInfo.InvariantCulture,
                    "MaxContext {0} is shorter than one request of InputTokens + OutputTokens = {1}",
                    deployment.MaxContext, (long)deployment.InputTokens + deployment.OutputTokens)));
            }

            if (deployment.Mode == ServingMode.Disaggregated && deployment.PinsDegrees)
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.Mode), string.Format(CultureInfo.InvariantCulture,
                    "Mode = Disaggregated searches each pool's split itself; pinned degrees (TensorParallel {0}, PipelineParallel {1}, ExpertParallel {2}) apply to aggregated plans only: set them to 0 or serve aggregated",
                    deployment.TensorParallel, deployment.PipelineParallel, deployment.ExpertParallel)));
            }

            return problems;
        }
    }
}
