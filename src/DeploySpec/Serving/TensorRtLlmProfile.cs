using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DeploySpec.Launch;
using static DeploySpec.Launch.LaunchText;

namespace DeploySpec.Serving
{
    /// <summary>
    /// TensorRT-LLM: KV = free_gpu_memory_fraction x (memory still free after weights, runtime buffers, non-torch
    /// memory and CUDA graphs); fraction 0.9, max_batch_size 2048, max_num_tokens 8192, tokens_per_block 32
    /// (docs/memory.md). Launched with <c>trtllm-serve</c> (PyTorch backend) and its extra LLM API options YAML.
    /// </summary>
    internal sealed class TensorRtLlmProfile : ServingEngineProfile
    {
        internal TensorRtLlmProfile()
            : base(ServingEngine.TensorRtLlm, "TensorRT-LLM", "trtllm", MemoryPolicy.FractionOfFree, defaultMemoryFraction: 0.90, defaultMaxBatchSize: 2048, maxBatchedTokens: 8192,
                tokensPerKvBlock: 32, cudaGraphBytes: 1.0 * GiB, flags: new EngineFlags(ContextLength: "--max_seq_len", MaxBatchSize: "--max_batch_size",
                    Memory: "--kv_cache_free_gpu_memory_fraction", KvCacheDtype: null, Fp8KvCache: "fp8", Quantization: "a TensorRT-LLM FP8 (ModelOpt) checkpoint", MaxBatchedTokens: "--max_num_tokens"),
                containerImage: null) // no official LeaderWorkerSet pattern: multi-node trtllm-serve is one MPI job
        {
        }

        /// <summary>
        /// With attention data parallel (experts over more GPUs than the attention TP group; launched as
        /// <c>--tp_size</c> = the EP degree with <c>enable_attention_dp</c>), TensorRT-LLM's MoE modules take
        /// <c>moe_max_num_tokens</c> = <c>max_num_tokens</c> x the DP size ("The maximum number of tokens in MoE are
        /// multiplied by DP size when attention DP is enabled", <c>tensorrt_llm/_torch/modules/fused_moe/</c>, 1.0 to 1.2),
        /// and its KV cache is sized after a forward at that load: each rank's fused-MoE buffers hold every rank's tokens.
        /// </summary>
        public override int MoeBatchesPerRank(int tensorParallel, int expertParallel) =>
            expertParallel > tensorParallel ? expertParallel : 1;

        /// <summary>
        /// TensorRT-LLM's fused MoE (1.0 to 1.2, <c>select_alltoall_method_type</c>) uses an all-to-all only when the EP
        /// size exceeds top-k and the GPUs support multi-node NVLink (MNNVL; DeepEP only on request), else an all-gather
        /// before the experts and a reduce-scatter after them.
        /// </summary>
        public override MoeExchange MoeExchange(int expertParallel, int topK, bool multiNodeNvLink) =>
            expertParallel > topK && multiNodeNvLink ? Serving.MoeExchange.AllToAll : Serving.MoeExchange.AllGather;

        /// <summary>NVFP4 models gather their tokens already quantized (4 bits and an FP8 scale per 16 elements); the others in BF16.</summary>
        public override double MoeDispatchBytesPerElement(Precision weights) => weights == Precision.Fp4 ? 0.5 + 1.0 / 16 : 2.0;

        /// <inheritdoc />
        public override LaunchConfig Launch(DeploymentFacts facts, ServingPool pool, LaunchOptions options)
        {
            var layout = new Layout(facts, pool);
            var notes = new List<string>();
            bool attentionDp = pool.ExpertParallel > pool.TensorParallel;
            int tpSize = attentionDp ? pool.ExpertParallel : pool.TensorParallel;
            if (attentionDp && pool.TensorParallel > 1)
            {
                notes.Add(Format("TensorRT-LLM's attention data parallelism runs attention unsplit on each rank; this plan's attention TP{0} inside EP{1} has no exact equivalent", pool.TensorParallel, pool.ExpertParallel));
            }

            var args = new List<string> { "trtllm-serve", Quote(facts.Checkpoint), "--backend", "pytorch" };
            Add(args, "--tp_size", Int(tpSize));
            Add(args, "--pp_size", Int(pool.PipelineParallel));
            if (pool.ExpertParallel > 1)
            {
                Add(args, "--ep_size", Int(pool.ExpertParallel));
            }

            Add(args, Flags.MaxBatchSize, Int(facts.MaxBatchSize));
            Add(args, Flags.MaxBatchedTokens, Int(TokenBudget(facts)));
            Add(args, Flags.ContextLength, Int(facts.ContextTokens));
            string? fraction = MemoryValue(facts, pool, notes);
            if (fraction is not null)
            {
                Add(args, Flags.Memory, fraction);
            }

            Add(args, "--host", "0.0.0.0");
            Add(args, "--port", Int(options.Port));
            Add(args, "--extra_llm_api_options", "extra-llm-api-options.yaml");
            QuantizationNote(facts, notes);

            var yaml = new StringBuilder();
            yaml.Append("kv_cache_config:\n");
            yaml.Append("  dtype: ").Append(facts.KvCache == Precision.Fp8 ? Flags.Fp8KvCache : "auto").Append('\n');
            if (fraction is not null)
            {
                yaml.Append("  free_gpu_memory_fraction: ").Append(fraction).Append('\n');
            }

            yaml.Append("cuda_graph_config:\n  enable_padding: true\n  max_batch_size: ").Append(Int(Math.Min(facts.MaxBatchSize, 1024))).Append('\n');
            if (attentionDp)
            {
                yaml.Append("enable_attention_dp: true\n");
            }

            if (facts.Speculation != Speculation.None)
            {
                // The LLM API's speculative_config (docs/launch.md): MTP as in TensorRT-LLM's DeepSeek-R1 MTP blog, the others by max_draft_len.
                yaml.Append("speculative_config:\n  decoding_type: ")
                    .Append(facts.Speculation switch { Speculation.Eagle3 => "Eagle3", Speculation.Mtp => "MTP", _ => "DraftTarget" }).Append('\n');
                if (facts.Speculation == Speculation.Mtp)
                {
                    yaml.Append("  num_nextn_predict_layers: ").Append(Int(facts.SpeculativeTokens)).Append('\n');
                }
                else
                {
                    yaml.Append("  max_draft_len: ").Append(Int(facts.SpeculativeTokens)).Append('\n');
                    yaml.Append("  speculative_model_dir: ").Append(YamlString(DraftCheckpoint(facts, notes) ?? "")).Append('\n');
                }
            }

            int ranks = tpSize * pool.PipelineParallel;
            var commands = new List<string>();
            int groups;
            if (ranks > facts.GpusPerNode)
            {
                int nodes = (ranks + facts.GpusPerNode - 1) / facts.GpusPerNode;
                groups = Math.Max(1, facts.TotalGpus / ranks);
                commands.Add(Format("srun -N {0} --ntasks {1} --ntasks-per-node={2} --mpi=pmix bash -c {3}",
                    nodes, ranks, facts.GpusPerNode, Quote("trtllm-llmapi-launch " + Join(args))));
                notes.Add("multi-node trtllm-serve runs as one MPI job (shown with Slurm, as TensorRT-LLM's docs do)");
            }
            else
            {
                int perNode = facts.GpusPerNode / ranks;
                groups = Math.Max(1, facts.TotalGpus / ranks);
                for (int r = 0; r < Math.Min(perNode, groups); r++)
                {
                    string devices = string.Join(",", Enumerable.Range(r * ranks, ranks).Select(Int));
                    var replica = new List<string>(args);
                    replica[replica.IndexOf("--port") + 1] = Int(options.Port + r);
                    commands.Add((perNode > 1 ? "CUDA_VISIBLE_DEVICES=" + devices + " " : "") + Join(replica));
                }

                if (groups > perNode)
                {
                    notes.Add(Format("{0} servers in all: run the {1} above on each of the {2} nodes and balance requests across them", groups, perNode, layout.NodesUsed));
                }
            }

            return new LaunchConfig(ServingEngine.TensorRtLlm, groups, 1, commands,
                new Dictionary<string, string> { ["extra-llm-api-options.yaml"] = yaml.ToString() }, notes);
        }

        /// <summary>Context and generation servers read their own options file (examples/disaggregated/README.md, docs/launch.md).</summary>
        private protected override string Disaggregate(string command, DisaggregatedRole role) =>
            "TRTLLM_USE_UCX_KVCACHE=1 " + command.Replace("extra-llm-api-options.yaml", FileName(role));

        /// <summary>The context servers run without the overlap scheduler; both sides size the KV cache transceiver.</summary>
        private protected override (string Name, string Content) DisaggregateFile(string name, string content, DisaggregatedRole role) =>
            name == "extra-llm-api-options.yaml"
                ? (FileName(role), content + (role == DisaggregatedRole.Prefill ? "disable_overlap_scheduler: true\n" : "") + "cache_transceiver_config:\n  max_num_tokens: " + Int(MaxBatchedTokens) + "\n")
                : (name, content);

        /// <summary><c>trtllm-serve disaggregated</c> with the servers' addresses in disagg_config.yaml.</summary>
        private protected override (string Command, IReadOnlyDictionary<string, string> Files, string Note) Router(int port, int prefillPort, int decodePort) =>
            ("trtllm-serve disaggregated -c disagg_config.yaml",
             new Dictionary<string, string>
             {
                 ["disagg_config.yaml"] = Format("hostname: 0.0.0.0\nport: {0}\nbackend: pytorch\ncontext_servers:\n  num_instances: 1\n  urls: [\"$PREFILL_ADDRESS:{1}\"]\ngeneration_servers:\n  num_instances: 1\n  urls: [\"$DECODE_ADDRESS:{2}\"]\n", port, prefillPort, decodePort),
             },
             "the router is trtllm-serve disaggregated (examples/disaggregated/README.md): list every context and generation server's address in disagg_config.yaml");

        private static string FileName(DisaggregatedRole role) => role == DisaggregatedRole.Prefill ? "context-extra-llm-api-options.yaml" : "gen-extra-llm-api-options.yaml";
    }
}
