using System.Text;

namespace DeploySpec
{
    /// <summary>
    /// One way to split a model over a cluster: TensorParallel x PipelineParallel GPUs per replica, DataParallel
    /// replicas, experts spread over ExpertParallel GPUs. Immutable; equality is by value.
    /// </summary>
    /// <param name="TensorParallel">GPUs that split every layer's matrices.</param>
    /// <param name="PipelineParallel">Pipeline stages (consecutive layer ranges) per replica.</param>
    /// <param name="DataParallel">Independent replicas.</param>
    /// <param name="ExpertParallel">GPUs the routed experts are spread over (1 for dense models or tensor-split experts).</param>
    /// <param name="MemoryPerGpu">Memory breakdown of the most loaded GPU.</param>
    /// <param name="MaxConcurrency">Requests of InputTokens + OutputTokens the whole deployment can hold at once (KV cache and batch limit).</param>
    /// <param name="EngineMemoryFraction">
    /// The memory setting to give the serving engine (vLLM gpu_memory_utilization, TensorRT-LLM
    /// free_gpu_memory_fraction, SGLang mem_fraction_static) so that it sizes the KV cache as this plan does, any
    /// safety margin included; 0 when unknown.
    /// </param>
    /// <param name="Index">Position of this plan in its deployment's <c>Plans</c>; the generated evaluator indexes by it.</param>
    public sealed record PartitionPlan(
        int TensorParallel,
        int PipelineParallel,
        int DataParallel,
        int ExpertParallel,
        MemoryPerGpu MemoryPerGpu,
        int MaxConcurrency,
        double EngineMemoryFraction = 0,
        int Index = 0)
    {
        /// <summary>GPUs the plan uses: TP x PP x DP.</summary>
        public int GpuCount => TensorParallel * PipelineParallel * DataParallel;

        /// <summary>"TP8 x PP1 x DP1", with " x EP8" for expert-parallel plans.</summary>
        public override string ToString() => Label(TensorParallel, PipelineParallel, DataParallel, ExpertParallel);

        /// <summary>The one way a split is written: "TP8 x PP1 x DP1", with " x EP8" when experts are spread wider.</summary>
        public static string Label(int tensorParallel, int pipelineParallel, int dataParallel, int expertParallel)
        {
            var text = new StringBuilder(24)
                .Append("TP").Append(tensorParallel)
                .Append(" x PP").Append(pipelineParallel)
                .Append(" x DP").Append(dataParallel);
            if (expertParallel > 1)
            {
                text.Append(" x EP").Append(expertParallel);
            }

            return text.ToString();
        }
    }
}
