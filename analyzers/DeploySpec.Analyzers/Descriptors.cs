using Microsoft.CodeAnalysis;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// Every DeploySpec diagnostic. IDs: DS1xxx specification, DS2xxx memory, DS3xxx partitioning, DS4xxx latency
    /// targets, DS9xxx internal. Categories (settable as a whole in .editorconfig):
    /// DeploySpec.Specification, DeploySpec.Capacity, DeploySpec.Performance. IDs are never reused.
    /// </summary>
    public static class Descriptors
    {
        public const string HelpLinkBase = "https://github.com/deployspec/deployspec/blob/main/docs/diagnostics/";
        public const string Specification = "DeploySpec.Specification";
        public const string Capacity = "DeploySpec.Capacity";
        public const string Performance = "DeploySpec.Performance";

        public static readonly DiagnosticDescriptor InvalidModel = Create("DS1001", "Invalid model value", "Model '{0}': {1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor InvalidCluster = Create("DS1002", "Invalid cluster value", "Cluster '{0}': {1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor InvalidDeployment = Create("DS1003", "Invalid deployment value", "Deployment '{0}': {1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor ModelTypeWithoutAttribute = Create("DS1004", "Model type lacks [Model]", "Deployment '{0}': {1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor ClusterTypeWithoutAttribute = Create("DS1005", "Cluster type lacks [Cluster]", "Deployment '{0}': {1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor NotPartial = Create("DS1006", "Declaration is not partial", "{1}", Specification, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor Generic = Create("DS1007", "Declaration is generic", "{1}", Specification, DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor InvalidConfigFile = Create("DS1009", "Invalid model config file",
            "Model '{0}': {1}", Specification, DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor InvalidMsBuildProperty = Create("DS1008", "Invalid DeploySpec MSBuild property",
            "{0}", Specification, DiagnosticSeverity.Error, WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor FitsNoPlan = Create("DS2001", "Model fits no plan on its cluster",
            "Deployment '{0}': {1} fits no plan on {2}: {3}", Capacity, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor PinnedPlanDoesNotFit = Create("DS2002", "Pinned plan does not fit GPU memory",
            "Deployment '{0}': {1} does not fit one {2}: {3}", Capacity, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor KvCacheTooSmall = Create("DS2003", "KV cache too small for the context or concurrency",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor TensorParallelSplitsNoHeads = Create("DS3001", "Tensor parallelism does not split the heads",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor KvHeadsReplicated = Create("DS3002", "Tensor parallelism above the KV heads replicates them",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Warning);
        public static readonly DiagnosticDescriptor UnevenStages = Create("DS3003", "Pipeline stages are uneven",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Warning);
        public static readonly DiagnosticDescriptor ExpertParallelSplitsNoExperts = Create("DS3004", "Expert parallelism does not split the experts",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor TensorParallelCrossesNodes = Create("DS3005", "Tensor parallelism leaves the fast interconnect",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Warning);
        public static readonly DiagnosticDescriptor PinnedDegreesDoNotFitCluster = Create("DS3006", "Pinned degrees do not fit the cluster",
            "Deployment '{0}': {1}", Capacity, DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor LatencyTargetUnreachable = Create("DS4001", "Latency target no plan can meet",
            "Deployment '{0}': {1}", Performance, DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor EngineFailure = Create("DS9001", "The planning engine failed",
            "Deployment '{0}' could not be planned: {1}", Specification, DiagnosticSeverity.Warning);

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, params string[] tags) =>
            new(id, title, message, category, severity, isEnabledByDefault: true,
                description: title + ". See the help page for the arithmetic and the fixes.",
                helpLinkUri: HelpLinkBase + id + ".md", customTags: tags);
    }
}
