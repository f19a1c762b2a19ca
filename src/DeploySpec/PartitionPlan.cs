using System;
using System.Text;

namespace DeploySpec
{
    /// <summary>
    /// One way to split a model over a cluster: TensorParallel x PipelineParallel GPUs per replica, DataParallel
    /// replicas, experts spread over ExpertParallel GPUs. Immutable; equality is by value.
    /// </summary>
    public sealed class PartitionPlan : IEquatable<PartitionPlan>
    {
        /// <summary>Creates a plan.</summary>
        public PartitionPlan(int tensorParallel, int pipelineParallel, int dataParallel, int expertParallel,
            MemoryPerGpu memoryPerGpu, int maxConcurrency, double engineMemoryFraction = 0)
        {
            EngineMemoryFraction = engineMemoryFraction;
            TensorParallel = tensorParallel;
            PipelineParallel = pipelineParallel;
            DataParallel = dataParallel;
            ExpertParallel = expertParallel;
            MemoryPerGpu = memoryPerGpu;
            MaxConcurrency = maxConcurrency;
        }

        /// <summary>GPUs that split every layer's matrices.</summary>
        public int TensorParallel { get; }
        /// <summary>Pipeline stages (consecutive layer ranges) per replica.</summary>
        public int PipelineParallel { get; }
        /// <summary>Independent replicas.</summary>
        public int DataParallel { get; }
        /// <summary>GPUs the routed experts are spread over (1 for dense models or tensor-split experts).</summary>
        public int ExpertParallel { get; }
        /// <summary>GPUs the plan uses: TP x PP x DP.</summary>
        public int GpuCount => TensorParallel * PipelineParallel * DataParallel;
        /// <summary>Memory breakdown of the most loaded GPU.</summary>
        public MemoryPerGpu MemoryPerGpu { get; }
        /// <summary>Requests of InputTokens + OutputTokens the whole deployment can hold at once (KV cache and batch limit).</summary>
        public int MaxConcurrency { get; }
        /// <summary>
        /// The memory setting to give the serving engine (vLLM gpu_memory_utilization, TensorRT-LLM
        /// free_gpu_memory_fraction, SGLang mem_fraction_static) so that it sizes the KV cache as this plan does,
        /// any safety margin included; 0 when unknown.
        /// </summary>
        public double EngineMemoryFraction { get; }

        /// <inheritdoc />
        public bool Equals(PartitionPlan? other) =>
            other is not null && TensorParallel == other.TensorParallel && PipelineParallel == other.PipelineParallel &&
            DataParallel == other.DataParallel && ExpertParallel == other.ExpertParallel &&
            MemoryPerGpu.Equals(other.MemoryPerGpu) && MaxConcurrency == other.MaxConcurrency;

        /// <inheritdoc />
        public override bool Equals(object? obj) => Equals(obj as PartitionPlan);

        /// <inheritdoc />
        public override int GetHashCode() =>
            unchecked((((TensorParallel * 397) ^ PipelineParallel) * 397 ^ DataParallel) * 397 ^ ExpertParallel);

        /// <summary>"TP8 x PP1 x DP1", with " x EP8" for expert-parallel plans.</summary>
        public override string ToString()
        {
            var text = new StringBuilder(24)
                .Append("TP").Append(TensorParallel)
                .Append(" x PP").Append(PipelineParallel)
                .Append(" x DP").Append(DataParallel);
            if (ExpertParallel > 1)
            {
                text.Append(" x EP").Append(ExpertParallel);
            }

            return text.ToString();
        }
    }
}
