using System;

namespace DeploySpec.Engine.Hardware
{
    /// <summary>
    /// The built-in accelerator catalog. Figures are datasheet values, and for memory the capacity CUDA reports to an
    /// engine where an engine's log shows it (H100 SXM), else nvidia-smi's MiB / 1024, as collected in docs/hardware.md.
    /// </summary>
    public static class GpuCatalog
    {
        private const double MiB = Units.BytesPerMiB;
        private const double GiB = Units.BytesPerGiB;
        private const double TB = 1e12;
        private const double T = Units.FlopsPerTflops;

        // What the calibration data measured on each GPU (docs/calibration.md; a test holds this to the data): FP8 and
        // BF16 on H100 and H200, NVFP4 and FP8 on B200, NVFP4 on GB200 and RTX PRO 6000.
        private static readonly Precision[] None = System.Array.Empty<Precision>();
        private static readonly Precision[] Fp8Bf16 = { Precision.Fp8, Precision.Bf16 };
        private static readonly Precision[] Fp4 = { Precision.Fp4 };
        private static readonly Precision[] Fp8Fp4 = { Precision.Fp8, Precision.Fp4 };

        private static readonly GpuSpec[] Specs =
        {
            new(Gpu.H100Sxm, "H100 SXM5 80GB", 79.19 * GiB, 3.35 * TB, 989.4 * T, 1_978.9 * T, 1_978.9 * T, 0,
                Link.NvLink4, 8, Link.PcieGen5, GpuGeneration.Hopper, Fp8Bf16, "datasheet; memory as CUDA reports it to engines (vLLM v0.19 logs total_memory=79.19GiB; nvidia-smi's 81,559 MiB includes what the driver keeps)")
                { ReferencePrice = new(4.916, "AWS EC2 Capacity Blocks, p5.48xlarge (8 x H100), US East, $39.33/h / 8, price list valid to 2025-01-01") },
            new(Gpu.H100Pcie, "H100 PCIe 80GB", 80 * GiB, 2.0 * TB, 756 * T, 1_513 * T, 1_513 * T, 0,
                Link.NvLinkBridge, 2, Link.PcieGen5, GpuGeneration.Hopper, None, "datasheet; memory approximate (~80 GiB)"),
            new(Gpu.H100Nvl, "H100 NVL 94GB", 94e9, 3.9 * TB, 835.5 * T, 1_670.5 * T, 1_670.5 * T, 0,
                Link.NvLinkBridge, 2, Link.PcieGen5, GpuGeneration.Hopper, None, "datasheet; visible memory unverified (~94 GB)"),
            new(Gpu.H200Sxm, "H200 SXM 141GB", 143_771 * MiB, 4.8 * TB, 989.4 * T, 1_978.9 * T, 1_978.9 * T, 0,
                Link.NvLink4, 8, Link.PcieGen5, GpuGeneration.Hopper, Fp8Bf16, "datasheet; memory from nvidia-smi (143,771 MiB = 140.40 GiB)")
                { ReferencePrice = new(5.408, "AWS EC2 Capacity Blocks, p5e.48xlarge (8 x H200), US East (Ohio), $43.26/h / 8, price list valid to 2025-01-01") },
            new(Gpu.H200Nvl, "H200 NVL 141GB", 140 * GiB, 4.8 * TB, 835.5 * T, 1_670.5 * T, 1_670.5 * T, 0,
                Link.NvLinkBridge4Way, 4, Link.PcieGen5, GpuGeneration.Hopper, None, "datasheet; memory approximate (~140 GiB)"),
            new(Gpu.B200, "B200 180GB", 183_359 * MiB, 8.0 * TB, 2_250 * T, 4_500 * T, 4_500 * T, 9_000 * T,
                Link.NvLink5, 8, Link.PcieGen6, GpuGeneration.Blackwell, Fp8Fp4, "datasheet; memory from nvidia-smi (183,359 MiB = 179.06 GiB)"),
            new(Gpu.A100Sxm80, "A100 SXM4 80GB", 80 * GiB, 2.039 * TB, 312 * T, 0, 624 * T, 0,
                Link.NvLink3, 8, Link.PcieGen4, GpuGeneration.Ampere, None, "datasheet; memory approximate (~80 GiB); no FP8 tensor cores"),
            new(Gpu.L40S, "L40S 48GB", 45 * GiB, 0.864 * TB, 362 * T, 733 * T, 733 * T, 0,
                Link.PcieGen4, 8, Link.PcieGen4, GpuGeneration.Ada, None, "datasheet; memory approximate (~45 GiB); no NVLink"),
            new(Gpu.MI300X, "MI300X 192GB", 192e9, 5.3 * TB, 1_307.4 * T, 2_614.9 * T, 2_614.9 * T, 0,
                Link.InfinityFabric, 8, Link.PcieGen5, GpuGeneration.Cdna3, None, "datasheet; memory approximate (~192 GB)"),
            // Rack-scale: 4 GPUs per compute tray, 72 on one NVLink switch system (docs/hardware.md, the domain rule).
            new(Gpu.GB200, "GB200 186GB", 185 * GiB, 8.0 * TB, 2_500 * T, 5_000 * T, 5_000 * T, 10_000 * T,
                Link.NvLink5, 72, Link.PcieGen6, GpuGeneration.Blackwell, Fp4,
                "GB200 NVL72 datasheet / 72, dense; memory approximate (~185 GiB: 13.4 TB / 72 = 186 GB marketed)") { ScaleUpSpansNodes = true },
            new(Gpu.GB300, "GB300 279GB", 279e9, 8.0 * TB, 2_500 * T, 5_000 * T, 0, 15_000 * T,
                Link.NvLink5, 72, Link.PcieGen6, GpuGeneration.Blackwell, None,
                "GB300 NVL72 datasheet / 72, dense; memory approximate (279 GB marketed); INT8 tensor rate (~0.17 POPS) below BF16, so INT8 runs weight-only") { ScaleUpSpansNodes = true },
            new(Gpu.B300, "B300 270GB", 270e9, 8.0 * TB, 2_250 * T, 4_500 * T, 0, 13_500 * T,
                Link.NvLink5, 8, Link.PcieGen6, GpuGeneration.Blackwell, None,
                "HGX B300 datasheet / 8, dense; memory approximate (2.1 TB / 8 = 270 GB marketed); INT8 tensor rate (2 POPS per 8 GPUs) below BF16, so INT8 runs weight-only"),
            new(Gpu.H20, "H20 96GB", 95 * GiB, 4.0 * TB, 148 * T, 296 * T, 296 * T, 0,
                Link.NvLink4, 8, Link.PcieGen5, GpuGeneration.Hopper, None,
                "published spec sheet (no public NVIDIA datasheet), taken as dense; memory approximate (~95 GiB)"),
            new(Gpu.L4, "L4 24GB", 22.5 * GiB, 0.3 * TB, 121 * T, 242.5 * T, 242.5 * T, 0,
                Link.PcieGen4, 8, Link.PcieGen4, GpuGeneration.Ada, None, "datasheet; memory approximate (~22.5 GiB); no NVLink"),
            new(Gpu.RtxPro6000, "RTX PRO 6000 Blackwell Server 96GB", 95 * GiB, 1.792 * TB, 500 * T, 1_000 * T, 1_000 * T, 2_000 * T,
                Link.PcieGen5, 8, Link.PcieGen5, GpuGeneration.BlackwellRtx, Fp4,
                "datasheet FP4 4 PFLOPS sparse; BF16/FP8/INT8 approximate (Blackwell's 2:1 steps); bandwidth 1,792 GB/s from press (one memory configuration on all variants), not the datasheet; memory approximate (~95 GiB); no NVLink"),
            new(Gpu.MI325X, "MI325X 256GB", 256e9, 6.0 * TB, 1_307.4 * T, 2_614.9 * T, 2_614.9 * T, 0,
                Link.InfinityFabric, 8, Link.PcieGen5, GpuGeneration.Cdna3, None, "datasheet; memory approximate (~256 GB)"),
            new(Gpu.MI355X, "MI355X 288GB", 288e9, 8.0 * TB, 2_516.6 * T, 5_033.2 * T, 5_033.2 * T, 10_066.3 * T,
                Link.InfinityFabric4, 8, Link.PcieGen5, GpuGeneration.Cdna4, None, "datasheet (FP4 = MXFP4); memory approximate (~288 GB)"),
        };

        /// <summary>Every GPU in the catalog, in enum order.</summary>
        public static System.Collections.Generic.IReadOnlyList<GpuSpec> All => Specs;

        /// <summary>True when <paramref name="gpu"/> is in the catalog.</summary>
        public static bool Contains(Gpu gpu) => (int)gpu >= 0 && (int)gpu < Specs.Length;

        /// <summary>
        /// The facts of the GPU <paramref name="cluster"/> is built of: the one place a cluster's accelerator is resolved.
        /// A declared accelerator (<see cref="Planning.ClusterSpec.Accelerator"/>) wins over <see cref="Planning.ClusterSpec.Gpu"/>.
        /// </summary>
        public static GpuSpec Of(Planning.ClusterSpec cluster) =>
            cluster.Accelerator is { } declared ? DeclaredSpecs.GetValue(declared, Declared) : Get(cluster.Gpu);

        /// <summary>
        /// What <c>Of</c> answers for a declared accelerator, once per spec instance (planning asks for every candidate):
        /// the record is immutable, so an entry keyed by the instance never goes stale, and it leaves with the spec.
        /// </summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Planning.AcceleratorSpec, GpuSpec> DeclaredSpecs = new();

        /// <summary>
        /// A declared accelerator as the engine plans with it: its own figures; no INT8 rate (INT8 runs weight-only at the
        /// BF16 rate); <see cref="GpuGeneration.Unknown"/> and no measured formats, so it gets Hopper's efficiencies and
        /// its estimates are marked extrapolated along GPU generation; its link (PCIe Gen5 when not named) at its declared
        /// bandwidth, else the link's catalog figure, joining <c>LinkDomainGpus</c> GPUs, else the link's usual reach.
        /// Its host link is its own link when that is PCIe, else PCIe Gen5.
        /// </summary>
        internal static GpuSpec Declared(Planning.AcceleratorSpec accelerator)
        {
            if (accelerator is null)
            {
                throw new ArgumentNullException(nameof(accelerator));
            }

            var link = accelerator.Link == Link.Default ? DeclaredDefaultLink : accelerator.Link;
            int domain = accelerator.LinkDomainGpus > 0 ? accelerator.LinkDomainGpus : UsualReach(link);
            var host = LinkCatalog.IsPcie(link) ? link : Link.PcieGen5;
            return new GpuSpec(null, accelerator.Name, accelerator.MemoryGiB * GiB, accelerator.MemoryBandwidthTBps * TB,
                accelerator.Bf16Tflops * T, accelerator.Fp8Tflops * T, 0, accelerator.Fp4Tflops * T,
                link, domain, host, GpuGeneration.Unknown, None, DeclaredProvenance)
            {
                ScaleUpBytesPerSecond = accelerator.LinkGBps > 0 ? accelerator.LinkGBps * Units.BytesPerGB : LinkCatalog.BidirectionalBytesPerSecond(link),
            };
        }

        /// <summary>The provenance of every declared accelerator.</summary>
        internal const string DeclaredProvenance = "user-declared";

        /// <summary>The link of a declared accelerator that names none: a card without NVLink talks over PCIe.</summary>
        internal const Link DeclaredDefaultLink = Link.PcieGen5;

        /// <summary>How many GPUs a link usually joins: a bridge its pair or quad, anything else an 8-GPU node (NVSwitch, Infinity Fabric, a PCIe host).</summary>
        internal static int UsualReach(Link link) => link switch
        {
            Link.NvLinkBridge => 2,
            Link.NvLinkBridge4Way => 4,
            _ => 8,
        };

        /// <summary>The facts of <paramref name="gpu"/>.</summary>
        public static GpuSpec Get(Gpu gpu) =>
            Contains(gpu) ? Specs[(int)gpu] : throw new ArgumentOutOfRangeException(nameof(gpu), gpu, "Unknown GPU.");
    }
}
