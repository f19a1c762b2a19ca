using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DeploySpec.Engine.Diagnosis;
using Microsoft.CodeAnalysis;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// Every DeploySpec diagnostic, built from the engine's one rule table (<see cref="Rules"/>): IDs, titles,
    /// categories, severities and message formats live there. Categories (settable as a whole in .editorconfig):
    /// DeploySpec.Specification, DeploySpec.Capacity, DeploySpec.Performance. IDs are never reused.
    /// These have no help link: a compilation whose <c>DeploySpecHelpLinkBase</c> names where the rule pages are
    /// reports copies of them that link there (<see cref="HelpLinks"/>).
    /// </summary>
    public static class Descriptors
    {
        public const string Specification = "DeploySpec.Specification";
        public const string Capacity = "DeploySpec.Capacity";
        public const string Performance = "DeploySpec.Performance";

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = Rules.All.ToDictionary(r => r.Id!, r => Create(r, helpLinkBase: null));

        /// <summary>Every descriptor, in ID order.</summary>
        public static ImmutableArray<DiagnosticDescriptor> All { get; } = Rules.All.Select(For).ToImmutableArray();

        public static DiagnosticDescriptor For(Rule rule) => ById[rule.Id!];

        // Named handles for the code fixes and the tests.
        public static readonly DiagnosticDescriptor InvalidModel = For(Rules.InvalidModel);
        public static readonly DiagnosticDescriptor InvalidCluster = For(Rules.InvalidCluster);
        public static readonly DiagnosticDescriptor InvalidDeployment = For(Rules.InvalidDeployment);
        public static readonly DiagnosticDescriptor ModelTypeWithoutAttribute = For(Rules.ModelTypeWithoutAttribute);
        public static readonly DiagnosticDescriptor ClusterTypeWithoutAttribute = For(Rules.ClusterTypeWithoutAttribute);
        public static readonly DiagnosticDescriptor NotPartial = For(Rules.NotPartial);
        public static readonly DiagnosticDescriptor Generic = For(Rules.Generic);
        public static readonly DiagnosticDescriptor InvalidMsBuildProperty = For(Rules.InvalidMsBuildProperty);
        public static readonly DiagnosticDescriptor InvalidConfigFile = For(Rules.InvalidConfigFile);
        public static readonly DiagnosticDescriptor GeneratedMemberConflict = For(Rules.GeneratedMemberConflict);
        public static readonly DiagnosticDescriptor FileLocalDeployment = For(Rules.FileLocalDeployment);
        public static readonly DiagnosticDescriptor UnknownModelType = For(Rules.UnknownModelType);
        public static readonly DiagnosticDescriptor InvalidAccelerator = For(Rules.InvalidAccelerator);
        public static readonly DiagnosticDescriptor MeasurementFileProblem = For(Rules.MeasurementFileProblem);
        public static readonly DiagnosticDescriptor DraftModelTooLarge = For(Rules.DraftModelTooLarge);
        public static readonly DiagnosticDescriptor SpeculationInconsistent = For(Rules.SpeculationInconsistent);
        public static readonly DiagnosticDescriptor FitsNoPlan = For(Rules.FitsNoPlan);
        public static readonly DiagnosticDescriptor WeightsExceedGpu = For(Rules.WeightsExceedGpu);
        public static readonly DiagnosticDescriptor ConcurrencyBeyondKvCache = For(Rules.ConcurrencyBeyondKvCache);
        public static readonly DiagnosticDescriptor NoRoomForOneRequest = For(Rules.NoRoomForOneRequest);
        public static readonly DiagnosticDescriptor ConcurrencyBeyondBatchLimit = For(Rules.ConcurrencyBeyondBatchLimit);
        public static readonly DiagnosticDescriptor ContextBeyondKvCache = For(Rules.ContextBeyondKvCache);
        public static readonly DiagnosticDescriptor NoDisaggregatedPlan = For(Rules.NoDisaggregatedPlan);
        public static readonly DiagnosticDescriptor TensorParallelSplitsNoHeads = For(Rules.TensorParallelSplitsNoHeads);
        public static readonly DiagnosticDescriptor KvHeadsReplicated = For(Rules.KvHeadsReplicated);
        public static readonly DiagnosticDescriptor UnevenStages = For(Rules.UnevenStages);
        public static readonly DiagnosticDescriptor ExpertParallelSplitsNoExperts = For(Rules.ExpertParallelSplitsNoExperts);
        public static readonly DiagnosticDescriptor TensorParallelCrossesNodes = For(Rules.TensorParallelCrossesNodes);
        public static readonly DiagnosticDescriptor PinnedDegreesDoNotTileCluster = For(Rules.PinnedDegreesDoNotTileCluster);
        public static readonly DiagnosticDescriptor PipelineDeeperThanModel = For(Rules.PipelineDeeperThanModel);
        public static readonly DiagnosticDescriptor ExpertParallelExceedsRanks = For(Rules.ExpertParallelExceedsRanks);
        public static readonly DiagnosticDescriptor ExpertParallelOnDenseModel = For(Rules.ExpertParallelOnDenseModel);
        public static readonly DiagnosticDescriptor TimePerOutputTokenUnreachable = For(Rules.TimePerOutputTokenUnreachable);
        public static readonly DiagnosticDescriptor TimeToFirstTokenUnreachable = For(Rules.TimeToFirstTokenUnreachable);
        public static readonly DiagnosticDescriptor TargetsNotJointlyReachable = For(Rules.TargetsNotJointlyReachable);
        public static readonly DiagnosticDescriptor RateNotServed = For(Rules.RateNotServed);
        public static readonly DiagnosticDescriptor EstimatesExtrapolated = For(Rules.EstimatesExtrapolated);
        public static readonly DiagnosticDescriptor MeasurementDisagreesWithModel = For(Rules.MeasurementDisagreesWithModel);
        public static readonly DiagnosticDescriptor EngineFailure = For(Rules.EngineFailure);

        /// <summary>
        /// The rule's descriptor; its help link is <paramref name="helpLinkBase"/> + ID + ".md", or empty without a base
        /// (never a link to a page that may not exist).
        /// </summary>
        internal static DiagnosticDescriptor Create(Rule rule, string? helpLinkBase) =>
            new(rule.Id!, rule.Title, rule.PlainMessageFormat, Category(rule.Category), Severity(rule.Severity), isEnabledByDefault: true,
                description: rule.Title + ". See the help page for the arithmetic and the fixes.",
                helpLinkUri: helpLinkBase is null ? null : helpLinkBase + rule.Id + ".md",
                // MSBuild properties are project-wide: reported once, at the end of the compilation.
                customTags: rule == Rules.InvalidMsBuildProperty ? new[] { WellKnownDiagnosticTags.CompilationEnd } : new string[0]);

        private static string Category(RuleCategory category) => category switch
        {
            RuleCategory.Capacity => Capacity,
            RuleCategory.Performance => Performance,
            _ => Specification,
        };

        private static DiagnosticSeverity Severity(RuleSeverity severity) => severity switch
        {
            RuleSeverity.Error => DiagnosticSeverity.Error,
            RuleSeverity.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };
    }
}
