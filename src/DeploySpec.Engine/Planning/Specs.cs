using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// An accelerator as declared by [Accelerator], in the attribute's units (GiB, TB/s, dense TFLOPS, GB/s both
    /// directions; 0 = not supported or "the default"). Value-equatable primitives only; <c>GpuCatalog.Of</c> turns it
    /// into the <see cref="Hardware.GpuSpec"/> the engine plans with.
    /// </summary>
    public sealed record AcceleratorSpec
    {
        public string Name { get; init; } = "";
        public double MemoryGiB { get; init; }
        public double MemoryBandwidthTBps { get; init; }
        public double Bf16Tflops { get; init; }
        public double Fp8Tflops { get; init; }
        public double Fp4Tflops { get; init; }
        public Link Link { get; init; }
        public double LinkGBps { get; init; }
        public int LinkDomainGpus { get; init; }
    }

    /// <summary>
    /// A cluster as declared by [Cluster]. Value-equatable primitives only. <see cref="Accelerator"/> is the declared
    /// accelerator it is built of (null for a catalog GPU, <see cref="Gpu"/>); when set, <see cref="Gpu"/> is ignored.
    /// </summary>
    public sealed record ClusterSpec
    {
        public string Name { get; init; } = "";
        public Gpu Gpu { get; init; }
        public AcceleratorSpec? Accelerator { get; init; }
        public int GpusPerNode { get; init; } = 8;
        public int Nodes { get; init; } = 1;
        public Link IntraNodeLink { get; init; }
        public Link InterNodeLink { get; init; }
        /// <summary>GPUs on one NVLink domain (may span nodes); 0 = the GPU's default (<see cref="Hardware.Topology.ScaleUpDomainGpus"/>).</summary>
        public int NvLinkDomainGpus { get; init; }
        /// <summary>US dollars per GPU-hour as declared (or the MSBuild default); 0 = the catalog's reference price, if any (<see cref="Cost.Pricing"/>).</summary>
        public double PricePerGpuHour { get; init; }

        public int TotalGpus => GpusPerNode * Nodes;
    }

    /// <summary>
    /// A deployment as declared by [Deployment], with its model and cluster resolved: the planner's input (0 means
    /// "the engine's default" or "search"). Why not <see cref="DeploymentFacts"/>: that is the resolved view reports
    /// and launch commands read (defaults applied, names looked up) in the runtime assembly; <c>Facts.Of</c> maps one
    /// to the other.
    /// </summary>
    public sealed record DeploymentSpec
    {
        public string Name { get; init; } = "";
        public ModelArchitecture Model { get; init; } = new();
        public ClusterSpec Cluster { get; init; } = new();
        public int InputTokens { get; init; } = 2048;
        public int OutputTokens { get; init; } = 128;
        public int MaxContext { get; init; }
        public int Concurrency { get; init; }
        public Objective Objective { get; init; }
        public double MaxTimeToFirstTokenMs { get; init; }
        public double MaxTimePerOutputTokenMs { get; init; }
        public double RequestsPerSecond { get; init; }
        public int TensorParallel { get; init; }
        public int PipelineParallel { get; init; }
        public int ExpertParallel { get; init; }
        public ServingEngine Engine { get; init; }
        public double MemoryFraction { get; init; }
        public int MaxBatchSize { get; init; }
        public double SafetyMarginGiB { get; init; }

        /// <summary>
        /// Tokens one iteration batches at most (the engine's max-num-batched-tokens / max_num_tokens /
        /// chunked-prefill-size); 0 = the engine's default on the GPU (<see cref="Serving.ServingEngineProfile.DefaultMaxBatchedTokens"/>).
        /// The calibration sets it too, for runs that used another value (trtllm-bench tunes it per dataset).
        /// </summary>
        public int MaxBatchedTokens { get; init; }

        /// <summary>The benchmark result files named by [Deployment(Measurements = ...)]: a path suffix with <c>*</c> within a segment ("" = none).</summary>
        public string Measurements { get; init; } = "";

        /// <summary>Aggregated, disaggregated, or <see cref="ServingMode.Any"/>: search both.</summary>
        public ServingMode Mode { get; init; }

        /// <summary>True when a degree is pinned (TensorParallel, PipelineParallel or ExpertParallel above 0).</summary>
        public bool PinsDegrees => TensorParallel > 0 || PipelineParallel > 0 || ExpertParallel > 0;

        /// <summary>
        /// The correction fitted on the runs of <see cref="Measurements"/> that match this deployment (null: none);
        /// <see cref="Cost.CostModel.Specialize"/> applies it to every plan (docs/measurements.md).
        /// </summary>
        public Cost.MeasuredCorrection? Correction { get; init; }

        /// <summary>Speculative decoding (None = off); <see cref="Cost.SpeculativeDecoding"/> resolves it with its defaults.</summary>
        public Speculation Speculation { get; init; }

        /// <summary>Draft tokens per verify step (k); 0 = <see cref="Cost.SpeculationMethod.DefaultSpeculativeTokens"/>.</summary>
        public int SpeculativeTokens { get; init; }

        /// <summary>Per-token acceptance probability of the drafts (alpha); 0 = the method's default (<see cref="Cost.SpeculationMethod"/>).</summary>
        public double AcceptanceRate { get; init; }

        /// <summary>
        /// The draft model of <see cref="Speculation.DraftModel"/>, joined from [Deployment(DraftModel = typeof(...))] like
        /// <see cref="Model"/> (null: none named).
        /// </summary>
        public ModelArchitecture? Draft { get; init; }

        /// <summary>What the latency targets bound: the mean or a percentile (docs/cost-model.md, "Percentiles").</summary>
        public LatencyStatistic TargetStatistic { get; init; }

        /// <summary>Tokens one request holds in the KV cache at its end.</summary>
        public int TokensPerRequest => InputTokens + OutputTokens;

        /// <summary>The longest request the engine must accept: MaxContext, or InputTokens + OutputTokens.</summary>
        public int ContextTokens => MaxContext > 0 ? MaxContext : TokensPerRequest;
    }

    /// <summary>
    /// The parallel degrees of a candidate, before it is sized: the search's value key (candidate positions, pins,
    /// fixes). Why not <see cref="PartitionPlan"/>: that is a sized plan (memory, capacity, index) in the runtime
    /// assembly; both write their label through <see cref="PartitionPlan.Label"/>.
    /// </summary>
    public readonly record struct Degrees(int TensorParallel, int PipelineParallel, int DataParallel, int ExpertParallel)
    {
        public int GpuCount => TensorParallel * PipelineParallel * DataParallel;

        public override string ToString() => PartitionPlan.Label(TensorParallel, PipelineParallel, DataParallel, ExpertParallel);
    }
}
