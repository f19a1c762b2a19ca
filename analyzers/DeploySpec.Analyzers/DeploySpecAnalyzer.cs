using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// Reports every DeploySpec declaration that is invalid, cannot fit GPU memory, cannot be partitioned or cannot
    /// meet its latency targets, with the numbers that prove it. A thin adapter: the shared parser reads the
    /// declarations, the engine's <c>DeploymentJudge</c> judges them, and the two rule families map the results to
    /// descriptors and locations (<see cref="SpecificationRules"/>: DS1xxx; <see cref="EngineFindings"/>: DS2xxx to
    /// DS4xxx and DS9001). Costs nothing in a compilation that does not reference DeploySpec.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DeploySpecAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Keys of the properties that code fixes read.</summary>
        public static class Fix
        {
            public const string TensorParallel = "PinTensorParallel";
            public const string PipelineParallel = "PinPipelineParallel";
            public const string ExpertParallel = "PinExpertParallel";
            public const string PlanLabel = "PinLabel";
            public const string Fp8 = "UseFp8";
            public const string Fp8KvCache = "UseFp8KvCache";
            public const string Nodes = "ClusterNodes";
            public const string GpusPerNode = "ClusterGpusPerNode";
            public const string WeightsAndKvCache = "WeightsAndKvCache";
            public const string WeightsOnly = "Weights";
            public const string Speculation = "SetSpeculation";
            public const string Mode = "SetServingMode";
        }

        /// <summary>The assembly that defines the DSL attributes.</summary>
        public const string DeploySpecAssemblyName = "DeploySpec";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // Cheap first: a compilation that neither is DeploySpec nor references it has nothing to analyze.
                if (start.Compilation.AssemblyName != DeploySpecAssemblyName &&
                    !start.Compilation.ReferencedAssemblyNames.Any(a => a.Name == DeploySpecAssemblyName))
                {
                    return;
                }

                var model = start.Compilation.GetTypeByMetadataName(SpecParser.ModelAttributeName);
                var cluster = start.Compilation.GetTypeByMetadataName(SpecParser.ClusterAttributeName);
                var deployment = start.Compilation.GetTypeByMetadataName(SpecParser.DeploymentAttributeName);
                var accelerator = start.Compilation.GetTypeByMetadataName(SpecParser.AcceleratorAttributeName);
                if (model is null && cluster is null && deployment is null && accelerator is null)
                {
                    return; // DeploySpec is not referenced: register nothing, cost nothing.
                }

                var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
                var defaults = PlanningDefaults.From(options);
                var links = HelpLinks.From(options, out string? linkProblem);
                IReadOnlyList<string> propertyProblems = linkProblem is null ? defaults.Problems : defaults.Problems.Append(linkProblem).ToArray();
                if (propertyProblems.Count > 0)
                {
                    start.RegisterCompilationEndAction(end => SpecificationRules.ReportProperties(end, links, propertyProblems));
                }

                var files = start.Options.AdditionalFiles;
                AdditionalFileText? Find(string configFile)
                {
                    string? path = ModelResolver.FindPath(files.Select(f => f.Path), configFile);
                    var file = path is null ? null : files.First(f => f.Path == path);
                    return file is null ? null : new AdditionalFileText(file.Path, file.GetText(start.CancellationToken)?.ToString());
                }

                // Each model, cluster and accelerator is parsed once per pass, however many deployments use it;
                // each benchmark result file is read once, and only when a deployment's Measurements names it.
                var read = new System.Collections.Concurrent.ConcurrentDictionary<string, Parsing.Measurements.MeasurementFile>(StringComparer.Ordinal);
                IEnumerable<Parsing.Measurements.MeasurementFile> Measurements(string patterns, System.Threading.CancellationToken cancel) =>
                    files.Where(f => Parsing.Measurements.MeasurementFiles.Match(f.Path, patterns) is not null)
                        .Select(f => read.GetOrAdd(f.Path, _ => Parsing.Measurements.MeasurementFiles.Read(f.Path, f.GetText(cancel)?.ToString())))
                        .ToList();

                var specs = new SpecLookup(model, cluster, accelerator, Find, Measurements);
                start.RegisterSymbolAction(c => AnalyzeType(c, specs, deployment, defaults, links), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, SpecLookup specs, INamedTypeSymbol? deploymentAttribute, PlanningDefaults defaults, HelpLinks links)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            foreach (var attribute in type.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                if (attributeClass is null)
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(attributeClass, specs.ModelAttribute))
                {
                    SpecificationRules.Report(context, links, type, specs.Model(type, context.CancellationToken)!.Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, specs.ClusterAttribute))
                {
                    SpecificationRules.Report(context, links, type, specs.Cluster(type, context.CancellationToken)!.Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, specs.AcceleratorAttribute))
                {
                    SpecificationRules.Report(context, links, type, specs.Accelerator(type, context.CancellationToken)!.Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, deploymentAttribute))
                {
                    var parsed = SpecParser.ParseDeployment(type, attribute, context.CancellationToken);
                    SpecificationRules.Report(context, links, type, parsed.Problems);
                    if (parsed.IsValid && defaults.Problems.Count == 0)
                    {
                        EngineFindings.Report(context, links, type, attribute, parsed.Declaration, defaults, specs);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The [Model], [Cluster] and [Accelerator] classes of one compilation, each parsed on first request and kept for
    /// the rest of the pass (a model used by many deployments is read once). Safe under concurrent analysis.
    /// </summary>
    internal sealed class SpecLookup
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, ParseResult<ModelDeclaration>?> _models = new(SymbolEqualityComparer.Default);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, ParseResult<ClusterDeclaration>?> _clusters = new(SymbolEqualityComparer.Default);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, ParseResult<AcceleratorDeclaration>?> _accelerators = new(SymbolEqualityComparer.Default);
        private readonly Func<string, AdditionalFileText?> _findFile;
        private readonly Func<string, System.Threading.CancellationToken, IEnumerable<Parsing.Measurements.MeasurementFile>> _measurements;

        public SpecLookup(INamedTypeSymbol? modelAttribute, INamedTypeSymbol? clusterAttribute, INamedTypeSymbol? acceleratorAttribute, Func<string, AdditionalFileText?> findFile,
            Func<string, System.Threading.CancellationToken, IEnumerable<Parsing.Measurements.MeasurementFile>>? measurements = null)
        {
            _measurements = measurements ?? ((_, _) => Enumerable.Empty<Parsing.Measurements.MeasurementFile>());
            ModelAttribute = modelAttribute;
            ClusterAttribute = clusterAttribute;
            AcceleratorAttribute = acceleratorAttribute;
            _findFile = findFile;
        }

        public INamedTypeSymbol? ModelAttribute { get; }

        public INamedTypeSymbol? ClusterAttribute { get; }

        public INamedTypeSymbol? AcceleratorAttribute { get; }

        /// <summary>The type's [Accelerator], parsed, or null when it has none.</summary>
        public ParseResult<AcceleratorDeclaration>? Accelerator(INamedTypeSymbol type, System.Threading.CancellationToken cancel) =>
            _accelerators.GetOrAdd(type, t => Find(t, AcceleratorAttribute) is { } a ? SpecParser.ParseAccelerator(t, a, cancel) : null);

        /// <summary>
        /// The cluster as the engine plans it: its [Cluster] with its declared accelerator filled in. Null when the
        /// cluster, or the accelerator it names, is missing or invalid (each reports its own errors).
        /// </summary>
        public Engine.Planning.ClusterSpec? PlannableCluster(INamedTypeSymbol type, System.Threading.CancellationToken cancel)
        {
            if (Cluster(type, cancel) is not { IsValid: true } cluster)
            {
                return null;
            }

            if (cluster.Declaration.AcceleratorType is null)
            {
                return cluster.Declaration.Cluster;
            }

            // The parser found a type marked [Accelerator] at this argument (else the cluster would be invalid).
            var argument = Find(type, ClusterAttribute)?.NamedArguments.FirstOrDefault(a => a.Key == nameof(global::DeploySpec.ClusterAttribute.Accelerator)).Value;
            return argument?.Value is INamedTypeSymbol acceleratorType && Accelerator(acceleratorType.OriginalDefinition, cancel) is { IsValid: true } accelerator
                ? cluster.Declaration.Cluster with { Accelerator = accelerator.Declaration.Accelerator }
                : null;
        }

        /// <summary>The benchmark result files <paramref name="patterns"/> names, read (each file once per pass).</summary>
        public IEnumerable<Parsing.Measurements.MeasurementFile> MeasurementFiles(string patterns, System.Threading.CancellationToken cancel) => _measurements(patterns, cancel);

        /// <summary>The type's [Model], parsed and resolved (config file read), or null when it has none.</summary>
        public ParseResult<ModelDeclaration>? Model(INamedTypeSymbol type, System.Threading.CancellationToken cancel) =>
            _models.GetOrAdd(type, t => Find(t, ModelAttribute) is { } a ? SpecParser.ParseAndResolveModel(t, a, _findFile, cancel) : null);

        /// <summary>The type's [Cluster], parsed, or null when it has none.</summary>
        public ParseResult<ClusterDeclaration>? Cluster(INamedTypeSymbol type, System.Threading.CancellationToken cancel) =>
            _clusters.GetOrAdd(type, t => Find(t, ClusterAttribute) is { } a ? SpecParser.ParseCluster(t, a, cancel) : null);

        private static AttributeData? Find(INamedTypeSymbol type, INamedTypeSymbol? attributeClass) =>
            attributeClass is null ? null : type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeClass));
    }
}
