using System;
using System.Linq;
using System.Threading;
using DeploySpec.Parsing;
using DeploySpec.Parsing.Measurements;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeploySpec.Generators
{
    /// <summary>
    /// Plans every [Deployment] class at compile time. [Model], [Cluster], [Accelerator] and [Deployment] classes are parsed to
    /// value-equatable declarations; each deployment picks its own model, cluster, accelerator and the project defaults out of
    /// the collected tables (a cheap lookup whose result is equal when none of them changed), and only then is it
    /// planned, so an edit re-plans exactly the deployments whose inputs changed. One file per deployment.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DeploymentGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = Declarations(context, SpecParser.ModelAttributeName, static (t, a, ct) => SpecParser.ParseModel(t, a, ct).Declaration, TrackingNames.Models);
            var clusters = Declarations(context, SpecParser.ClusterAttributeName, static (t, a, ct) => SpecParser.ParseCluster(t, a, ct).Declaration, TrackingNames.Clusters);
            var deployments = Declarations(context, SpecParser.DeploymentAttributeName, static (t, a, ct) => SpecParser.ParseDeployment(t, a, ct).Declaration, TrackingNames.Deployments);
            var accelerators = Declarations(context, SpecParser.AcceleratorAttributeName, static (t, a, ct) => SpecParser.ParseAccelerator(t, a, ct).Declaration, TrackingNames.Accelerators);

            // config.json files named by [Model(ConfigFile = ...)]: only those are read (a project's other additional
            // files cost a path comparison), and each model is resolved on its own.
            var wantedConfigFiles = models
                .Where(static m => m.ConfigFile is not null)
                .Select(static (m, _) => m.ConfigFile!)
                .Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.WantedConfigFiles);

            // The same rule as the analyzer's (ModelResolver.FindPath), whatever the file's extension.
            var configFiles = context.AdditionalTextsProvider
                .Combine(wantedConfigFiles)
                .Where(static pair => pair.Right.Any(wanted => ModelResolver.FindPath(new[] { pair.Left.Path }, wanted) is not null))
                .Select(static (pair, ct) => new AdditionalFileText(pair.Left.Path, pair.Left.GetText(ct)?.ToString()))
                .Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.ConfigFiles);

            // Benchmark result files named by [Deployment(Measurements = ...)]: only those are read, each on its own
            // (an unchanged file is not read again), and only runs and problems, value-equatable, travel on.
            var wantedMeasurements = deployments
                .Where(static d => d.Settings.Measurements.Length > 0)
                .Select(static (d, _) => d.Settings.Measurements)
                .Collect()
                .Select(static (all, _) => all.Distinct().OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.WantedMeasurementFiles);

            var measurementFiles = context.AdditionalTextsProvider
                .Combine(wantedMeasurements)
                .Where(static pair => pair.Right.Any(patterns => MeasurementFiles.Match(pair.Left.Path, patterns) is not null))
                .Select(static (pair, ct) => MeasurementFiles.Read(pair.Left.Path, pair.Left.GetText(ct)?.ToString()))
                .WithTrackingName(TrackingNames.MeasurementFiles)
                .Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.MeasurementTable);

            var resolvedModels = models
                .Combine(configFiles)
                .Select(static (input, _) => ModelResolver.Resolve(input.Left, path => ModelResolver.Find(input.Right, path), new System.Collections.Generic.List<ResolveProblem>()))
                .WithTrackingName(TrackingNames.ResolvedModels);

            var modelTable = resolvedModels.Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.ModelTable);
            var clusterTable = clusters.Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.ClusterTable);
            var acceleratorTable = accelerators.Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.AcceleratorTable);

            var defaults = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => PlanningDefaults.From(options.GlobalOptions))
                .WithTrackingName(TrackingNames.Defaults);

            // The tables and the defaults as one object, so that every Combine below pairs two reference types:
            // Roslyn's generic pipeline nodes then share one instantiation, where nested tuples of value types would
            // each be compiled by the JIT again in every build (docs/performance.md).
            var planContext = modelTable
                .Combine(clusterTable)
                .Select(static (tables, _) => new PlanContext(tables.Left, tables.Right, EquatableArray<AcceleratorDeclaration>.Empty, PlanningDefaults.None))
                .Combine(acceleratorTable)
                .Select(static (input, _) => input.Left with { Accelerators = input.Right })
                .Combine(defaults)
                .Select(static (input, _) => input.Left with { Defaults = input.Right })
                .Combine(measurementFiles)
                .Select(static (input, _) => input.Left with { Measurements = input.Right })
                .WithTrackingName(TrackingNames.PlanContext);

            // Every deployment reruns this lookup when any model, cluster or accelerator changes; its output is equal for
            // the deployments whose own model, cluster and accelerator did not, so the planning step below stays cached for them.
            var inputs = deployments
                .Combine(planContext)
                .Select(static (input, _) => PlanInput.Select(input.Left, input.Right))
                .WithTrackingName(TrackingNames.PlanInputs);

            var plans = inputs
                .Select(static (input, ct) => DeploymentEmitBuilder.Build(input, ct))
                .WithTrackingName(TrackingNames.Plans);

            context.RegisterSourceOutput(plans, static (spc, emit) =>
            {
                if (emit is not null)
                {
                    spc.AddSource(emit.HintName, DeploymentEmitter.Emit(emit));
                }
            });
        }

        /// <summary>
        /// True for the first of the type's attributes of this kind: an attribute repeated on two partial parts
        /// (already a compiler error) must still give one declaration and one generated file, not two.
        /// </summary>
        private static bool IsFirst(INamedTypeSymbol type, AttributeData attribute, SyntaxNode target)
        {
            foreach (var candidate in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.AttributeClass, attribute.AttributeClass))
                {
                    // The first such attribute must sit on this very declaration (FAWMN visits each partial part).
                    var reference = candidate.ApplicationSyntaxReference;
                    return reference is null || (reference.SyntaxTree == target.SyntaxTree && target.Span.Contains(reference.Span));
                }
            }

            return true;
        }

        /// <summary>The declarations of one attribute, parsed to value-equatable specs (no symbols kept).</summary>
        private static IncrementalValuesProvider<T> Declarations<T>(IncrementalGeneratorInitializationContext context, string attributeName,
            Func<INamedTypeSymbol, AttributeData, CancellationToken, T> parse, string trackingName)
            where T : class =>
            context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type && IsFirst(type, ctx.Attributes[0], ctx.TargetNode) ? parse(type, ctx.Attributes[0], ct) : null)
                .Where(static d => d is not null)
                .Select(static (d, _) => d!)
                .WithTrackingName(trackingName);
    }
}
