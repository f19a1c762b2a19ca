using System.Text;

namespace DeploySpec
{
    /// <summary>
    /// One pool of a plan: <see cref="DataParallel"/> identical workers (replicas), each TensorParallel x
    /// PipelineParallel GPUs, experts spread over ExpertParallel GPUs, with the memory of its most loaded GPU and the
    /// requests it holds. Immutable; equality is by value.
    /// </summary>
    /// <param name="TensorParallel">GPUs that split every layer's matrices.</param>
    /// <param name="PipelineParallel">Pipeline stages (consecutive layer ranges) per worker.</param>
    /// <param name="DataParallel">Independent workers (replicas) of the pool.</param>
    /// <param name="ExpertParallel">GPUs the routed experts are spread over (1 for dense models or tensor-split experts).</param>
    /// <param name="MemoryPerGpu">Memory breakdown of the pool's most loaded GPU.</param>
    /// <param name="MaxConcurrency">Requests of InputTokens + OutputTokens the whole pool can hold at once (KV cache and batch limit).</param>
    /// <param name="EngineMemoryFraction">
    /// The memory setting to give the serving engine (vLLM gpu_memory_utilization, TensorRT-LLM
    /// free_gpu_memory_fraction, SGLang mem_fraction_static) so that it sizes the KV cache as this pool does, any
    /// safety margin included; 0 when unknown.
    /// </param>
    public sealed record ServingPool(
        int TensorParallel,
        int PipelineParallel,
        int DataParallel,
        int ExpertParallel,
        MemoryPerGpu MemoryPerGpu,
        int MaxConcurrency,
        double EngineMemoryFraction = 0)
    {
        /// <summary>GPUs the pool uses: TP x PP x DP.</summary>
        public int GpuCount => TensorParallel * PipelineParallel * DataParallel;

        /// <summary>"TP8 x PP1 x DP1", with " x EP8" for expert-parallel pools.</summary>
        public override string ToString() => PartitionPlan.Label(TensorParallel, PipelineParallel, DataParallel, ExpertParallel);
    }

    /// <summary>
    /// One way to serve a model on a cluster: aggregated, one pool whose GPUs run both prefill and decode; or
    /// disaggregated, a prefill pool and a decode pool (<see cref="Pool"/>), each request's KV cache sent from the
    /// first to the second. Immutable; equality is by value.
    /// </summary>
    /// <param name="Pool">The pool that decodes (an aggregated plan's only pool): its split, memory per GPU and capacity.</param>
    /// <param name="Index">Position of this plan in its deployment's <c>Plans</c>; the generated evaluator indexes by it.</param>
    /// <param name="CostPerMillionOutputTokens">
    /// US dollars per million output tokens at capacity (<see cref="MaxConcurrency"/> in flight), every GPU of the plan
    /// paid for at the cluster's price per GPU-hour; 0 when no price is known.
    /// </param>
    /// <param name="Prefill">A disaggregated plan's prefill pool (its workers prefill only); null when aggregated.</param>
    /// <param name="KvTransferMs">Time to send one request's KV cache from a prefill worker to a decode worker, in ms (our model; 0 when aggregated).</param>
    /// <param name="GoodputRequestsPerSecond">
    /// Goodput: the highest arrival rate (Poisson) the plan sustains while meeting the deployment's latency targets in
    /// their statistic (mean, P90 or P99), in requests per second, to 6 significant digits; without targets, the rate
    /// at capacity; 0 when not even a trickle of requests meets them (our model: docs/cost-model.md, "Goodput").
    /// </param>
    public sealed record PartitionPlan(ServingPool Pool, int Index = 0, double CostPerMillionOutputTokens = 0, ServingPool? Prefill = null, double KvTransferMs = 0,
        double GoodputRequestsPerSecond = 0)
    {
        /// <summary>Aggregated or disaggregated.</summary>
        public ServingMode Mode => Prefill is null ? ServingMode.Aggregated : ServingMode.Disaggregated;

        /// <summary>GPUs the plan uses (both pools).</summary>
        public int GpuCount => Pool.GpuCount + (Prefill?.GpuCount ?? 0);

        /// <summary>"1:2": prefill workers to decode workers of a disaggregated plan ("" when aggregated).</summary>
        public string Ratio => Prefill is null ? "" : Prefill.DataParallel.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + Pool.DataParallel.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Requests of InputTokens + OutputTokens the whole plan can hold at once.</summary>
        public int MaxConcurrency => Pool.MaxConcurrency;

        /// <summary>"TP8 x PP1 x DP1" (" x EP8" for expert-parallel plans); disaggregated: "prefill TP4 x PP1 x DP2 + decode TP8 x PP1 x DP1" (DP = workers).</summary>
        public override string ToString() => Prefill is null ? Pool.ToString() : "prefill " + Prefill + " + decode " + Pool;

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
