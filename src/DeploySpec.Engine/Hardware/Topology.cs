using System;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Hardware
{
    /// <summary>
    /// Which link a group of consecutive GPUs talks over: the scale-up domain (NVSwitch, bridge pair or quad,
    /// Infinity Fabric, or an NVL72 rack's NVLink switch system, which spans nodes) when the group fits in one, else
    /// the host link (PCIe) inside a node, else the network. A collective runs at the pace of its slowest link.
    /// </summary>
    public static class Topology
    {
        public static Link ScaleUpLink(ClusterSpec cluster) =>
            cluster.IntraNodeLink != Link.Default ? cluster.IntraNodeLink : GpuCatalog.Of(cluster).ScaleUpLink;

        /// <summary>
        /// GPUs on one scale-up domain: the declared <see cref="ClusterSpec.NvLinkDomainGpus"/>, else the GPU's own
        /// reach (the node for NVSwitch and Infinity Fabric, 2 or 4 for bridges), which for a rack-scale GPU
        /// (<see cref="GpuSpec.ScaleUpSpansNodes"/>) is whole nodes of the rack, up to the cluster's nodes.
        /// </summary>
        public static int ScaleUpDomainGpus(ClusterSpec cluster)
        {
            if (cluster.NvLinkDomainGpus > 0)
            {
                return cluster.NvLinkDomainGpus;
            }

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
            if (gpu.ScaleUpSpansNodes && cluster.IntraNodeLink == Link.Default && domain > cluster.GpusPerNode)
            {
                return Math.Max(1, Math.Min(domain / cluster.GpusPerNode, cluster.Nodes)) * cluster.GpusPerNode;
            }

            return Math.Min(domain, cluster.GpusPerNode);
        }

        public static Link NetworkLink(ClusterSpec cluster) =>
            cluster.InterNodeLink != Link.Default ? cluster.InterNodeLink : Link.InfiniBandNdr;

        /// <summary>The slowest link a group of <paramref name="gpus"/> consecutive GPUs crosses.</summary>
        public static Link GroupLink(ClusterSpec cluster, int gpus)
        {
            if (InScaleUpDomain(cluster, gpus))
            {
                return ScaleUpLink(cluster);
            }

            return gpus <= cluster.GpusPerNode ? GpuCatalog.Of(cluster).HostLink : NetworkLink(cluster);
        }

        /// <summary>
        /// True when every group of <paramref name="gpus"/> consecutive GPUs lies in one scale-up domain. Inside a
        /// node that is the group fitting the domain (as before domains could span nodes). A domain that spans nodes
        /// also needs the groups to tile it (the group size divides the domain) unless the cluster is one domain:
        /// otherwise some group straddles two racks and its collectives cross the network.
        /// </summary>
        public static bool InScaleUpDomain(ClusterSpec cluster, int gpus)
        {
            int domain = ScaleUpDomainGpus(cluster);
            if (gpus <= 1)
            {
                return true;
            }

            if (gpus > domain)
            {
                return false;
            }

            return domain <= cluster.GpusPerNode || domain % gpus == 0 || cluster.TotalGpus <= domain;
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

        /// <summary>True when a group of <paramref name="gpus"/> consecutive GPUs spans more than one node (one scale-up domain or not).</summary>
        public static bool CrossesNodes(ClusterSpec cluster, int gpus) => gpus > cluster.GpusPerNode;
    }
}
