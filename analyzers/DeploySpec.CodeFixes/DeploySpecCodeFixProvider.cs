using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DeploySpec.Analyzers;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Fix = DeploySpec.Analyzers.DeploySpecAnalyzer.Fix;

namespace DeploySpec.CodeFixes
{
    /// <summary>
    /// Repairs what the analyzers find: pin the best plan that fits; switch the model to FP8 weights and KV cache
    /// (or just the KV cache); scale the cluster to the smallest size that fits; set Speculation = Speculation.DraftModel where a DraftModel is named. The numbers come from the
    /// diagnostic's properties (computed by the analyzer with the engine), so a fix never re-plans.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeploySpecCodeFixProvider)), Shared]
    public sealed class DeploySpecCodeFixProvider : CodeFixProvider
    {
        public const string PinPlanKey = "DeploySpec.PinPlan";
        public const string UseFp8Key = "DeploySpec.UseFp8";
        public const string UseFp8KvCacheKey = "DeploySpec.UseFp8KvCache";
        public const string ScaleClusterKey = "DeploySpec.ScaleCluster";
        public const string SetSpeculationKey = "DeploySpec.SetSpeculation";
        public const string SetServingModeKey = "DeploySpec.SetServingMode";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            // The rules whose findings carry fixes (Diagnosis attaches them; the properties say which apply).
            Descriptors.FitsNoPlan.Id, Descriptors.WeightsExceedGpu.Id, Descriptors.ConcurrencyBeyondKvCache.Id,
            Descriptors.NoRoomForOneRequest.Id, Descriptors.ContextBeyondKvCache.Id,
            Descriptors.TensorParallelSplitsNoHeads.Id, Descriptors.ExpertParallelSplitsNoExperts.Id,
            Descriptors.PinnedDegreesDoNotTileCluster.Id, Descriptors.PipelineDeeperThanModel.Id,
            Descriptors.ExpertParallelExceedsRanks.Id, Descriptors.ExpertParallelOnDenseModel.Id,
            Descriptors.SpeculationInconsistent.Id, Descriptors.NoDisaggregatedPlan.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
                if (attribute is null)
                {
                    continue;
                }

                var p = diagnostic.Properties;
                if (p.TryGetValue(Fix.TensorParallel, out var tp) && p.TryGetValue(Fix.PipelineParallel, out var pp) &&
                    p.TryGetValue(Fix.ExpertParallel, out var ep) && tp is not null && pp is not null && ep is not null)
                {
                    p.TryGetValue(Fix.PlanLabel, out var label);
                    context.RegisterCodeFix(CodeAction.Create(
                        "Pin the best plan that fits (" + label + ")",
                        ct => PinAsync(context.Document, attribute, tp, pp, ep, ct),
                        PinPlanKey), diagnostic);
                }

                if (p.TryGetValue(Fix.Fp8, out var fp8) && fp8 is not null)
                {
                    bool kvToo = fp8 == Fix.WeightsAndKvCache;
                    context.RegisterCodeFix(CodeAction.Create(
                        kvToo ? "Use FP8 weights and KV cache in the model" : "Use FP8 weights in the model",
                        ct => EditReferencedAsync(context.Document, attribute, 0, SpecParser.ModelAttributeName,
                            a =>
                            {
                                var weights = SetNamed(a, nameof(ModelAttribute.Weights), Fp8());
                                return kvToo ? SetNamed(weights, nameof(ModelAttribute.KvCache), Fp8()) : weights;
                            }, ct),
                        UseFp8Key), diagnostic);
                }
                else if (p.ContainsKey(Fix.Fp8KvCache))
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        "Use an FP8 KV cache in the model",
                        ct => EditReferencedAsync(context.Document, attribute, 0, SpecParser.ModelAttributeName,
                            a => SetNamed(a, nameof(ModelAttribute.KvCache), Fp8()), ct),
                        UseFp8KvCacheKey), diagnostic);
                }

                RegisterSetEnum<Speculation>(context, diagnostic, attribute, p, Fix.Speculation, nameof(DeploymentAttribute.Speculation), SetSpeculationKey);
                RegisterSetEnum<ServingMode>(context, diagnostic, attribute, p, Fix.Mode, nameof(DeploymentAttribute.Mode), SetServingModeKey);

                if (p.TryGetValue(Fix.Nodes, out var nodes) && p.TryGetValue(Fix.GpusPerNode, out var perNode) && nodes is not null && perNode is not null)
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        "Scale the cluster to " + nodes + (nodes == "1" ? " node" : " nodes") + " of " + perNode + " GPUs",
                        ct => EditReferencedAsync(context.Document, attribute, 1, SpecParser.ClusterAttributeName,
                            a => SetNamed(SetNamed(a, nameof(ClusterAttribute.GpusPerNode), Number(perNode)), nameof(ClusterAttribute.Nodes), Number(nodes)), ct),
                        ScaleClusterKey), diagnostic);
                }
            }
        }

        private static async Task<Document> PinAsync(Document document, AttributeSyntax attribute, string tp, string pp, string ep, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var updated = SetNamed(SetNamed(attribute, nameof(DeploymentAttribute.TensorParallel), Number(tp)), nameof(DeploymentAttribute.PipelineParallel), Number(pp));
            bool hasEp = attribute.ArgumentList?.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == nameof(DeploymentAttribute.ExpertParallel)) == true;
            if (ep != "1" || hasEp)
            {
                updated = SetNamed(updated, nameof(DeploymentAttribute.ExpertParallel), Number(ep));
            }

            return document.WithSyntaxRoot(root!.ReplaceNode(attribute, updated));
        }

        /// <summary>"Set {property} = {Enum}.{value}" on the deployment, when the diagnostic's properties name a defined value under <paramref name="key"/>.</summary>
        private static void RegisterSetEnum<TEnum>(CodeFixContext context, Diagnostic diagnostic, AttributeSyntax deployment,
            ImmutableDictionary<string, string?> properties, string key, string property, string equivalenceKey)
            where TEnum : struct, System.Enum
        {
            if (properties.TryGetValue(key, out var text) && text is not null &&
                System.Enum.TryParse<TEnum>(text, out var value) && System.Enum.IsDefined(typeof(TEnum), value))
            {
                context.RegisterCodeFix(CodeAction.Create(
                    "Set " + property + " = " + typeof(TEnum).Name + "." + value,
                    ct => SetOnDeploymentAsync(context.Document, deployment, property, EnumValue(typeof(TEnum).Name, value.ToString()), ct),
                    equivalenceKey), diagnostic);
            }
        }

        private static async Task<Document> SetOnDeploymentAsync(Document document, AttributeSyntax attribute, string name, ExpressionSyntax value, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return document.WithSyntaxRoot(root!.ReplaceNode(attribute, SetNamed(attribute, name, value)));
        }

        /// <summary>Edits the [Model] or [Cluster] attribute of the type named by typeof() argument <paramref name="index"/>, wherever it is declared.</summary>
        private static async Task<Solution> EditReferencedAsync(Document document, AttributeSyntax deployment, int index, string attributeName,
            System.Func<AttributeSyntax, AttributeSyntax> edit, CancellationToken cancellationToken)
        {
            var solution = document.Project.Solution;
            var semantic = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var positional = deployment.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            if (semantic is null || positional is null || positional.Count <= index || positional[index].Expression is not TypeOfExpressionSyntax typeOf ||
                semantic.GetSymbolInfo(typeOf.Type, cancellationToken).Symbol is not INamedTypeSymbol target)
            {
                return solution;
            }

            foreach (var reference in target.DeclaringSyntaxReferences)
            {
                if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not TypeDeclarationSyntax declaration)
                {
                    continue;
                }

                var targetDocument = solution.GetDocument(declaration.SyntaxTree);
                var targetSemantic = targetDocument is null ? null : await targetDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                var attribute = declaration.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(a =>
                    targetSemantic?.GetSymbolInfo(a, cancellationToken).Symbol?.ContainingType?.ToDisplayString() == attributeName);
                if (targetDocument is null || attribute is null)
                {
                    continue;
                }

                var root = await targetDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                return solution.WithDocumentSyntaxRoot(targetDocument.Id, root!.ReplaceNode(attribute, edit(attribute)));
            }

            return solution;
        }

        /// <summary>Sets <c>name = value</c> in an attribute's argument list, replacing an existing value.</summary>
        public static AttributeSyntax SetNamed(AttributeSyntax attribute, string name, ExpressionSyntax value)
        {
            var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            var existing = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            if (existing is not null)
            {
                return attribute.WithArgumentList(list.ReplaceNode(existing, existing.WithExpression(value.WithTriviaFrom(existing.Expression))));
            }

            var argument = SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals(name), null, value);
            return attribute.WithArgumentList(list.AddArguments(argument));
        }

        private static ExpressionSyntax Number(string value) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

        /// <summary><c>Precision.Fp8</c>, qualified until the simplifier sees what the file's usings allow.</summary>
        private static ExpressionSyntax Fp8() => EnumValue(nameof(Precision), nameof(Precision.Fp8));

        /// <summary><c>Enum.Member</c> of a DeploySpec enum, qualified until the simplifier sees what the file's usings allow.</summary>
        private static ExpressionSyntax EnumValue(string type, string member) =>
            SyntaxFactory.ParseExpression("global::DeploySpec." + type + "." + member).WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
