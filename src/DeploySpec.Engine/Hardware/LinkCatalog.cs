namespace DeploySpec.Engine.Hardware
{
    /// <summary>Link bandwidths (datasheet, both directions added) and per-message latencies (our model's assumption).</summary>
    public static class LinkCatalog
    {
        /// <summary>Bandwidth of one GPU's share of <paramref name="link"/>, both directions added, in bytes/s.</summary>
        public static double BidirectionalBytesPerSecond(Link link) => link switch
        {
            Link.NvLink3 => 600e9,
            Link.NvLink4 => 900e9,
            Link.NvLink5 => 1_800e9,
            Link.NvLinkBridge => 600e9,
            Link.NvLinkBridge4Way => 900e9,
            Link.PcieGen4 => 64e9,
            Link.PcieGen5 => 128e9,
            Link.PcieGen6 => 256e9,
            Link.InfinityFabric => 896e9,
            Link.InfinityFabric4 => 1_075.2e9,
            Link.InfiniBandNdr => 100e9,
            Link.InfiniBandXdr => 200e9,
            Link.Ethernet200G => 50e9,
            _ => 128e9,
        };

        /// <summary>True for a PCIe link (GPUs joined through the host, no NVLink or Infinity Fabric).</summary>
        public static bool IsPcie(Link link) => link is Link.PcieGen4 or Link.PcieGen5 or Link.PcieGen6;

        /// <summary>One direction: what a ring collective's step can push, in bytes/s.</summary>
        public static double UnidirectionalBytesPerSecond(Link link) => BidirectionalBytesPerSecond(link) / 2.0;

        /// <summary>
        /// Latency a collective pays on top of the calibrated NVLink/NVSwitch latency, per collective, in seconds.
        /// Assumed, not fitted: PCIe through the host ~5 µs more; a network hop (NIC + switch, both ways) ~10 µs more.
        /// </summary>
        public static double ExtraLatencySeconds(Link link) => link switch
        {
            _ when IsPcie(link) => 5e-6,
            Link.InfiniBandNdr or Link.InfiniBandXdr or Link.Ethernet200G => 10e-6,
            _ => 0.0,
        };

        /// <summary>The link's name as people write it.</summary>
        public static string DisplayName(Link link) => link switch
        {
            Link.NvLink3 => "NVLink 3",
            Link.NvLink4 => "NVLink 4",
            Link.NvLink5 => "NVLink 5",
            Link.NvLinkBridge => "NVLink bridge",
            Link.NvLinkBridge4Way => "4-way NVLink bridge",
            Link.PcieGen4 => "PCIe Gen4",
            Link.PcieGen5 => "PCIe Gen5",
            Link.PcieGen6 => "PCIe Gen6",
            Link.InfinityFabric => "Infinity Fabric",
            Link.InfinityFabric4 => "Infinity Fabric (MI350 series)",
            Link.InfiniBandNdr => "InfiniBand NDR",
            Link.InfiniBandXdr => "InfiniBand XDR",
            Link.Ethernet200G => "200 Gb Ethernet",
            _ => link.ToString(),
        };

        /// <summary>True for links between nodes.</summary>
        public static bool IsNetwork(Link link) =>
            link is Link.InfiniBandNdr or Link.InfiniBandXdr or Link.Ethernet200G;
    }
}
