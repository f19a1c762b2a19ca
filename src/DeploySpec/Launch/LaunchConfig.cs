using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static DeploySpec.Launch.LaunchText;

namespace DeploySpec.Launch
{
    /// <summary>How to start one plan on a real serving engine: a command per node of one serving group, files it reads, and notes.</summary>
    /// <param name="Engine">The engine.</param>
    /// <param name="Groups">Independent serving groups (each its own endpoint, behind a load balancer).</param>
    /// <param name="NodesPerGroup">Nodes in one group.</param>
    /// <param name="Commands">One command per node of a group, node 0 (the leader) first.</param>
    /// <param name="Files">Files the commands read (name to content), e.g. TensorRT-LLM's extra LLM API options YAML.</param>
    /// <param name="Notes">What the commands cannot express, or what to check.</param>
    public sealed record LaunchConfig(
        ServingEngine Engine,
        int Groups,
        int NodesPerGroup,
        IReadOnlyList<string> Commands,
        IReadOnlyDictionary<string, string> Files,
        IReadOnlyList<string> Notes)
    {
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
    /// (<c>sglang.launch_server</c>), and a Kubernetes LeaderWorkerSet for plans that span nodes. Each engine's
    /// flags live in its profile (<see cref="Serving.ServingEngineProfile"/>); docs/launch.md lists each with the
    /// source it was checked against. The memory setting is the plan's <see cref="ServingPool.EngineMemoryFraction"/>,
    /// given only to the engine the plan was sized for.
    /// </summary>
    public static class EngineLaunch
    {
        /// <summary>The launch configuration of <paramref name="plan"/> on <paramref name="engine"/>.</summary>
        public static LaunchConfig For(ServingEngine engine, DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null) =>
            Serving.ServingEngineProfile.For(engine).Launch(facts, plan, options ?? new LaunchOptions());

        /// <summary><c>vllm serve</c>.</summary>
        public static LaunchConfig Vllm(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null) => For(ServingEngine.Vllm, facts, plan, options);

        /// <summary><c>trtllm-serve</c> (PyTorch backend) with its extra LLM API options YAML.</summary>
        public static LaunchConfig TensorRtLlm(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null) => For(ServingEngine.TensorRtLlm, facts, plan, options);

        /// <summary><c>python3 -m sglang.launch_server</c>.</summary>
        public static LaunchConfig Sglang(DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null) => For(ServingEngine.Sglang, facts, plan, options);

        /// <summary>
        /// A Kubernetes LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) running <paramref name="engine"/> for a plan whose
        /// serving group spans nodes: one leader and workers per group, a GPU request per pod, /dev/shm in memory.
        /// vLLM and SGLang only: TensorRT-LLM's multi-node serving needs an MPI launch with no official LWS pattern.
        /// </summary>
        public static string LeaderWorkerSet(ServingEngine engine, DeploymentFacts facts, PartitionPlan plan, LaunchOptions? options = null)
        {
            if (plan is { Prefill: not null })
            {
                throw new NotSupportedException("A disaggregated plan runs two pools behind a router: launch it with EngineLaunch.For (one LeaderWorkerSet per pool is not generated).");
            }

            var profile = Serving.ServingEngineProfile.For(engine);
            if (profile.ContainerImage is null)
            {
                throw new NotSupportedException(profile.DisplayName + " spans nodes through an MPI job (srun/mpirun); there is no LeaderWorkerSet pattern for it.");
            }

            options ??= new LaunchOptions();
            string name = options.Name.Length > 0 ? options.Name : KubernetesName(facts.Name + "-" + profile.ShortName);
            string image = options.Image.Length > 0 ? options.Image : profile.ContainerImage;
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
                int local = Math.Max(1, facts.GpusPerNode / Math.Max(1, plan.Pool.TensorParallel * plan.Pool.PipelineParallel));
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

    }

    /// <summary>Where a plan's GPUs sit: nodes per replica, replicas per node, nodes used.</summary>
    internal sealed class Layout
    {
        public Layout(DeploymentFacts facts, ServingPool pool)
        {
            int replicaGpus = pool.TensorParallel * pool.PipelineParallel;
            ReplicaNodes = Math.Max(1, (replicaGpus + facts.GpusPerNode - 1) / facts.GpusPerNode);
            ReplicasPerNode = Math.Max(1, facts.GpusPerNode / replicaGpus);
            NodesUsed = Math.Max(1, (pool.GpuCount + facts.GpusPerNode - 1) / facts.GpusPerNode);
        }

        public int ReplicaNodes { get; }
        public int ReplicasPerNode { get; }
        public int NodesUsed { get; }
    }

    /// <summary>Shell words, numbers and YAML as the launch commands write them (culture-invariant).</summary>
    internal static class LaunchText
    {
        public static void Add(List<string> args, string flag, string value)
        {
            args.Add(flag);
            args.Add(value);
        }

        public static string Join(IEnumerable<string> args) => string.Join(" ", args);

        /// <summary>Single-quotes a shell word unless it is plainly safe (a variable reference stays unquoted).</summary>
        public static string Quote(string word)
        {
            if (word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+$()".IndexOf(c) >= 0))
            {
                return word;
            }

            return "'" + word.Replace("'", "'\\''") + "'";
        }

        public static string YamlString(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        public static string KubernetesName(string text)
        {
            var name = new StringBuilder();
            foreach (char c in text.ToLowerInvariant())
            {
                name.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '-');
            }

            return name.ToString().Trim('-');
        }

        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
