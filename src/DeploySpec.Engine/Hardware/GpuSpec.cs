namespace DeploySpec.Engine.Hardware
{
    /// <summary>
    /// One accelerator's facts. Memory is what CUDA reports (visible), not the marketed figure. FLOPS are dense
    /// (no 2:4 sparsity). Link bandwidths count both directions, as datasheets do.
    /// </summary>
    public sealed record GpuSpec(
        Gpu Kind,
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
        string Provenance)
    {
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
