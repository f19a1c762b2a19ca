namespace DeploySpec.Engine.Hardware
{
    /// <summary>An accelerator architecture: the cost model's fitted efficiencies are per generation.</summary>
    public enum GpuGeneration
    {
        /// <summary>NVIDIA Ampere (A100).</summary>
        Ampere,
        /// <summary>NVIDIA Ada Lovelace (L40S, L4).</summary>
        Ada,
        /// <summary>NVIDIA Hopper (H100, H200, H20).</summary>
        Hopper,
        /// <summary>NVIDIA Blackwell and Blackwell Ultra for the data centre (compute capability 10.x: B200, GB200, B300, GB300).</summary>
        Blackwell,
        /// <summary>
        /// NVIDIA Blackwell for workstations and PCIe servers (compute capability 12.0: RTX PRO 6000 Blackwell): GDDR7,
        /// no NVLink, other tensor cores than the data-centre parts, so its own fitted efficiencies.
        /// </summary>
        BlackwellRtx,
        /// <summary>AMD CDNA 3 (MI300X, MI325X).</summary>
        Cdna3,
        /// <summary>AMD CDNA 4 (MI355X).</summary>
        Cdna4,
        /// <summary>Not known: an accelerator declared with [Accelerator] (calibrated like every unmeasured GPU, with Hopper's efficiencies).</summary>
        Unknown,
    }

    /// <summary>
    /// One accelerator's facts. Memory is what CUDA reports (visible), not the marketed figure. FLOPS are dense
    /// (no 2:4 sparsity). Link bandwidths count both directions, as datasheets do. <see cref="Generation"/> picks
    /// the cost model's fitted efficiencies; <see cref="MeasuredWeightFormats"/> says which weight formats the
    /// calibration data measured on this very GPU (empty: the GPU was not measured, so its estimates are extrapolated).
    /// <see cref="Kind"/> is the catalog entry, null for an accelerator declared with [Accelerator] (<see cref="IsDeclared"/>).
    /// </summary>
    public sealed record GpuSpec(
        Gpu? Kind,
        string Name,
        double MemoryBytes,
        double MemoryBandwidthBytesPerSecond,
        double Bf16FlopsPerSecond,
        double Fp8FlopsPerSecond,
        double Int8OpsPerSecond,
        double Fp4FlopsPerSecond,
        Link ScaleUpLink,
        int ScaleUpDomainGpus,
        Link HostLink,
        GpuGeneration Generation,
        Precision[] MeasuredWeightFormats,
        string Provenance)
    {
        /// <summary>
        /// True when the GPU's scale-up domain is a rack of several nodes (GB200/GB300 NVL72: 18 trays of 4 GPUs on
        /// one NVLink switch system), so by default it spans nodes; false when it ends at the node (HGX, bridges).
        /// </summary>
        public bool ScaleUpSpansNodes { get; init; }

        /// <summary>A published price per GPU-hour for this GPU, with its source (null: none the catalog can cite).</summary>
        public Cost.GpuPrice? ReferencePrice { get; init; }

        /// <summary>
        /// Bandwidth of one GPU's share of its own scale-up link (<see cref="ScaleUpLink"/>), both directions added, in
        /// bytes/s: the link's catalog figure, or the figure an [Accelerator] declares.
        /// </summary>
        public double ScaleUpBytesPerSecond { get; init; } = LinkCatalog.BidirectionalBytesPerSecond(ScaleUpLink);

        /// <summary>True for an accelerator declared with [Accelerator] rather than taken from the catalog.</summary>
        public bool IsDeclared => Kind is null;

        /// <summary>The name as reports print it: a declared accelerator's is marked "(user-declared)".</summary>
        public string Label => IsDeclared ? Name + " (user-declared)" : Name;

        /// <summary>True when the calibration data holds measurements on this GPU.</summary>
        public bool IsMeasured => MeasuredWeightFormats.Length > 0;

        /// <summary>True when the calibration data measured weights in <paramref name="weights"/> on this GPU.</summary>
        public bool Measured(Precision weights) => System.Array.IndexOf(MeasuredWeightFormats, weights) >= 0;

        /// <summary>
        /// Dense tensor-core rate for matrix products whose weights are stored in <paramref name="weights"/>.
        /// Formats without native tensor-core support run weight-only (dequantised to BF16), so at the BF16 rate.
        /// </summary>
        public double MatmulFlopsPerSecond(Precision weights) => weights switch
        {
            Precision.Fp32 => Bf16FlopsPerSecond / 2.0, // TF32 tensor cores run at half the BF16 rate
            Precision.Fp8 when Fp8FlopsPerSecond > 0 => Fp8FlopsPerSecond,
            Precision.Int8 when Int8OpsPerSecond > 0 => Int8OpsPerSecond,
            Precision.Fp4 when Fp4FlopsPerSecond > 0 => Fp4FlopsPerSecond,
            _ => Bf16FlopsPerSecond,
        };
    }
}
