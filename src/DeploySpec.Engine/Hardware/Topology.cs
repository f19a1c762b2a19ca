using System;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Hardware
{
    /// <summary>
    /// Which link a group of consecutive GPUs talks over: the scale-up domain (NVSwitch, bridge pair or quad,
    /// Infinity Fabric) when the group fits in one, else the host link (PCIe) inside a node, else the network.
    /// A collective runs at the pace of its slowest link.
    /// </summary>
    public static class Topology
    {
        public static Link ScaleUpLink(ClusterSpec cluster) =>
            cluster.IntraNodeLink != Link.Default ? cluster.IntraNodeLink : GpuCatalog.Of(cluster).ScaleUpLink;

        public static int ScaleUpDomainGpus(ClusterSpec cluster)
        {
            var gpu = GpuCatalog.Of(cluster);
            var link = ScaleUpLink(cluster);
            // A link named explicitly for the node spans the node (a switch); bridges keep their own reach.
            int domain = cluster.IntraNodeLink != Link.Default && link is not (Link.NvLinkBridge or Link.NvLinkBridge4Way)
                ? cluster.GpusPerNode
                : link switch
                {
                    // The GPU's own link joins the GPUs it says (a declared accelerator's LinkDomainGpus included).
                    _ when link == gpu.ScaleUpLink => gpu.ScaleUpDomainGpus,
                    Link.NvLinkBridge => 2,
                    Link.NvLinkBridge4Way => 4,
                    _ => gpu.ScaleUpDomainGpus,
                };
            return Math.Min(domain, cluster.GpusPerNode);
        }

        public static Link NetworkLink(ClusterSpec cluster) =>
            cluster.InterNodeLink != Link.Default ? cluster.InterNodeLink : Link.InfiniBandNdr;

        /// <summary>The slowest link a group of <paramref name="gpus"/> consecutive GPUs crosses.</summary>
        public static Link GroupLink(ClusterSpec cluster, int gpus)
        {
            if (gpus <= ScaleUpDomainGpus(cluster))
            {
                return ScaleUpLink(cluster);
            }

            return gpus <= cluster.GpusPerNode ? GpuCatalog.Of(cluster).HostLink : NetworkLink(cluster);
        }

        /// <summary>
        /// Bandwidth of one GPU's share of <paramref name="link"/> in this cluster, both directions added, in bytes/s:
        /// the GPU's own figure for its own scale-up link (what an [Accelerator] declares as LinkGBps), else the link's
        /// catalog figure. The one place the cost model and the diagnostics read a link's bandwidth.
        /// </summary>
        public static double BidirectionalBytesPerSecond(ClusterSpec cluster, Link link)
        {
            var gpu = GpuCatalog.Of(cluster);
            return link == gpu.ScaleUpLink ? gpu.ScaleUpBytesPerSecond : LinkCatalog.BidirectionalBytesPerSecond(link);
        }

        /// <summary>One direction of <paramref name="link"/> in this cluster: what a ring collective's step can push, in bytes/s.</summary>
        public static double UnidirectionalBytesPerSecond(ClusterSpec cluster, Link link) => BidirectionalBytesPerSecond(cluster, link) / 2.0;

        /// <summary>True when a group of <paramref name="gpus"/> consecutive GPUs spans more than one node.</summary>
        public static bool CrossesNodes(ClusterSpec cluster, int gpus) => gpus > cluster.GpusPerNode;
    }
}
