namespace DeploySpec
{
    /// <summary>
    /// What a deployment was planned for, as resolved at compile time (attribute values, config.json, MSBuild
    /// defaults): the inputs of its reports and launch configurations.
    /// </summary>
    /// <param name="Name">The deployment class's name.</param>
    /// <param name="ModelName">The model's display name.</param>
    /// <param name="Checkpoint">What the serving engine loads: a HuggingFace repository id or a local path.</param>
    /// <param name="Weights">Weight format.</param>
    /// <param name="KvCache">KV-cache format.</param>
    /// <param name="Layers">Transformer blocks.</param>
    /// <param name="AttentionHeads">Query heads.</param>
    /// <param name="KeyValueHeads">KV heads (0 for multi-head latent attention).</param>
    /// <param name="Experts">Routed experts per MoE layer (0 for dense models).</param>
    /// <param name="ActiveExperts">Experts each token is routed to.</param>
    /// <param name="Gpu">The catalog GPU; null for an accelerator declared with [Accelerator].</param>
    /// <param name="GpuName">The GPU's catalog name, or the declared accelerator's name.</param>
    /// <param name="GpusPerNode">GPUs per node.</param>
    /// <param name="Nodes">Nodes.</param>
    /// <param name="InputTokens">Prompt tokens per request.</param>
    /// <param name="OutputTokens">Generated tokens per request.</param>
    /// <param name="ContextTokens">The longest request the engine must accept (its max model length).</param>
    /// <param name="Engine">The engine whose memory policy sized the plans.</param>
    /// <param name="MaxBatchSize">Requests one replica batches at once.</param>
    /// <param name="Objective">What the plans were ranked for.</param>
    /// <param name="MaxTimeToFirstTokenMs">Time-to-first-token target in ms (0 = none).</param>
    /// <param name="MaxTimePerOutputTokenMs">Time-per-output-token target in ms (0 = none).</param>
    /// <param name="RequestsPerSecond">Arrival rate the plans were judged at, requests per second (0 = none).</param>
    /// <param name="Measurements">How the project's own benchmark results corrected the estimates (null: not corrected).</param>
    /// <param name="PricePerGpuHour">US dollars per GPU-hour the costs per million tokens use (0 = no price).</param>
    /// <param name="PriceSource">Where <paramref name="PricePerGpuHour"/> comes from (declared, the MSBuild default, or a cited reference price).</param>
    /// <param name="Speculation">Speculative decoding the plans assume (None: off).</param>
    /// <param name="SpeculativeTokens">Draft tokens per verify step, defaults applied (0 without speculation).</param>
    /// <param name="AcceptanceRate">Per-token acceptance probability of the drafts, defaults applied (0 without speculation).</param>
    /// <param name="AcceptedTokensPerStep">Expected tokens each verify step emits, (1 - a^(k+1)) / (1 - a); 1 without speculation.</param>
    /// <param name="DraftCheckpoint">What the engine loads as the draft model (Speculation.DraftModel); empty otherwise.</param>
    /// <param name="TargetStatistic">What the latency targets bound: the mean, or the 90th or 99th percentile.</param>
    /// <param name="MaxBatchedTokens">Tokens one engine iteration processes at most, the engine's default applied (0: the engine's default).</param>
    public sealed record DeploymentFacts(
        string Name,
        string ModelName,
        string Checkpoint,
        Precision Weights,
        Precision KvCache,
        int Layers,
        int AttentionHeads,
        int KeyValueHeads,
        int Experts,
        int ActiveExperts,
        Gpu? Gpu,
        string GpuName,
        int GpusPerNode,
        int Nodes,
        int InputTokens,
        int OutputTokens,
        int ContextTokens,
        ServingEngine Engine,
        int MaxBatchSize,
        Objective Objective,
        double MaxTimeToFirstTokenMs,
        double MaxTimePerOutputTokenMs,
        double RequestsPerSecond = 0,
        MeasurementCalibration? Measurements = null,
        double PricePerGpuHour = 0,
        string PriceSource = "",
        Speculation Speculation = Speculation.None,
        int SpeculativeTokens = 0,
        double AcceptanceRate = 0,
        double AcceptedTokensPerStep = 1,
        string DraftCheckpoint = "",
        LatencyStatistic TargetStatistic = LatencyStatistic.Mean,
        int MaxBatchedTokens = 0)
    {
        /// <summary>GPUs in the cluster.</summary>
        public int TotalGpus => GpusPerNode * Nodes;

        /// <summary>True when the GPU is an accelerator declared with [Accelerator], not a catalog GPU.</summary>
        public bool GpuIsUserDeclared => Gpu is null;

        /// <summary>The GPU as reports name it: <see cref="GpuName"/>, with "(user-declared)" after a declared accelerator's.</summary>
        public string GpuLabel => GpuIsUserDeclared ? GpuName + " (user-declared)" : GpuName;
    }

    /// <summary>A candidate split that is not a plan, and why (partitioning, memory, context or concurrency).</summary>
    /// <param name="Plan">The candidate, e.g. "TP1 x PP1 x DP8".</param>
    /// <param name="Reason">Why it is not a plan, with the numbers.</param>
    public sealed record PlanRejection(string Plan, string Reason)
    {
        /// <inheritdoc />
        public override string ToString() => Plan + ": " + Reason;
    }
}
