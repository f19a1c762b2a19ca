using System.Collections.Generic;
using D = DeploySpec.DeploymentAttribute;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// Every rule of DeploySpec, in one table: IDs (DS1xxx specification, DS2xxx memory, DS3xxx partitioning, DS4xxx
    /// latency targets, DS9xxx internal; never reused), titles, categories, severities and message formats. The
    /// analyzers build their descriptors from it; the engine's findings and the reasons of rejected candidates
    /// render with it. Arguments start at {1}; {0} is the subject's name. A rule whose findings carry fixes names the
    /// placeholder of its remedy text ("; the best plan that fits is ...") as its RemedyArgument.
    /// </summary>
    public static class Rules
    {
        private const string Deployment = "Deployment";

        // ---- DS1xxx: declarations that cannot be read; {1} is the parser's text (from the vocabulary and validation) ----
        public static readonly Rule InvalidModel = new("DS1001", "Invalid model value", RuleCategory.Specification, RuleSeverity.Error, "Model", "{1}");
        public static readonly Rule InvalidCluster = new("DS1002", "Invalid cluster value", RuleCategory.Specification, RuleSeverity.Error, "Cluster", "{1}");
        public static readonly Rule InvalidDeployment = new("DS1003", "Invalid deployment value", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");
        public static readonly Rule ModelTypeWithoutAttribute = new("DS1004", "Model type lacks [Model]", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");
        public static readonly Rule ClusterTypeWithoutAttribute = new("DS1005", "Cluster type lacks [Cluster]", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");
        public static readonly Rule NotPartial = new("DS1006", "Declaration is not partial", RuleCategory.Specification, RuleSeverity.Error, "", "{1}");
        public static readonly Rule Generic = new("DS1007", "Declaration is generic", RuleCategory.Specification, RuleSeverity.Error, "", "{1}");
        public static readonly Rule InvalidMsBuildProperty = new("DS1008", "Invalid DeploySpec MSBuild property", RuleCategory.Specification, RuleSeverity.Error, "", "{0}");
        public static readonly Rule InvalidConfigFile = new("DS1009", "Invalid model config file", RuleCategory.Specification, RuleSeverity.Error, "Model", "{1}");
        public static readonly Rule GeneratedMemberConflict = new("DS1010", "Deployment class collides with a generated member", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");
        public static readonly Rule FileLocalDeployment = new("DS1011", "Deployment class is file-local", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");
        public static readonly Rule UnknownModelType = new("DS1012", "Model config file of an unknown model_type", RuleCategory.Specification, RuleSeverity.Warning, "Model", "{1}");
        public static readonly Rule InvalidAccelerator = new("DS1013", "Invalid accelerator value", RuleCategory.Specification, RuleSeverity.Error, "Accelerator", "{1}");
        /// <summary>A benchmark result file that cannot be read, or a run in it that is skipped; reported as an error or a warning, as the reader or the matching says.</summary>
        public static readonly Rule MeasurementFileProblem = new("DS1014", "Problem in a measurements file", RuleCategory.Specification, RuleSeverity.Warning, Deployment, "{1}");

        /// <summary>The draft model of speculative decoding is not smaller than the model it drafts for.</summary>
        public static readonly Rule DraftModelTooLarge = new("DS1015", "Draft model not smaller than the model", RuleCategory.Specification, RuleSeverity.Error, Deployment,
            nameof(D.DraftModel) + " {1} has {2:0.00} B parameters, not fewer than the model {3}'s {4:0.00} B: a draft pays only when it is much cheaper than the model it drafts for; name a smaller [Model] (a 1-8 B model of the same family, or Speculation.Eagle3)");
        /// <summary>Speculative-decoding settings that contradict each other or the model; {1} says which and the fix.</summary>
        public static readonly Rule SpeculationInconsistent = new("DS1016", "Speculative decoding settings inconsistent", RuleCategory.Specification, RuleSeverity.Error, Deployment, "{1}");

        // ---- DS2xxx: memory ----
        public static readonly Rule FitsNoPlan = new("DS2001", "Model fits no plan on its cluster", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "{1} fits no plan on {2}: {3:0.0} GB ({4:0.0} GiB) of {5} weights, {6:0.0} GiB with the KV cache of one {7}-token request, against {8} x {9} offering {10:0.0} GiB usable ({11:0.00} GiB each after the {12} reserve and activations){13}", RemedyArgument: 13);
        public static readonly Rule WeightsExceedGpu = new("DS2002", "Pinned plan does not fit GPU memory", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "{1} does not fit one {2}: per GPU weights {3:0.0} GiB + activations {4:0.0} GiB + reserve {5:0.0} GiB = {6:0.0} GiB exceed its {7:0.00} GiB{8}", RemedyArgument: 8);
        public static readonly Rule ConcurrencyBeyondKvCache = new("DS2003", "KV cache too small for the concurrency", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "no plan holds " + nameof(D.Concurrency) + " = {1} requests of {2} tokens at once: the most any plan holds is {3} ({4}, {5:0.0} GiB of KV cache per GPU at {6:0.0} KiB per token){7}", RemedyArgument: 7);
        public static readonly Rule NoRoomForOneRequest = new("DS2004", "Pinned plan leaves no room for one request", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "{1} does not fit one {2}: per GPU weights {3:0.0} GiB + activations {4:0.0} GiB + reserve {5:0.0} GiB leave {6:0.00} GiB of its {7:0.00} GiB for the KV cache, and one request of {8} tokens needs {9:0.00} GiB{10}", RemedyArgument: 10);
        public static readonly Rule ConcurrencyBeyondBatchLimit = new("DS2005", "Concurrency beyond the engine's batch limit", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "no plan holds " + nameof(D.Concurrency) + " = {1} requests at once, and the KV cache is not what binds: the engine's batch limit of {2} requests per replica caps the best plan ({3}) at {4}; raise " + nameof(D.MaxBatchSize) + " or add replicas");
        public static readonly Rule ContextBeyondKvCache = new("DS2006", "KV cache too small for the context", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "one request of " + nameof(D.MaxContext) + " = {1} tokens needs {2:0.00} GiB of KV cache per GPU, but the roomiest plan ({3}) has {4:0.00} GiB{5}", RemedyArgument: 5);

        public static readonly Rule NoDisaggregatedPlan = new("DS2007", "No disaggregated plan fits", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "Mode = Disaggregated, but no prefill pool and decode pool fit its {1} GPUs together and hold the requests asked for: the smallest worker that fits is {2} GPUs ({3}), and a disaggregated plan needs one of each; the best aggregated plan is {4}{5}", RemedyArgument: 5);

        /// <summary>Why a candidate that fits is not a plan when the deployment requires a concurrency (a reason, not a diagnostic).</summary>
        public static readonly Rule HoldsTooFewRequests = new(null, "Plan holds fewer requests than " + nameof(D.Concurrency), RuleCategory.Capacity, RuleSeverity.Info, Deployment,
            "holds {1} requests of {2} tokens at once ({3:0.0} GiB of KV per GPU), " + nameof(D.Concurrency) + " requires {4}");

        // ---- DS3xxx: partitioning ----
        public static readonly Rule TensorParallelSplitsNoHeads = new("DS3001", "Tensor parallelism does not split the heads", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "TP{1} {2} the {3} {4} heads{5}", RemedyArgument: 5);
        public static readonly Rule KvHeadsReplicated = new("DS3002", "Tensor parallelism above the KV heads replicates them", RuleCategory.Capacity, RuleSeverity.Warning, Deployment,
            "TP{1} exceeds the {2} KV heads, so each GPU keeps a whole replicated head: {3:0} bytes of KV per token per layer on each GPU instead of {4:0.#}, {5:0.#}x the KV cache an even split would need");
        public static readonly Rule UnevenStages = new("DS3003", "Pipeline stages are uneven", RuleCategory.Capacity, RuleSeverity.Warning, Deployment,
            "PP{1} does not divide the {2} layers: stages hold {3} to {4} layers, and the slowest stage ({4} layers) sets the pace, {5:0.0}% slower than an even split of {6:0.00}");
        public static readonly Rule ExpertParallelSplitsNoExperts = new("DS3004", "Expert parallelism does not split the experts", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "EP{1} does not divide the {2} experts{3}", RemedyArgument: 3);
        public static readonly Rule TensorParallelCrossesNodes = new("DS3005", "Tensor parallelism leaves the fast interconnect", RuleCategory.Capacity, RuleSeverity.Warning, Deployment,
            "TP{1} {2}: its all-reduces run over {3} ({4:0} GB/s per GPU) instead of {5} ({6:0} GB/s), twice per layer");
        public static readonly Rule PinnedDegreesDoNotTileCluster = new("DS3006", "Pinned degrees do not tile the cluster", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "{1} = {2} GPUs per replica does not divide the cluster's {3} GPUs{4}", RemedyArgument: 4);
        public static readonly Rule PipelineDeeperThanModel = new("DS3007", "More pipeline stages than layers", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "PP{1} exceeds the model's {2} layers{3}", RemedyArgument: 3);
        public static readonly Rule ExpertParallelExceedsRanks = new("DS3008", "Expert parallelism does not fit a stage's ranks", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "EP{1} does not divide the {2} GPUs of a stage's TP x DP ranks{3}", RemedyArgument: 3);
        public static readonly Rule ExpertParallelOnDenseModel = new("DS3009", "Expert parallelism on a dense model", RuleCategory.Capacity, RuleSeverity.Error, Deployment,
            "EP{1} on a dense model (no experts){2}", RemedyArgument: 2);

        // ---- DS4xxx: latency targets ----
        public static readonly Rule TimePerOutputTokenUnreachable = new("DS4001", "Time-per-output-token target no plan can meet", RuleCategory.Performance, RuleSeverity.Warning, Deployment,
            "no plan meets " + nameof(D.MaxTimePerOutputTokenMs) + " = {1} ms: the fastest, {2}, takes {3:0.00} ms per output token ({4:0.0} tok/s per user) even for one request");
        public static readonly Rule TimeToFirstTokenUnreachable = new("DS4002", "Time-to-first-token target no plan can meet", RuleCategory.Performance, RuleSeverity.Warning, Deployment,
            "no plan meets " + nameof(D.MaxTimeToFirstTokenMs) + " = {1} ms: the fastest, {2}, takes {3:0.0} ms to the first token of a {4}-token prompt even for one request");
        public static readonly Rule TargetsNotJointlyReachable = new("DS4003", "Latency targets no single plan meets together", RuleCategory.Performance, RuleSeverity.Warning, Deployment,
            "no single plan meets both targets: {1} reaches TPOT {2:0.00} ms but TTFT {3:0.0} ms; {4} reaches TTFT {5:0.0} ms but TPOT {6:0.00} ms");
        public static readonly Rule RateNotServed = new("DS4004", "Arrival rate no plan serves within the targets", RuleCategory.Performance, RuleSeverity.Warning, Deployment,
            "no plan serves " + nameof(D.RequestsPerSecond) + " = {1} within the latency targets: the best at that rate, {2}, {3}");
        public static readonly Rule EstimatesExtrapolated = new("DS4005", "Estimates extrapolated beyond the calibration data", RuleCategory.Performance, RuleSeverity.Info, Deployment,
            "the estimates of {1} are extrapolated beyond the calibration data along {2}: read them as plus or minus {3:0}% (docs/accuracy.md)");

        public static readonly Rule MeasurementDisagreesWithModel = new("DS4006", "Measured performance differs from the model beyond its band", RuleCategory.Performance, RuleSeverity.Warning, Deployment,
            "measured {1} {2:0}% {3} the model's in {4}: {5} measured, {6} predicted at {7}, {8} (the model's band is \u00b1{9:0}%){10}");

        // ---- DS9xxx: internal ----
        public static readonly Rule EngineFailure = new("DS9001", "The planning engine failed", RuleCategory.Specification, RuleSeverity.Warning, "",
            "Deployment '{0}' could not be planned: {1}");

        /// <summary>Every rule with a diagnostic ID, in ID order.</summary>
        public static IReadOnlyList<Rule> All { get; } = new[]
        {
            InvalidModel, InvalidCluster, InvalidDeployment, ModelTypeWithoutAttribute, ClusterTypeWithoutAttribute, NotPartial, Generic,
            InvalidMsBuildProperty, InvalidConfigFile, GeneratedMemberConflict, FileLocalDeployment, UnknownModelType, InvalidAccelerator,
            MeasurementFileProblem, DraftModelTooLarge, SpeculationInconsistent,
            FitsNoPlan, WeightsExceedGpu, ConcurrencyBeyondKvCache, NoRoomForOneRequest, ConcurrencyBeyondBatchLimit, ContextBeyondKvCache, NoDisaggregatedPlan,
            TensorParallelSplitsNoHeads, KvHeadsReplicated, UnevenStages, ExpertParallelSplitsNoExperts, TensorParallelCrossesNodes,
            PinnedDegreesDoNotTileCluster, PipelineDeeperThanModel, ExpertParallelExceedsRanks, ExpertParallelOnDenseModel,
            TimePerOutputTokenUnreachable, TimeToFirstTokenUnreachable, TargetsNotJointlyReachable, RateNotServed, EstimatesExtrapolated, MeasurementDisagreesWithModel,
            EngineFailure,
        };
    }
}
