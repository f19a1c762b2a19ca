using System;
using System.Collections.Generic;
using DeploySpec.Launch;
using static DeploySpec.Launch.LaunchText;

namespace DeploySpec.Serving
{
    /// <summary>
    /// vLLM: KV = total x gpu_memory_utilization - (weights + the torch peak of its profile run + the non-torch memory the
    /// profile run adds), as its V1 profiler computes it (v0.19, checked against its startup logs); CUDA graphs are
    /// captured after the KV cache is sized and are not subtracted (from v0.21 their estimate is, by default).
    /// gpu_memory_utilization 0.90 of TOTAL memory; max_num_seqs 1024 and max_num_batched_tokens 8192 for the OpenAI
    /// server on GPUs of 70 GiB and more but A100, 256 and 2048 on the others (V1 engine, <see cref="DefaultMaxBatchSizeOn"/>);
    /// 16-token blocks (docs/memory.md). Launched with <c>vllm serve</c>;
    /// EP is enabled, not sized (vLLM's EP size is TP x DP).
    /// </summary>
    internal sealed class VllmProfile : ServingEngineProfile
    {
        internal VllmProfile()
            : base(ServingEngine.Vllm, "vLLM", "vllm", MemoryPolicy.FractionOfTotal, defaultMemoryFraction: 0.90, defaultMaxBatchSize: 1024, maxBatchedTokens: 8192,
                tokensPerKvBlock: 16, cudaGraphBytes: 0 /* v0.19 logs the estimate but does not subtract it (docs/memory.md) */, flags: new EngineFlags(ContextLength: "--max-model-len", MaxBatchSize: "--max-num-seqs",
                    Memory: "--gpu-memory-utilization", KvCacheDtype: "--kv-cache-dtype", Fp8KvCache: "fp8", Quantization: "--quantization fp8", MaxBatchedTokens: "--max-num-batched-tokens"),
                containerImage: "vllm/vllm-openai:latest", refusesBatchAboveTokenBudget: true)
        {
        }

        /// <summary>
        /// <c>vllm serve</c>'s default token budget (<c>EngineArgs.get_batch_defaults</c>, vllm-project/vllm@99d7eb5d <c>vllm/engine/arg_utils.py</c>, OpenAI server): 8192 on GPUs of
        /// 70 GiB and more whose name does not say A100 (a large budget lowered A100's throughput, vLLM PR #17885), else 2048.
        /// </summary>
        public override int DefaultMaxBatchedTokens(double gpuMemoryBytes, string gpuName) => LargeDefaults(gpuMemoryBytes, gpuName) ? MaxBatchedTokens : 2048;

        /// <summary><c>vllm serve</c>'s default <c>max_num_seqs</c> (<c>EngineArgs.get_batch_defaults</c>): 1024 where the budget is 8192, else 256.</summary>
        public override int DefaultMaxBatchSizeOn(double gpuMemoryBytes, string gpuName) => LargeDefaults(gpuMemoryBytes, gpuName) ? DefaultMaxBatchSize : 256;

        private static bool LargeDefaults(double gpuMemoryBytes, string gpuName) =>
            gpuMemoryBytes >= 70 * GiB && gpuName.IndexOf("a100", StringComparison.OrdinalIgnoreCase) < 0;

        /// <inheritdoc />
        public override LaunchConfig Launch(DeploymentFacts facts, ServingPool pool, LaunchOptions options)
        {
            var layout = new Layout(facts, pool);
            var notes = new List<string>();
            var common = new List<string>();
            AddLimits(common, facts, pool, notes);
            if (facts.Speculation != Speculation.None)
            {
                // vllm/config/speculative.py: method eagle3 | mtp | draft_model, model, num_speculative_tokens (docs/launch.md).
                string method = facts.Speculation switch { Speculation.Eagle3 => "eagle3", Speculation.Mtp => "mtp", _ => "draft_model" };
                string? draft = DraftCheckpoint(facts, notes);
                string json = "{\"method\":\"" + method + "\"" + (draft is null ? "" : ",\"model\":\"" + draft + "\"") +
                    ",\"num_speculative_tokens\":" + Int(facts.SpeculativeTokens) + "}";
                Add(common, "--speculative-config", Quote(json));
            }
            bool wideEp = pool.ExpertParallel > pool.TensorParallel;
            var commands = new List<string>();
            int groups, nodesPerGroup;
            if (layout.ReplicaNodes > 1)
            {
                // One replica spans nodes: vLLM's own multi-node launch, one group per replica.
                groups = pool.DataParallel;
                nodesPerGroup = layout.ReplicaNodes;
                for (int rank = 0; rank < layout.ReplicaNodes; rank++)
                {
                    var args = Serve(facts.Checkpoint, pool.TensorParallel, pool.PipelineParallel, 1, pool.ExpertParallel > 1);
                    Add(args, "--nnodes", Int(layout.ReplicaNodes));
                    Add(args, "--node-rank", Int(rank));
                    Add(args, "--master-addr", options.LeaderAddress);
                    args.AddRange(common);
                    Tail(args, rank, options.Port);
                    commands.Add(Join(args));
                }
            }
            else if (wideEp && facts.Nodes > 1)
            {
                // Experts shared across replicas on several nodes: one data-parallel group over all nodes.
                groups = 1;
                nodesPerGroup = facts.Nodes;
                int local = facts.GpusPerNode / (pool.TensorParallel * pool.PipelineParallel);
                for (int rank = 0; rank < facts.Nodes; rank++)
                {
                    var args = Serve(facts.Checkpoint, pool.TensorParallel, pool.PipelineParallel, pool.DataParallel, true);
                    Add(args, "--data-parallel-size-local", Int(local));
                    Add(args, "--data-parallel-address", options.LeaderAddress);
                    Add(args, "--data-parallel-rpc-port", "13345");
                    if (rank > 0)
                    {
                        Add(args, "--data-parallel-start-rank", Int(rank * local));
                    }

                    args.AddRange(common);
                    Tail(args, rank, options.Port);
                    commands.Add(Join(args));
                }
            }
            else
            {
                // Replicas fit a node: one independent server per node, its replicas as vLLM data parallelism.
                groups = layout.NodesUsed;
                nodesPerGroup = 1;
                var args = Serve(facts.Checkpoint, pool.TensorParallel, pool.PipelineParallel, layout.ReplicasPerNode, pool.ExpertParallel > 1);
                args.AddRange(common);
                Tail(args, 0, options.Port);
                commands.Add(Join(args));
                if (groups > 1)
                {
                    notes.Add(Format("run this on each of the {0} nodes and balance requests across them", groups));
                }
            }

            return new LaunchConfig(ServingEngine.Vllm, groups, nodesPerGroup, commands, new Dictionary<string, string>(), notes);

            static List<string> Serve(string checkpoint, int tp, int pp, int dp, bool ep)
            {
                var args = new List<string> { "vllm", "serve", Quote(checkpoint) };
                Add(args, "--tensor-parallel-size", Int(tp));
                Add(args, "--pipeline-parallel-size", Int(pp));
                if (dp > 1)
                {
                    Add(args, "--data-parallel-size", Int(dp));
                }

                if (ep)
                {
                    args.Add("--enable-expert-parallel");
                }

                return args;
            }

            static void Tail(List<string> args, int rank, int port)
            {
                if (rank > 0)
                {
                    args.Add("--headless");
                    return;
                }

                Add(args, "--host", "0.0.0.0");
                Add(args, "--port", Int(port));
            }
        }

        /// <summary>
        /// NIXL over UCX, both roles "kv_both" (vllm-project/vllm tests/v1/kv_connector/nixl_integration/run_accuracy_test.sh,
        /// docs/launch.md); each server also needs its own VLLM_NIXL_SIDE_CHANNEL_PORT when several share a host.
        /// </summary>
        private protected override string Disaggregate(string command, DisaggregatedRole role) =>
            command + " --kv-transfer-config '{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_both\"}'";

        /// <summary>vLLM's proxy of its NIXL tests (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py): prefill first, then decode.</summary>
        private protected override (string Command, IReadOnlyDictionary<string, string> Files, string Note) Router(int port, int prefillPort, int decodePort) =>
            (Format("python3 toy_proxy_server.py --port {0} --prefiller-hosts $PREFILL_ADDRESS --prefiller-ports {1} --decoder-hosts $DECODE_ADDRESS --decoder-ports {2}", port, prefillPort, decodePort),
             new Dictionary<string, string>(),
             "the router is vLLM's NIXL test proxy (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py in the vLLM repository); in production put llm-d or another prefill/decode-aware router in front; set VLLM_NIXL_SIDE_CHANNEL_PORT per server when several share a host");
    }
}
