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
        /// <paramref name="activationsBytes"/>, <paramref name="startupNonTorchBytes"/> outside the framework's
        /// allocator before anything is loaded (CUDA context, communicators) and <paramref name="forwardNonTorchBytes"/>
        /// more once a forward pass has run (workspaces, all-reduce buffers), under <paramref name="engine"/>'s policy at
        /// <paramref name="memoryFraction"/> (0 = its default; for an engine that derives it, from
        /// <paramref name="derivedReserveBytes"/>, <see cref="ServingEngineProfile.DerivedReserveBytes"/>), with
        /// <paramref name="marginBytes"/> more kept free (it moves from the KV pool to the reserve).
        /// </summary>
        public static KvCacheBudget Of(ServingEngineProfile engine, double capacityBytes, double weightsBytes, double activationsBytes,
            double startupNonTorchBytes, double forwardNonTorchBytes, double memoryFraction, double marginBytes, double derivedReserveBytes)
        {
            double graphs = engine.CudaGraphBytes;
            double nonTorch = startupNonTorchBytes + forwardNonTorchBytes;
            switch (engine.MemoryPolicy)
            {
                case MemoryPolicy.FractionOfFree:
                {
                    // TensorRT-LLM measures free memory after the weights, its runtime buffers and a dry run.
                    double fraction = memoryFraction > 0 ? memoryFraction : engine.DefaultMemoryFraction;
                    double free = capacityBytes - weightsBytes - activationsBytes - nonTorch - graphs;
                    return new KvCacheBudget(
                        fraction * free - marginBytes,
                        (1 - fraction) * Math.Max(0, free) + nonTorch + graphs + marginBytes,
                        free > 0 ? fraction - marginBytes / free : fraction);
                }

                case MemoryPolicy.StaticFraction:
                {
                    // SGLang applies the fraction to the memory free when it starts loading (the device less what the
                    // CUDA context and the communicators took); what the weights take comes out of it.
                    // By default it derives the fraction from its own estimate of what to keep free, rounded to 0.001.
                    double measured = capacityBytes - startupNonTorchBytes;
                    double fraction = memoryFraction > 0 ? memoryFraction : Math.Round((capacityBytes - derivedReserveBytes) / capacityBytes, 3);

                    // A static fraction set so high that the activations, CUDA graphs and non-torch memory no longer fit
                    // in what it leaves free: the engine would run out of memory; size the KV cache smaller by the shortfall.
                    double outsidePool = capacityBytes - fraction * measured;
                    double shortfall = Math.Max(0, activationsBytes + nonTorch + graphs - outsidePool);
                    double kv = fraction * measured - weightsBytes - shortfall - marginBytes;
                    return new KvCacheBudget(
                        kv,
                        capacityBytes - weightsBytes - kv - activationsBytes,
                        fraction - (marginBytes + shortfall) / measured);
                }

                default:
                {
                    // vLLM: the fraction caps what its own process allocates after start-up, of TOTAL memory; the
                    // start-up non-torch memory is outside that cap (its profiler measures from a snapshot taken after it).
                    double fraction = memoryFraction > 0 ? memoryFraction : engine.DefaultMemoryFraction;
                    return new KvCacheBudget(
                        capacityBytes * fraction - weightsBytes - activationsBytes - forwardNonTorchBytes - graphs - marginBytes,
                        capacityBytes * (1 - fraction) + forwardNonTorchBytes + graphs + marginBytes,
                        fraction - marginBytes / capacityBytes);
                }
            }
        }
    }
}
