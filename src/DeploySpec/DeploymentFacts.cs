using System;

namespace DeploySpec
{
    /// <summary>
    /// What a deployment was planned for, as resolved at compile time (attribute values, config.json, MSBuild
    /// defaults): the inputs of its reports and launch configurations.
    /// </summary>
    public sealed class DeploymentFacts
    {
        /// <summary>Creates the facts.</summary>
        public DeploymentFacts(
            string name, string modelName, string checkpoint, Precision weights, Precision kvCache,
            int layers, int attentionHeads, int keyValueHeads, int experts, int activeExperts,
            Gpu gpu, string gpuName, int gpusPerNode, int nodes,
            int inputTokens, int outputTokens, int contextTokens, ServingEngine engine, int maxBatchSize,
            Objective objective, double maxTimeToFirstTokenMs, double maxTimePerOutputTokenMs)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            ModelName = modelName ?? throw new ArgumentNullException(nameof(modelName));
            Checkpoint = checkpoint ?? throw new ArgumentNullException(nameof(checkpoint));
            Weights = weights;
            KvCache = kvCache;
            Layers = layers;
            AttentionHeads = attentionHeads;
            KeyValueHeads = keyValueHeads;
            Experts = experts;
            ActiveExperts = activeExperts;
            Gpu = gpu;
            GpuName = gpuName ?? throw new ArgumentNullException(nameof(gpuName));
            GpusPerNode = gpusPerNode;
            Nodes = nodes;
            InputTokens = inputTokens;
            OutputTokens = outputTokens;
            ContextTokens = contextTokens;
            Engine = engine;
            MaxBatchSize = maxBatchSize;
            Objective = objective;
            MaxTimeToFirstTokenMs = maxTimeToFirstTokenMs;
            MaxTimePerOutputTokenMs = maxTimePerOutputTokenMs;
        }

        /// <summary>The deployment class's name.</summary>
        public string Name { get; }
        /// <summary>The model's display name.</summary>
        public string ModelName { get; }
        /// <summary>What the serving engine loads: a HuggingFace repository id or a local path.</summary>
        public string Checkpoint { get; }
        /// <summary>Weight format.</summary>
        public Precision Weights { get; }
        /// <summary>KV-cache format.</summary>
        public Precision KvCache { get; }
        /// <summary>Transformer blocks.</summary>
        public int Layers { get; }
        /// <summary>Query heads.</summary>
        public int AttentionHeads { get; }
        /// <summary>KV heads (0 for multi-head latent attention).</summary>
        public int KeyValueHeads { get; }
        /// <summary>Routed experts per MoE layer (0 for dense models).</summary>
        public int Experts { get; }
        /// <summary>Experts each token is routed to.</summary>
        public int ActiveExperts { get; }
        /// <summary>The GPU.</summary>
        public Gpu Gpu { get; }
        /// <summary>The GPU's catalog name.</summary>
        public string GpuName { get; }
        /// <summary>GPUs per node.</summary>
        public int GpusPerNode { get; }
        /// <summary>Nodes.</summary>
        public int Nodes { get; }
        /// <summary>GPUs in the cluster.</summary>
        public int TotalGpus => GpusPerNode * Nodes;
        /// <summary>Prompt tokens per request.</summary>
        public int InputTokens { get; }
        /// <summary>Generated tokens per request.</summary>
        public int OutputTokens { get; }
        /// <summary>The longest request the engine must accept (its max model length).</summary>
        public int ContextTokens { get; }
        /// <summary>The engine whose memory policy sized the plans.</summary>
        public ServingEngine Engine { get; }
        /// <summary>Requests one replica batches at once.</summary>
        public int MaxBatchSize { get; }
        /// <summary>What the plans were ranked for.</summary>
        public Objective Objective { get; }
        /// <summary>Time-to-first-token target in ms (0 = none).</summary>
        public double MaxTimeToFirstTokenMs { get; }
        /// <summary>Time-per-output-token target in ms (0 = none).</summary>
        public double MaxTimePerOutputTokenMs { get; }
    }

    /// <summary>A candidate split that is not a plan, and why (partitioning, memory, context or concurrency).</summary>
    public sealed class PlanRejection
    {
        /// <summary>Creates a rejection.</summary>
        public PlanRejection(string plan, string reason)
        {
            Plan = plan ?? throw new ArgumentNullException(nameof(plan));
            Reason = reason ?? throw new ArgumentNullException(nameof(reason));
        }

        /// <summary>The candidate, e.g. "TP1 x PP1 x DP8".</summary>
        public string Plan { get; }
        /// <summary>Why it is not a plan, with the numbers.</summary>
        public string Reason { get; }

        /// <inheritdoc />
        public override string ToString() => Plan + ": " + Reason;
    }
}
