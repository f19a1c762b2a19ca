using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DeploySpec.Launch
{
    /// <summary>How to start one plan on a real serving engine: a command per node of one serving group, files it reads, and notes.</summary>
    public sealed class LaunchConfig
    {
        /// <summary>Creates a launch configuration.</summary>
        public LaunchConfig(ServingEngine engine, int groups, int nodesPerGroup, IReadOnlyList<string> commands,
            IReadOnlyDictionary<string, string> files, IReadOnlyList<string> notes)
        {
            Engine = engine;
            Groups = groups;
            NodesPerGroup = nodesPerGroup;
            Commands = commands;
            Files = files;
            Notes = notes;
        }

        /// <summary>The engine.</summary>
        public ServingEngine Engine { get; }
        /// <summary>Independent serving groups (each its own endpoint, behind a load balancer).</summary>
        public int Groups { get; }
        /// <summary>Nodes in one group.</summary>
        public int NodesPerGroup { get; }
        /// <summary>One command per node of a group, node 0 (the leader) first.</summary>
        public IReadOnlyList<string> Commands { get; }
        /// <summary>Files the commands read (name to content), e.g. TensorRT-LLM's extra LLM API options YAML.</summary>
        public IReadOnlyDictionary<string, string> Files { get; }
        /// <summary>What the commands cannot express, or what to check.</summary>
        public IReadOnlyList<string> Notes { get; }

        /// <inheritdoc />
        public override string ToString()
        {
            var text = new StringBuilder();
            for (int i = 0; i < Commands.Count; i++)
            {
                if (Commands.Count > 1)
                {
                    text.Append("# node ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(i == 0 ? " (leader)" : "").Append('\n');
                }

                text.Append(Commands[i]).Append('\n');
            }

            foreach (var file in Files)
            {
                text.Append("# ").Append(file.Key).Append('\n').Append(file.Value);
            }

            foreach (string note in Notes)
            {
                text.Append("# note: ").Append(note).Append('\n');
            }

            return text.ToString();
        }
    }

    /// <summary>Where the commands listen and how nodes find the leader.</summary>
    public sealed class LaunchOptions
    {
        /// <summary>HTTP port of the server.</summary>
        public int Port { get; set; } = 8000;
        /// <summary>Address the leader (node 0) is reached at; a shell variable by default.</summary>
        public string LeaderAddress { get; set; } = "$LEADER_ADDRESS";
        /// <summary>Container image for the Kubernetes manifest.</summary>
        public string Image { get; set; } = "";
        /// <summary>Name of the Kubernetes object.</summary>
        public string Name { get; set; } = "";
    }

    /// <summary>
    /// Launch commands for a plan on vLLM (<c>vllm serve</c>), TensorRT-LLM (<c>trtllm-serve</c>) and SGLang
    /// (<c>sglang.launch_server</c>), and a Kubernetes LeaderWorkerSet for plans that span nodes. Flag names are the
    /// engines' own (docs/launch.md lists each with the source it was checked against). The memory setting is the
    /// plan's <see cref="PartitionPlan.EngineMemoryFraction"/>, given only to the engine the plan was sized for.
    /// </summary>
    public static class EngineLaunch
    {
        /// <summary>The launch configuration of <paramref name="plan"/> on <paramref name="engine"/>.</summary>
        public static LaunchConfig For(ServingEngine engine, DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null) => engine switch
        {
            ServingEngine.TensorRtLlm => TensorRtLlm(facts, plan, options),
            ServingEngine.Sglang => Sglang(facts, plan, options),
            _ => Vllm(facts, plan, options),
        };

        /// <summary><c>vllm serve</c>: EP is enabled, not sized (vLLM's EP size is TP x DP).</summary>
        public static LaunchConfig Vllm(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null)
        {
            options ??= new LaunchOptions();
            var layout = new Layout(facts, plan);
            var notes = new List<string>();
            var common = new List<string>();
            Add(common, "--max-model-len", Int(facts.ContextTokens));
            AddMemory(common, "--gpu-memory-utilization", facts, plan, ServingEngine.Vllm, notes);
            if (facts.KvCache == Precision.Fp8)
            {
                Add(common, "--kv-cache-dtype", "fp8");
            }

            Add(common, "--max-num-seqs", Int(facts.MaxBatchSize));
            QuantizationNote(facts, notes, "--quantization fp8");
            bool wideEp = plan.ExpertParallel > plan.TensorParallel;
            var commands = new List<string>();
            int groups, nodesPerGroup;
            if (layout.ReplicaNodes > 1)
            {
                // One replica spans nodes: vLLM's own multi-node launch, one group per replica.
                groups = plan.DataParallel;
                nodesPerGroup = layout.ReplicaNodes;
                for (int rank = 0; rank < layout.ReplicaNodes; rank++)
                {
                    var args = Serve(facts.Checkpoint, plan.TensorParallel, plan.PipelineParallel, 1, plan.ExpertParallel > 1);
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
                int local = facts.GpusPerNode / (plan.TensorParallel * plan.PipelineParallel);
                for (int rank = 0; rank < facts.Nodes; rank++)
                {
                    var args = Serve(facts.Checkpoint, plan.TensorParallel, plan.PipelineParallel, plan.DataParallel, true);
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
                var args = Serve(facts.Checkpoint, plan.TensorParallel, plan.PipelineParallel, layout.ReplicasPerNode, plan.ExpertParallel > 1);
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

        /// <summary><c>trtllm-serve</c> (PyTorch backend) with its extra LLM API options YAML.</summary>
        public static LaunchConfig TensorRtLlm(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null)
        {
            options ??= new LaunchOptions();
            var layout = new Layout(facts, plan);
            var notes = new List<string>();
            bool attentionDp = plan.ExpertParallel > plan.TensorParallel;
            int tpSize = attentionDp ? plan.ExpertParallel : plan.TensorParallel;
            if (attentionDp && plan.TensorParallel > 1)
            {
                notes.Add(Format("TensorRT-LLM's attention data parallelism runs attention unsplit on each rank; this plan's attention TP{0} inside EP{1} has no exact equivalent", plan.TensorParallel, plan.ExpertParallel));
            }

            var args = new List<string> { "trtllm-serve", Quote(facts.Checkpoint), "--backend", "pytorch" };
            Add(args, "--tp_size", Int(tpSize));
            Add(args, "--pp_size", Int(plan.PipelineParallel));
            if (plan.ExpertParallel > 1)
            {
                Add(args, "--ep_size", Int(plan.ExpertParallel));
            }

            Add(args, "--max_batch_size", Int(facts.MaxBatchSize));
            Add(args, "--max_num_tokens", "8192");
            Add(args, "--max_seq_len", Int(facts.ContextTokens));
            string? fraction = MemoryValue(facts, plan, ServingEngine.TensorRtLlm, notes);
            if (fraction is not null)
            {
                Add(args, "--kv_cache_free_gpu_memory_fraction", fraction);
            }

            Add(args, "--host", "0.0.0.0");
            Add(args, "--port", Int(options.Port));
            Add(args, "--extra_llm_api_options", "extra-llm-api-options.yaml");
            QuantizationNote(facts, notes, "a TensorRT-LLM FP8 (ModelOpt) checkpoint");

            var yaml = new StringBuilder();
            yaml.Append("kv_cache_config:\n");
            yaml.Append("  dtype: ").Append(facts.KvCache == Precision.Fp8 ? "fp8" : "auto").Append('\n');
            if (fraction is not null)
            {
                yaml.Append("  free_gpu_memory_fraction: ").Append(fraction).Append('\n');
            }

            yaml.Append("cuda_graph_config:\n  enable_padding: true\n  max_batch_size: ").Append(Int(Math.Min(facts.MaxBatchSize, 1024))).Append('\n');
            if (attentionDp)
            {
                yaml.Append("enable_attention_dp: true\n");
            }

            int ranks = tpSize * plan.PipelineParallel;
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

        /// <summary><c>python3 -m sglang.launch_server</c>.</summary>
        public static LaunchConfig Sglang(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null)
        {
            options ??= new LaunchOptions();
            var layout = new Layout(facts, plan);
            var notes = new List<string>();
            bool dpAttention = plan.ExpertParallel > plan.TensorParallel;
            var args = new List<string> { "python3", "-m", "sglang.launch_server", "--model-path", Quote(facts.Checkpoint) };
            Add(args, "--tp-size", Int(dpAttention ? plan.ExpertParallel : plan.TensorParallel));
            Add(args, "--pp-size", Int(plan.PipelineParallel));
            if (plan.DataParallel > 1)
            {
                Add(args, "--dp-size", Int(dpAttention ? plan.ExpertParallel / plan.TensorParallel : plan.DataParallel));
            }

            if (plan.ExpertParallel > 1)
            {
                Add(args, "--ep-size", Int(plan.ExpertParallel));
            }

            if (dpAttention)
            {
                args.Add("--enable-dp-attention");
            }

            Add(args, "--context-length", Int(facts.ContextTokens));
            AddMemory(args, "--mem-fraction-static", facts, plan, ServingEngine.Sglang, notes);
            if (facts.KvCache == Precision.Fp8)
            {
                Add(args, "--kv-cache-dtype", "fp8_e4m3");
            }

            Add(args, "--max-running-requests", Int(facts.MaxBatchSize));
            QuantizationNote(facts, notes, "--quantization fp8");
            var commands = new List<string>();
            int groupGpus = dpAttention ? plan.ExpertParallel * plan.PipelineParallel : plan.GpuCount;
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

        /// <summary>
        /// A Kubernetes LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) running <paramref name="engine"/> for a plan whose
        /// serving group spans nodes: one leader and workers per group, a GPU request per pod, /dev/shm in memory.
        /// vLLM and SGLang only: TensorRT-LLM's multi-node serving needs an MPI launch with no official LWS pattern.
        /// </summary>
        public static string LeaderWorkerSet(ServingEngine engine, DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null)
        {
            if (engine == ServingEngine.TensorRtLlm)
            {
                throw new NotSupportedException("trtllm-serve spans nodes through an MPI job (srun/mpirun); there is no LeaderWorkerSet pattern for it.");
            }

            options ??= new LaunchOptions();
            string name = options.Name.Length > 0 ? options.Name : KubernetesName(facts.Name + "-" + (engine == ServingEngine.Sglang ? "sglang" : "vllm"));
            string image = options.Image.Length > 0 ? options.Image : engine == ServingEngine.Sglang ? "lmsysorg/sglang:latest" : "vllm/vllm-openai:latest";
            var launch = For(engine, facts, plan, new LaunchOptions { Port = options.Port, LeaderAddress = "$(LWS_LEADER_ADDRESS)" });
            var y = new StringBuilder();
            void Line(string text) => y.Append(text).Append('\n');
            Line("apiVersion: leaderworkerset.x-k8s.io/v1");
            Line("kind: LeaderWorkerSet");
            Line("metadata:");
            Line("  name: " + name);
            Line("spec:");
            Line("  replicas: " + Int(launch.Groups));
            Line("  leaderWorkerTemplate:");
            Line("    size: " + Int(launch.Commands.Count));
            Line("    restartPolicy: RecreateGroupOnPodRestart");
            Container("leaderTemplate", "leader", launch.Commands[0], true);
            Container("workerTemplate", "worker", launch.Commands.Count > 1 ? launch.Commands[1] : launch.Commands[0], false);
            return y.ToString();

            void Container(string template, string role, string command, bool leader)
            {
                // Node ranks come from LWS at run time, so the per-node command of rank 1 stands for every worker.
                string cmd = command.Replace("--node-rank 1", "--node-rank $(LWS_WORKER_INDEX)");
                int local = Math.Max(1, facts.GpusPerNode / Math.Max(1, plan.TensorParallel * plan.PipelineParallel));
                cmd = cmd.Replace("--data-parallel-start-rank " + Int(local), "--data-parallel-start-rank $((LWS_WORKER_INDEX * " + Int(local) + "))");
                Line("    " + template + ":");
                Line("      metadata:");
                Line("        labels:");
                Line("          role: " + role);
                Line("      spec:");
                Line("        containers:");
                Line("        - name: " + role);
                Line("          image: " + image);
                Line("          command: [\"sh\", \"-c\"]");
                Line("          args:");
                Line("          - " + YamlString(cmd));
                Line("          resources:");
                Line("            limits:");
                Line("              nvidia.com/gpu: \"" + Int(facts.GpusPerNode) + "\"");
                if (leader)
                {
                    Line("          ports:");
                    Line("          - containerPort: " + Int(options.Port));
                }

                Line("          volumeMounts:");
                Line("          - name: dshm");
                Line("            mountPath: /dev/shm");
                Line("        volumes:");
                Line("        - name: dshm");
                Line("          emptyDir:");
                Line("            medium: Memory");
                Line("            sizeLimit: 15Gi");
            }
        }

        private sealed class Layout
        {
            public Layout(DeploymentFacts facts, PartitionPlan plan)
            {
                int replicaGpus = plan.TensorParallel * plan.PipelineParallel;
                ReplicaNodes = Math.Max(1, (replicaGpus + facts.GpusPerNode - 1) / facts.GpusPerNode);
                ReplicasPerNode = Math.Max(1, facts.GpusPerNode / replicaGpus);
                NodesUsed = Math.Max(1, (plan.GpuCount + facts.GpusPerNode - 1) / facts.GpusPerNode);
            }

            public int ReplicaNodes { get; }
            public int ReplicasPerNode { get; }
            public int NodesUsed { get; }
        }

        private static void AddMemory(List<string> args, string flag, DeploymentFacts facts, PartitionPlan plan, ServingEngine engine, List<string> notes)
        {
            string? value = MemoryValue(facts, plan, engine, notes);
            if (value is not null)
            {
                Add(args, flag, value);
            }
        }

        private static string? MemoryValue(DeploymentFacts facts, PartitionPlan plan, ServingEngine engine, List<string> notes)
        {
            if (facts.Engine != engine || plan.EngineMemoryFraction <= 0)
            {
                notes.Add(Format("the plan was sized for {0}'s memory policy; the memory setting is left at this engine's default, so its KV cache will differ", DisplayNames.Of(facts.Engine)));
                return null;
            }

            return plan.EngineMemoryFraction.ToString("0.####", CultureInfo.InvariantCulture);
        }

        private static void QuantizationNote(DeploymentFacts facts, List<string> notes, string how)
        {
            if (facts.Weights != Precision.Bf16 && facts.Weights != Precision.Fp16 && facts.Weights != Precision.Fp32)
            {
                notes.Add(Format("the plan assumes {0} weights: serve a checkpoint already quantized to {0}, or use {1}", facts.Weights.ToString().ToUpperInvariant(), how));
            }
        }

        private static void Add(List<string> args, string flag, string value)
        {
            args.Add(flag);
            args.Add(value);
        }

        private static string Join(IEnumerable<string> args) => string.Join(" ", args);

        /// <summary>Single-quotes a shell word unless it is plainly safe (a variable reference stays unquoted).</summary>
        private static string Quote(string word)
        {
            if (word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+$()".IndexOf(c) >= 0))
            {
                return word;
            }

            return "'" + word.Replace("'", "'\\''") + "'";
        }

        private static string YamlString(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string KubernetesName(string text)
        {
            var name = new StringBuilder();
            foreach (char c in text.ToLowerInvariant())
            {
                name.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '-');
            }

            return name.ToString().Trim('-');
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
