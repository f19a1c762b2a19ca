using System;
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
    /// declarations, the engine's <c>Diagnosis</c> judges them, and the two rule families map the results to
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
                if (model is null && cluster is null && deployment is null)
                {
                    return; // DeploySpec is not referenced: register nothing, cost nothing.
                }

                var defaults = PlanningDefaults.From(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
                if (defaults.Problems.Count > 0)
                {
                    start.RegisterCompilationEndAction(end => SpecificationRules.ReportDefaults(end, defaults));
                }

                var files = start.Options.AdditionalFiles;
                AdditionalFileText? Find(string configFile)
                {
                    string? path = ModelResolver.FindPath(files.Select(f => f.Path), configFile);
                    var file = path is null ? null : files.First(f => f.Path == path);
                    return file is null ? null : new AdditionalFileText(file.Path, file.GetText(start.CancellationToken)?.ToString());
                }

                start.RegisterSymbolAction(c => AnalyzeType(c, model, cluster, deployment, defaults, Find), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol? modelAttribute, INamedTypeSymbol? clusterAttribute,
            INamedTypeSymbol? deploymentAttribute, PlanningDefaults defaults, Func<string, AdditionalFileText?> findFile)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            foreach (var attribute in type.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                if (attributeClass is null)
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(attributeClass, modelAttribute))
                {
                    SpecificationRules.Report(context, type, SpecParser.ParseAndResolveModel(type, attribute, findFile, context.CancellationToken).Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, clusterAttribute))
                {
                    SpecificationRules.Report(context, type, SpecParser.ParseCluster(type, attribute, context.CancellationToken).Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, deploymentAttribute))
                {
                    var parsed = SpecParser.ParseDeployment(type, attribute, context.CancellationToken);
                    SpecificationRules.Report(context, type, parsed.Problems);
                    if (parsed.IsValid && defaults.Problems.Count == 0)
                    {
                        EngineFindings.Report(context, type, attribute, parsed.Declaration, defaults, findFile);
                    }
                }
            }
        }
    }
}
