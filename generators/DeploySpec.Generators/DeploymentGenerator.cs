using System.Linq;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeploySpec.Generators
{
    /// <summary>
    /// Plans every [Deployment] class at compile time. Pipeline: [Model], [Cluster] and [Deployment] classes are
    /// parsed to value-equatable specs; each deployment is combined with the model and cluster tables and planned
    /// (the heavy step, per deployment); one file is emitted per deployment.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DeploymentGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    SpecParser.ModelAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type
                        ? SpecParser.ParseModel(type, ctx.Attributes[0], ct).Declaration
                        : null)
                .Where(static m => m is not null)
                .Select(static (m, _) => m!)
                .WithTrackingName(TrackingNames.Models);

            var clusters = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    SpecParser.ClusterAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type
                        ? SpecParser.ParseCluster(type, ctx.Attributes[0], ct).Declaration
                        : null)
                .Where(static c => c is not null)
                .Select(static (c, _) => c!)
                .WithTrackingName(TrackingNames.Clusters);

            var deployments = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    SpecParser.DeploymentAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type
                        ? SpecParser.ParseDeployment(type, ctx.Attributes[0], ct).Declaration
                        : null)
                .Where(static d => d is not null)
                .Select(static (d, _) => d!)
                .WithTrackingName(TrackingNames.Deployments);

            // config.json files named by [Model(ConfigFile = ...)]: only those are read (a project's other JSON
            // additional files cost a path comparison), and each model is resolved on its own, so an edit to one
            // file or one model re-plans only what depends on it.
            var wantedConfigFiles = models
                .Where(static m => m.ConfigFile is not null)
                .Select(static (m, _) => m.ConfigFile!)
                .Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.WantedConfigFiles);

            var configFiles = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(".json", System.StringComparison.OrdinalIgnoreCase))
                .Combine(wantedConfigFiles)
                .Where(static pair => pair.Right.Any(wanted => ModelResolver.FindPath(new[] { pair.Left.Path }, wanted) is not null))
                .Select(static (pair, ct) => new AdditionalFileText(pair.Left.Path, pair.Left.GetText(ct)?.ToString()))
                .Collect()
                .Select(static (all, _) => all.ToEquatableArray())
                .WithTrackingName(TrackingNames.ConfigFiles);

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

            var defaults = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => PlanningDefaults.From(options.GlobalOptions))
                .WithTrackingName(TrackingNames.Defaults);

            var plans = deployments
                .Combine(modelTable)
                .Combine(clusterTable)
                .Combine(defaults)
                .Select(static (input, ct) => DeploymentPlanner.Build(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right, ct))
                .WithTrackingName(TrackingNames.Plans);

            context.RegisterSourceOutput(plans, static (spc, emit) =>
            {
                if (emit is not null)
                {
                    spc.AddSource(emit.HintName, DeploymentEmitter.Emit(emit));
                }
            });
        }
    }
}
