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

        /// <summary>True when a group of <paramref name="gpus"/> consecutive GPUs spans more than one node.</summary>
        public static bool CrossesNodes(ClusterSpec cluster, int gpus) => gpus > cluster.GpusPerNode;
    }
}
