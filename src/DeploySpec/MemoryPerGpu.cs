using System;
using System.Globalization;

namespace DeploySpec
{
    /// <summary>
    /// Memory of the most loaded GPU of a plan, in bytes. <c>Weights + KvCache + Activations + Reserve = Capacity</c>
    /// when the plan fits; <see cref="KvCacheBytes"/> is what is left for the KV cache.
    /// </summary>
    public readonly struct MemoryPerGpu : IEquatable<MemoryPerGpu>
    {
        private const double BytesPerGiB = 1024d * 1024d * 1024d;

        /// <summary>Creates a breakdown.</summary>
        public MemoryPerGpu(long weightsBytes, long kvCacheBytes, long activationsBytes, long reserveBytes, long capacityBytes)
        {
            WeightsBytes = weightsBytes;
            KvCacheBytes = kvCacheBytes;
            ActivationsBytes = activationsBytes;
            ReserveBytes = reserveBytes;
            CapacityBytes = capacityBytes;
        }

        /// <summary>Model weights held by this GPU.</summary>
        public long WeightsBytes { get; }
        /// <summary>KV cache pool left after everything else.</summary>
        public long KvCacheBytes { get; }
        /// <summary>Activation peak and workspace (forward pass of one batch of tokens, logits, sampler).</summary>
        public long ActivationsBytes { get; }
        /// <summary>What the engine keeps away: the unused memory fraction, CUDA context, NCCL and CUDA-graph buffers.</summary>
        public long ReserveBytes { get; }
        /// <summary>Memory visible to CUDA on this GPU.</summary>
        public long CapacityBytes { get; }

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

        /// <inheritdoc />
        public bool Equals(MemoryPerGpu other) =>
            WeightsBytes == other.WeightsBytes && KvCacheBytes == other.KvCacheBytes &&
            ActivationsBytes == other.ActivationsBytes && ReserveBytes == other.ReserveBytes &&
            CapacityBytes == other.CapacityBytes;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is MemoryPerGpu other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode()
        {
            unchecked
            {
                long h = WeightsBytes;
                h = h * 31 + KvCacheBytes;
                h = h * 31 + ActivationsBytes;
                h = h * 31 + ReserveBytes;
                h = h * 31 + CapacityBytes;
                return (int)(h ^ (h >> 32));
            }
        }

        /// <summary>"weights 50.7 GiB + KV 66.1 GiB + activations 2.1 GiB + reserve 21.5 GiB = 140.4 GiB".</summary>
        public override string ToString() => string.Format(
            CultureInfo.InvariantCulture,
            "weights {0:0.0} GiB + KV {1:0.0} GiB + activations {2:0.0} GiB + reserve {3:0.0} GiB = {4:0.0} GiB",
            WeightsGiB, KvCacheGiB, ActivationsGiB, ReserveGiB, CapacityGiB);
    }
}
