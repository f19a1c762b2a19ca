namespace DeploySpec.Engine.Memory
{
    /// <summary>
    /// Defaults of the serving engines, as their sources and docs state them (docs/memory.md). A deployment may
    /// override the memory fraction and the batch limit.
    /// </summary>
    public sealed record ServingEngineDefaults(
        ServingEngine Engine,
        double MemoryFraction,
        int MaxBatchSize,
        int MaxBatchedTokens,
        int TokensPerKvBlock,
        bool FractionOfFreeMemory,
        double CudaGraphBytes)
    {
        public static ServingEngineDefaults For(ServingEngine engine) => engine switch
        {
            // TensorRT-LLM: free_gpu_memory_fraction 0.9 of the memory still free after weights and buffers;
            // max_batch_size 2048, max_num_tokens 8192, tokens_per_block 32.
            ServingEngine.TensorRtLlm => new(engine, 0.90, 2048, 8192, 32, true, 1.0 * Units.BytesPerGiB),
            // SGLang: mem_fraction_static sized so ~10 GiB stay free on large GPUs (see MemoryModel), page size 1.
            ServingEngine.Sglang => new(engine, 0.0, 1024, 8192, 1, false, 1.5 * Units.BytesPerGiB),
            // vLLM: gpu_memory_utilization 0.90 of TOTAL memory; max_num_seqs 1024 and max_num_batched_tokens 8192
            // for the OpenAI server on 70 GB+ GPUs (V1 engine); 16-token blocks.
            _ => new(ServingEngine.Vllm, 0.90, 1024, 8192, 16, false, 1.0 * Units.BytesPerGiB),
        };
    }
}
