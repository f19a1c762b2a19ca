using System;
using DeploySpec.Serving;

namespace DeploySpec.Engine.Memory
{
    /// <summary>
    /// What one GPU's KV-cache pool is under a serving engine's memory policy: the pool, what the engine keeps away
    /// (reserve), and the engine's own memory setting that reproduces this pool, margin included (docs/memory.md).
    /// </summary>
    public readonly record struct KvCacheBudget(double KvPoolBytes, double ReserveBytes, double EngineMemoryFraction)
    {
        /// <summary>
        /// The KV pool of one GPU holding <paramref name="weightsBytes"/> with an activation peak of
        /// <paramref name="activationsBytes"/> and <paramref name="nonTorchBytes"/> outside the framework's allocator,
        /// under <paramref name="engine"/>'s policy at <paramref name="memoryFraction"/> (0 = its default), with
        /// <paramref name="marginBytes"/> more kept free (it moves from the KV pool to the reserve).
        /// </summary>
        public static KvCacheBudget Of(ServingEngineProfile engine, double capacityBytes, double weightsBytes, double activationsBytes,
            double nonTorchBytes, double memoryFraction, double marginBytes)
        {
            double graphs = engine.CudaGraphBytes;
            switch (engine.MemoryPolicy)
            {
                case MemoryPolicy.FractionOfFree:
                {
                    double fraction = memoryFraction > 0 ? memoryFraction : engine.DefaultMemoryFraction;
                    double free = capacityBytes - weightsBytes - activationsBytes - nonTorchBytes - graphs;
                    return new KvCacheBudget(
                        fraction * free - marginBytes,
                        (1 - fraction) * Math.Max(0, free) + nonTorchBytes + graphs + marginBytes,
                        free > 0 ? fraction - marginBytes / free : fraction);
                }

                case MemoryPolicy.StaticFraction:
                {
                    double keepFree = Math.Max(engine.MinimumFreeBytes, Units.BytesPerGiB + activationsBytes) + nonTorchBytes + graphs;
                    double fraction = memoryFraction > 0 ? memoryFraction : (capacityBytes - keepFree) / capacityBytes;

                    // A static fraction set so high that the activations, CUDA graphs and non-torch memory no longer fit
                    // in what it leaves free: the engine would run out of memory; size the KV cache smaller by the shortfall.
                    double shortfall = Math.Max(0, activationsBytes + nonTorchBytes + graphs - capacityBytes * (1 - fraction));
                    return new KvCacheBudget(
                        capacityBytes * fraction - weightsBytes - shortfall - marginBytes,
                        capacityBytes * (1 - fraction) - activationsBytes + shortfall + marginBytes,
                        fraction - (marginBytes + shortfall) / capacityBytes);
                }

                default:
                {
                    double fraction = memoryFraction > 0 ? memoryFraction : engine.DefaultMemoryFraction;
                    return new KvCacheBudget(
                        capacityBytes * fraction - weightsBytes - activationsBytes - nonTorchBytes - graphs - marginBytes,
                        capacityBytes * (1 - fraction) + nonTorchBytes + graphs + marginBytes,
                        fraction - marginBytes / capacityBytes);
                }
            }
        }
    }
}
