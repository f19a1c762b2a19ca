using System;
using System.Collections.Generic;
using DeploySpec.Launch;
using static DeploySpec.Launch.LaunchText;

namespace DeploySpec.Serving
{
    /// <summary>
    /// SGLang: KV = mem_fraction_static x the memory free at start-up - weights, the fraction derived by default as
    /// SGLang derives it (<see cref="DerivedReserveBytes"/>); max_running_requests 1024, chunked prefill by the GPU's
    /// memory (2048 to 16384 tokens), page size 1 (docs/memory.md). Launched with <c>python3 -m sglang.launch_server</c>.
    /// </summary>
    internal sealed class SglangProfile : ServingEngineProfile
    {
        internal SglangProfile()
            : base(ServingEngine.Sglang, "SGLang", "sglang", MemoryPolicy.StaticFraction, defaultMemoryFraction: 0.0 /* derived from the GPU (docs/memory.md) */, defaultMaxBatchSize: 1024,
                maxBatchedTokens: 16384, tokensPerKvBlock: 1, cudaGraphBytes: 1.5 * GiB, flags: new EngineFlags(ContextLength: "--context-length", MaxBatchSize: "--max-running-requests",
                    Memory: "--mem-fraction-static", KvCacheDtype: "--kv-cache-dtype", Fp8KvCache: "fp8_e4m3", Quantization: "--quantization fp8", MaxBatchedTokens: "--chunked-prefill-size"),
                containerImage: "lmsysorg/sglang:latest", minimumFreeBytes: 10.0 * GiB /* on GPUs above 60 GiB */,
                decodeCountsAgainstTokenBudget: false /* chunked-prefill-size splits prompts; decode batches are bounded by max-running-requests alone */)
        {
        }

        /// <inheritdoc />
        public override bool TokenBudgetDependsOnGpu => true;

        /// <summary>
        /// SGLang's chunked-prefill size by the GPU's memory (<c>handle_gpu_memory_settings</c>, sgl-project/sglang@031ed82d
        /// <c>python/sglang/srt/arg_groups/memory_hook.py</c>): 2048 tokens below 20 GiB, 4096 below 60 GiB, 8192 below
        /// 160 GiB, 16384 above.
        /// </summary>
        public override int DefaultMaxBatchedTokens(double gpuMemoryBytes, string gpuName) =>
            gpuMemoryBytes < 20 * GiB ? 2048 : gpuMemoryBytes < 60 * GiB ? 4096 : gpuMemoryBytes < 160 * GiB ? 8192 : MaxBatchedTokens;

        /// <summary>
        /// SGLang's reserve when it derives <c>mem_fraction_static</c> itself (<c>handle_gpu_memory_settings</c> and
        /// <c>reserve_for_graph_mb</c>, sgl-project/sglang@031ed82d <c>python/sglang/srt/arg_groups/memory_hook.py</c>;
        /// the prefill graph sizes from <c>generate_prefill_cuda_graph_batch_sizes</c> in <c>cuda_graph_hook.py</c>), in
        /// MiB of the device: 512 of constant metadata, 1.5 per token of max(chunked-prefill size, 2048) for activations,
        /// 1024 x TP x PP / 8, the decode CUDA graphs (2 per request of the largest captured batch: 8 below 20 GiB; 48
        /// (160 at TP4 and above) below 35 GiB; 32 (160) below 60 GiB; 256 (512) below 160 GiB; 512 above), under
        /// attention data parallel 3 more per request per rank (and 1.5 more above 300 requests), the prefill graphs
        /// (1.5 GiB with latent attention, else 8 per captured token count up to the chunked-prefill size), at least
        /// 10 GiB on GPUs above 60 GiB, and 2 GiB for a draft head (6 GiB for a separate draft model).
        /// </summary>
        public override double DerivedReserveBytes(double capacityBytes, int tokenBudget, int tensorParallel, int pipelineParallel,
            int attentionDataParallel, bool latentAttention, Speculation speculation)
        {
            double memoryMiB = capacityBytes / MiB;
            double graphBatch = memoryMiB < 20 * 1024 ? 8
                : memoryMiB < 35 * 1024 ? (tensorParallel < 4 ? 48 : 160)
                : memoryMiB < 60 * 1024 ? (tensorParallel < 4 ? 32 : 160)
                : memoryMiB < 160 * 1024 ? (tensorParallel < 4 ? 256 : 512)
                : 512;
            double reserved = 512 + Math.Max(tokenBudget, 2048) * 1.5 + tensorParallel * pipelineParallel / 8.0 * 1024 + graphBatch * 2;
            if (attentionDataParallel > 1)
            {
                reserved += graphBatch * attentionDataParallel * 3 + (graphBatch > 300 ? graphBatch * attentionDataParallel * 1.5 : 0);
            }

            reserved += latentAttention ? 1.5 * 1024 : PrefillGraphSizes(tokenBudget) * 8;
            if (memoryMiB > 60 * 1024)
            {
                reserved = Math.Max(reserved, MinimumFreeBytes / MiB);
            }

            reserved += speculation switch { Speculation.None => 0, Speculation.DraftModel => 6 * 1024, _ => 2 * 1024 };
            return reserved * MiB;
        }

        /// <summary>The token counts SGLang captures prefill CUDA graphs for, up to <paramref name="maxTokens"/> (<c>generate_prefill_cuda_graph_batch_sizes</c>).</summary>
        private static int PrefillGraphSizes(int maxTokens)
        {
            int count = 0;
            foreach (var (from, to, step) in new[] { (4, 32, 4), (48, 256, 16), (288, 512, 32), (576, 1024, 64), (1280, 4096, 256), (4608, int.MaxValue, 512) })
            {
                for (int size = from; size <= Math.Min(to, maxTokens); size += step)
                {
                    count++;
                }
            }

            return count;
        }

        /// <inheritdoc />
        public override LaunchConfig Launch(DeploymentFacts facts, ServingPool pool, LaunchOptions options)
        {
            var layout = new Layout(facts, pool);
            var notes = new List<string>();
            bool dpAttention = pool.ExpertParallel > pool.TensorParallel;
            var args = new List<string> { "python3", "-m", "sglang.launch_server", "--model-path", Quote(facts.Checkpoint) };
            Add(args, "--tp-size", Int(dpAttention ? pool.ExpertParallel : pool.TensorParallel));
            Add(args, "--pp-size", Int(pool.PipelineParallel));
            if (pool.DataParallel > 1)
            {
                Add(args, "--dp-size", Int(dpAttention ? pool.ExpertParallel / pool.TensorParallel : pool.DataParallel));
            }

            if (pool.ExpertParallel > 1)
            {
                Add(args, "--ep-size", Int(pool.ExpertParallel));
            }

            if (dpAttention)
            {
                args.Add("--enable-dp-attention");
            }

            AddLimits(args, facts, pool, notes);
            if (facts.Speculation != Speculation.None)
            {
                // server_args.py "Speculative decoding": a chain (top-k 1) of k steps, k + 1 tokens verified (docs/launch.md).
                Add(args, "--speculative-algorithm", facts.Speculation switch { Speculation.Eagle3 => "EAGLE3", Speculation.Mtp => "NEXTN", _ => "STANDALONE" });
                if (DraftCheckpoint(facts, notes) is { } draft)
                {
                    Add(args, "--speculative-draft-model-path", Quote(draft));
                }

                Add(args, "--speculative-num-steps", Int(facts.SpeculativeTokens));
                Add(args, "--speculative-eagle-topk", "1");
                Add(args, "--speculative-num-draft-tokens", Int(facts.SpeculativeTokens + 1));
            }

            var commands = new List<string>();
            int groupGpus = dpAttention ? pool.ExpertParallel * pool.PipelineParallel : pool.GpuCount;
            int nodes = Math.Max(1, (groupGpus + facts.GpusPerNode - 1) / facts.GpusPerNode);
            for (int rank = 0; rank < nodes; rank++)
            {
                var node = new List<string>(args);
                if (nodes > 1)
                {
                    Add(node, "--nnodes", Int(nodes));
                    Add(node, "--node-rank", Int(rank));
                    Add(node, "--dist-init-addr", options.LeaderAddress + ":20000");
                }

                Add(node, "--host", "0.0.0.0");
                Add(node, "--port", Int(options.Port));
                commands.Add(Join(node));
            }

            int groups = Math.Max(1, facts.TotalGpus / Math.Max(1, groupGpus));
            if (groups > 1)
            {
                notes.Add(Format("{0} independent servers of {1} node(s) each; balance requests across them", groups, nodes));
            }

            return new LaunchConfig(ServingEngine.Sglang, groups, nodes, commands, new Dictionary<string, string>(), notes);
        }

        /// <summary>server_args.py "PD disaggregation": the role and Mooncake, the default transfer backend (docs/launch.md).</summary>
        private protected override string Disaggregate(string command, DisaggregatedRole role) =>
            command + " --disaggregation-mode " + (role == DisaggregatedRole.Prefill ? "prefill" : "decode") + " --disaggregation-transfer-backend mooncake";

        /// <summary>sglang_router in PD mode (docs/advanced_features/pd_disaggregation.md).</summary>
        private protected override (string Command, IReadOnlyDictionary<string, string> Files, string Note) Router(int port, int prefillPort, int decodePort) =>
            (Format("python3 -m sglang_router.launch_router --pd-disaggregation --prefill http://$PREFILL_ADDRESS:{1} --decode http://$DECODE_ADDRESS:{2} --host 0.0.0.0 --port {0}", port, prefillPort, decodePort),
             new Dictionary<string, string>(),
             "the router is sglang_router in PD mode (pip install sglang-router); Mooncake moves the KV cache over RDMA: add --disaggregation-ib-device with your NICs, or --disaggregation-transfer-backend nixl");
    }
}
