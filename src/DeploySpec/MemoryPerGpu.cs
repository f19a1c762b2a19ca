using System.Globalization;

namespace DeploySpec
{
    /// <summary>
    /// Memory of the most loaded GPU of a plan, in bytes. <c>Weights + KvCache + Activations + Reserve = Capacity</c>
    /// when the plan fits; <see cref="KvCacheBytes"/> is what is left for the KV cache.
    /// </summary>
    /// <param name="WeightsBytes">Model weights held by this GPU.</param>
    /// <param name="KvCacheBytes">KV cache pool left after everything else.</param>
    /// <param name="ActivationsBytes">Activation peak and workspace (forward pass of one batch of tokens, logits, sampler).</param>
    /// <param name="ReserveBytes">What the engine keeps away: the unused memory fraction, CUDA context, NCCL and CUDA-graph buffers.</param>
    /// <param name="CapacityBytes">Memory visible to CUDA on this GPU.</param>
    public readonly record struct MemoryPerGpu(
        long WeightsBytes,
        long KvCacheBytes,
        long ActivationsBytes,
        long ReserveBytes,
        long CapacityBytes)
    {
        /// <summary>Bytes in one GiB (2^30).</summary>
        public const double BytesPerGiB = 1024d * 1024d * 1024d;

        /// <summary>Weights in GiB (2^30 bytes).</summary>
        public double WeightsGiB => WeightsBytes / BytesPerGiB;
        /// <summary>KV cache in GiB (2^30 bytes).</summary>
        public double KvCacheGiB => KvCacheBytes / BytesPerGiB;
        /// <summary>Activations in GiB (2^30 bytes).</summary>
        public double ActivationsGiB => ActivationsBytes / BytesPerGiB;
        /// <summary>Reserve in GiB (2^30 bytes).</summary>
        public double ReserveGiB => ReserveBytes / BytesPerGiB;
        /// <summary>Capacity in GiB (2^30 bytes).</summary>
        public double CapacityGiB => CapacityBytes / BytesPerGiB;

        /// <summary>"weights 50.7 GiB + KV 66.1 GiB + activations 2.1 GiB + reserve 21.5 GiB = 140.4 GiB".</summary>
        public override string ToString() => string.Format(
            CultureInfo.InvariantCulture,
            "weights {0:0.0} GiB + KV {1:0.0} GiB + activations {2:0.0} GiB + reserve {3:0.0} GiB = {4:0.0} GiB",
            WeightsGiB, KvCacheGiB, ActivationsGiB, ReserveGiB, CapacityGiB);
    }
}
