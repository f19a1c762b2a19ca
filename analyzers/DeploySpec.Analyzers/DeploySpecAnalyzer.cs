using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using DeploySpec.Engine;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// Reports every DeploySpec declaration that is invalid, cannot fit GPU memory, cannot be partitioned or
    /// cannot meet its latency targets, with the numbers that prove it. Uses the same parser and engine as the
    /// generator, so the two never disagree. Costs nothing in a compilation that does not reference DeploySpec.
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

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.InvalidModel, Descriptors.InvalidCluster, Descriptors.InvalidDeployment,
            Descriptors.ModelTypeWithoutAttribute, Descriptors.ClusterTypeWithoutAttribute, Descriptors.NotPartial,
            Descriptors.Generic, Descriptors.InvalidMsBuildProperty, Descriptors.InvalidConfigFile, Descriptors.FitsNoPlan, Descriptors.PinnedPlanDoesNotFit, Descriptors.KvCacheTooSmall,
            Descriptors.TensorParallelSplitsNoHeads, Descriptors.KvHeadsReplicated, Descriptors.UnevenStages,
            Descriptors.ExpertParallelSplitsNoExperts, Descriptors.TensorParallelCrossesNodes,
            Descriptors.PinnedDegreesDoNotFitCluster, Descriptors.LatencyTargetUnreachable, Descriptors.EngineFailure);

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
                    start.RegisterCompilationEndAction(end =>
                    {
                        foreach (string problem in defaults.Problems)
                        {
                            end.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidMsBuildProperty, Location.None, problem));
                        }
                    });
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
                    Report(context, type, SpecParser.ParseAndResolveModel(type, attribute, findFile, context.CancellationToken).Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, clusterAttribute))
                {
                    Report(context, type, SpecParser.ParseCluster(type, attribute, context.CancellationToken).Problems);
                }
                else if (SymbolEqualityComparer.Default.Equals(attributeClass, deploymentAttribute))
                {
                    var parsed = SpecParser.ParseDeployment(type, attribute, context.CancellationToken);
                    Report(context, type, parsed.Problems);
                    if (parsed.IsValid && defaults.Problems.Count == 0)
                    {
                        new DeploymentCheck(context, type, attribute, parsed.Declaration, defaults, findFile).Run();
                    }
                }
            }
        }

        private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<ParseProblem> problems)
        {
            foreach (var problem in problems)
            {
                if (problem.Kind == ProblemKind.UnresolvedType)
                {
                    continue; // an unresolvable typeof() is already a compiler error; do not pile a second one on it
                }

                var descriptor = problem.Kind switch
                {
                    ProblemKind.InvalidModel => Descriptors.InvalidModel,
                    ProblemKind.InvalidConfigFile => Descriptors.InvalidConfigFile,
                    ProblemKind.InvalidCluster => Descriptors.InvalidCluster,
                    ProblemKind.ModelTypeWithoutAttribute => Descriptors.ModelTypeWithoutAttribute,
                    ProblemKind.ClusterTypeWithoutAttribute => Descriptors.ClusterTypeWithoutAttribute,
                    ProblemKind.NotPartial => Descriptors.NotPartial,
                    ProblemKind.Generic => Descriptors.Generic,
                    _ => Descriptors.InvalidDeployment,
                };

                context.ReportDiagnostic(Diagnostic.Create(descriptor, problem.Location, type.Name, problem.Message));
            }
        }

        /// <summary>The engine-backed checks of one valid deployment.</summary>
        private sealed class DeploymentCheck
        {
            private const double GiB = Units.BytesPerGiB;
            private readonly SymbolAnalysisContext _context;
            private readonly INamedTypeSymbol _type;
            private readonly AttributeData _attribute;
            private readonly DeploymentDeclaration _declaration;
            private readonly PlanningDefaults _defaults;
            private readonly Func<string, AdditionalFileText?> _findFile;
            private CancellationToken Cancel => _context.CancellationToken;

            public DeploymentCheck(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, DeploymentDeclaration declaration,
                PlanningDefaults defaults, Func<string, AdditionalFileText?> findFile)
            {
                _findFile = findFile;
                _context = context;
                _type = type;
                _attribute = attribute;
                _declaration = declaration;
                _defaults = defaults;
            }

            public void Run()
            {
                if (_attribute.ConstructorArguments.Length < 2 ||
                    _attribute.ConstructorArguments[0].Value is not INamedTypeSymbol modelType ||
                    _attribute.ConstructorArguments[1].Value is not INamedTypeSymbol clusterType)
                {
                    return;
                }

                var modelAttribute = modelType.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SpecParser.ModelAttributeName);
                var clusterAttribute = clusterType.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SpecParser.ClusterAttributeName);
                if (modelAttribute is null || clusterAttribute is null)
                {
                    return;
                }

                var model = SpecParser.ParseAndResolveModel(modelType, modelAttribute, _findFile, Cancel);
                var cluster = SpecParser.ParseCluster(clusterType, clusterAttribute, Cancel);
                if (!model.IsValid || !cluster.IsValid)
                {
                    return; // reported at the model or cluster itself
                }

                var spec = _defaults.Apply(_declaration.Settings with { Model = model.Declaration.Model, Cluster = cluster.Declaration.Cluster });
                try
                {
                    bool pinnedProblem = CheckPinnedDegrees(spec);
                    var result = Planner.Plan(spec, cancellationToken: Cancel);
                    if (result.Plans.FirstOrDefault(p => !p.Coefficients.IsFinite) is { } broken)
                    {
                        Report(Descriptors.EngineFailure, CtorArg(1), null, "the cost model produced a non-finite estimate for " + broken.Plan);
                    }
                    else if (!result.HasPlans)
                    {
                        ExplainNoPlan(spec, result, pinnedProblem, modelType, clusterType);
                    }
                    else if (!result.RecommendedMeetsTargets)
                    {
                        ExplainTargets(spec, result);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Report(Descriptors.EngineFailure, _attribute.ApplicationSyntaxReference?.GetSyntax(Cancel).GetLocation() ?? Location.None, null, e.GetType().Name + ": " + e.Message);
                }
            }

            /// <summary>Checks each pinned degree on its own; true when an error was reported.</summary>
            private bool CheckPinnedDegrees(DeploymentSpec spec)
            {
                var model = spec.Model;
                var cluster = spec.Cluster;
                int total = cluster.TotalGpus, tp = spec.TensorParallel, pp = spec.PipelineParallel, ep = spec.ExpertParallel;
                bool error = false;
                var fixes = new Lazy<ImmutableDictionary<string, string?>?>(() => BestPlanProperties(spec));

                if (tp > 0)
                {
                    string? problem = Planner.TensorParallelProblem(model, tp);
                    if (problem is not null)
                    {
                        Report(Descriptors.TensorParallelSplitsNoHeads, Arg("TensorParallel"), fixes.Value, problem + Suggest(fixes.Value));
                        error = true;
                    }
                    else if (!model.IsMla && tp > model.EffectiveKeyValueHeads)
                    {
                        double actual = ModelMath.KvBytesPerTokenPerLayer(model, tp);
                        double ideal = actual * model.EffectiveKeyValueHeads / tp;
                        Report(Descriptors.KvHeadsReplicated, Arg("TensorParallel"), null, Format(
                            "TP{0} exceeds the {1} KV heads, so each GPU keeps a whole replicated head: {2:0} bytes of KV per token per layer on each GPU instead of {3:0.#}, {4:0.#}x the KV cache an even split would need",
                            tp, model.EffectiveKeyValueHeads, actual, ideal, actual / ideal));
                    }

                    if (total % tp != 0)
                    {
                        Report(Descriptors.PinnedDegreesDoNotFitCluster, Arg("TensorParallel"), fixes.Value, Format(
                            "TP{0} does not divide the cluster's {1} GPUs{2}", tp, total, Suggest(fixes.Value)));
                        error = true;
                    }
                    else if (Topology.GroupLink(cluster, tp) != Topology.ScaleUpLink(cluster))
                    {
                        var fast = Topology.ScaleUpLink(cluster);
                        var slow = Topology.GroupLink(cluster, tp);
                        string where = tp > cluster.GpusPerNode
                            ? Format("spans {0} nodes of {1} GPUs", (tp + cluster.GpusPerNode - 1) / cluster.GpusPerNode, cluster.GpusPerNode)
                            : Format("exceeds the {0} GPUs that {1} connects", Topology.ScaleUpDomainGpus(cluster), LinkCatalog.DisplayName(fast));
                        Report(Descriptors.TensorParallelCrossesNodes, Arg("TensorParallel"), null, Format(
                            "TP{0} {1}: its all-reduces run over {2} ({3:0} GB/s per GPU) instead of {4} ({5:0} GB/s), twice per layer",
                            tp, where, LinkCatalog.DisplayName(slow), LinkCatalog.BidirectionalBytesPerSecond(slow) / 1e9,
                            LinkCatalog.DisplayName(fast), LinkCatalog.BidirectionalBytesPerSecond(fast) / 1e9));
                    }
                }

                if (pp > 0)
                {
                    if (pp > model.Layers)
                    {
                        Report(Descriptors.PinnedDegreesDoNotFitCluster, Arg("PipelineParallel"), fixes.Value, Format(
                            "PP{0} exceeds the model's {1} layers{2}", pp, model.Layers, Suggest(fixes.Value)));
                        error = true;
                    }
                    else if (model.Layers % pp != 0)
                    {
                        var layout = StageLayout.Create(model.Layers, pp);
                        int slowest = layout.MaxLayers;
                        int fewest = Enumerable.Range(0, pp).Min(layout.LayerCount);
                        Report(Descriptors.UnevenStages, Arg("PipelineParallel"), null, Format(
                            "PP{0} does not divide the {1} layers: stages hold {2} to {3} layers, and the slowest stage ({3} layers) sets the pace, {4:0.0}% slower than an even split of {5:0.00}",
                            pp, model.Layers, fewest, slowest, 100.0 * (slowest * pp / (double)model.Layers - 1), model.Layers / (double)pp));
                    }

                    int group = (tp > 0 ? tp : 1) * pp;
                    if (total % group != 0 && (tp == 0 || total % tp == 0))
                    {
                        Report(Descriptors.PinnedDegreesDoNotFitCluster, Arg("PipelineParallel"), fixes.Value, Format(
                            "TP{0} x PP{1} = {2} GPUs per replica does not divide the cluster's {3} GPUs{4}", tp > 0 ? tp : 1, pp, group, total, Suggest(fixes.Value)));
                        error = true;
                    }
                }

                if (ep > 1)
                {
                    string? problem = Planner.ExpertParallelStructureProblem(model, ep);
                    if (problem is not null)
                    {
                        Report(Descriptors.ExpertParallelSplitsNoExperts, Arg("ExpertParallel"), fixes.Value, problem + Suggest(fixes.Value));
                        error = true;
                    }
                }

                // Whatever the checks above let through, the engine's own candidate enumeration decides (the
                // generator uses the same one): pins that leave no candidate at all are reported with its reasons.
                if (!error && (tp > 0 || pp > 0 || ep > 0))
                {
                    var rejected = new List<RejectedPlan>();
                    if (!Planner.Candidates(spec, rejected).Any())
                    {
                        string reasons = rejected.Count > 0
                            ? string.Join("; ", rejected.Select(r => r.Degrees + ": " + r.Reason).Distinct())
                            : Format("no TP x PP x DP split of the {0} GPUs matches the pinned degrees", total);
                        Report(Descriptors.PinnedDegreesDoNotFitCluster, Arg(ep > 0 ? "ExpertParallel" : tp > 0 ? "TensorParallel" : "PipelineParallel"),
                            fixes.Value, reasons + Suggest(fixes.Value));
                        error = true;
                    }
                }

                return error;
            }

            private void ExplainNoPlan(DeploymentSpec spec, PlanningResult result, bool pinnedProblem, INamedTypeSymbol modelType, INamedTypeSymbol clusterType)
            {
                var gpu = GpuCatalog.Get(spec.Cluster.Gpu);
                bool pinned = spec.TensorParallel > 0 || spec.PipelineParallel > 0 || spec.ExpertParallel > 0;
                var sized = result.Rejected.Where(r => r.Memory is not null).ToList();
                if (pinned && sized.Count > 0 && sized.All(r => r.Kind is RejectionKind.Memory or RejectionKind.Context))
                {
                    var unpinned = Planner.Plan(FitAdvisor.Unpinned(spec), cancellationToken: Cancel);
                    if (unpinned.HasPlans)
                    {
                        var closest = sized.OrderByDescending(r => r.Memory!.KvCacheBytes).First();
                        var m = closest.Memory!;
                        var fixes = BestPlanProperties(spec);
                        string proof = m.KvCacheBytes <= 0
                            ? Format("per GPU weights {0:0.0} GiB + activations {1:0.0} GiB + reserve {2:0.0} GiB = {3:0.0} GiB exceed its {4:0.00} GiB",
                                m.WeightsBytes / GiB, m.ActivationsBytes / GiB, m.ReserveBytes / GiB,
                                (m.WeightsBytes + m.ActivationsBytes + m.ReserveBytes) / GiB, m.CapacityBytes / GiB)
                            : Format("per GPU weights {0:0.0} GiB + activations {1:0.0} GiB + reserve {2:0.0} GiB leave {3:0.00} GiB of its {4:0.00} GiB for the KV cache, and one request of {5} tokens needs {6:0.00} GiB",
                                m.WeightsBytes / GiB, m.ActivationsBytes / GiB, m.ReserveBytes / GiB, m.KvCacheBytes / GiB,
                                m.CapacityBytes / GiB, spec.ContextTokens, m.KvBytesPerContextPerGpu / GiB);
                        Report(Descriptors.PinnedPlanDoesNotFit, Arg(spec.TensorParallel > 0 ? "TensorParallel" : spec.PipelineParallel > 0 ? "PipelineParallel" : "ExpertParallel"), fixes,
                            closest.Degrees.ToString(), gpu.Name, proof + Suggest(fixes));
                        return;
                    }
                }

                if (pinnedProblem && result.Rejected.All(r => r.Kind == RejectionKind.Partition))
                {
                    return; // the pinned degrees' own diagnostics say why
                }

                if (spec.Concurrency > 0 && result.Rejected.Any(r => r.Kind == RejectionKind.Concurrency))
                {
                    var relaxed = Planner.Plan(spec with { Concurrency = 0 }, cancellationToken: Cancel);
                    var best = relaxed.Plans.OrderByDescending(p => p.Plan.MaxConcurrency).First();
                    int batchLimit = Engine.Memory.MemoryModel.MaxBatchSize(spec, Engine.Memory.ServingEngineDefaults.For(spec.Engine));
                    if (best.Memory.RequestsPerReplica >= batchLimit)
                    {
                        Report(Descriptors.KvCacheTooSmall, Arg("Concurrency"), null, Format(
                            "no plan holds Concurrency = {0} requests at once, and the KV cache is not what binds: the engine's batch limit of {1} requests per replica caps the best plan ({2}) at {3}; raise MaxBatchSize or add replicas",
                            spec.Concurrency, batchLimit, best.Plan, best.Plan.MaxConcurrency));
                        return;
                    }

                    var report = FitAdvisor.Analyze(spec);
                    Report(Descriptors.KvCacheTooSmall, Arg("Concurrency"), ClusterProperties(report, spec, kvOnly: true), Format(
                        "no plan holds Concurrency = {0} requests of {1} tokens at once: the most any plan holds is {2} ({3}, {4:0.0} GiB of KV cache per GPU at {5:0.0} KiB per token){6}",
                        spec.Concurrency, spec.TokensPerRequest, best.Plan.MaxConcurrency, best.Plan, best.Memory.KvCacheBytes / GiB,
                        best.Memory.KvBytesPerTokenPerGpu / 1024, Remedies(report, kvOnly: true)));
                    return;
                }

                if (spec.MaxContext > 0 && Planner.Plan(spec with { MaxContext = 0 }, cancellationToken: Cancel) is { HasPlans: true } shorter)
                {
                    var roomiest = shorter.Plans.OrderByDescending(p => p.Memory.KvCacheBytes).First();
                    var needed = Engine.Memory.MemoryModel.PerGpu(spec, roomiest.Degrees);
                    var report = FitAdvisor.Analyze(spec);
                    Report(Descriptors.KvCacheTooSmall, Arg("MaxContext"), ClusterProperties(report, spec, kvOnly: true), Format(
                        "one request of MaxContext = {0} tokens needs {1:0.00} GiB of KV cache per GPU, but the roomiest plan ({2}) has {3:0.00} GiB{4}",
                        spec.MaxContext, needed.KvBytesPerContextPerGpu / GiB, roomiest.Plan, roomiest.Memory.KvCacheBytes / GiB, Remedies(report, kvOnly: true)));
                    return;
                }

                var fit = FitAdvisor.Analyze(spec);
                string precision = spec.Model.Weights.ToString().ToUpperInvariant();
                Report(Descriptors.FitsNoPlan, CtorArg(1), ClusterProperties(fit, spec, kvOnly: false),
                    modelType.Name, clusterType.Name, Format(
                        "{0:0.0} GB ({1:0.0} GiB) of {2} weights, {3:0.0} GiB with the KV cache of one {4}-token request, against {5} x {6} offering {7:0.0} GiB usable ({8:0.00} GiB each after the {9} reserve and activations){10}",
                        fit.WeightBytes / 1e9, fit.WeightBytes / GiB, precision, fit.WeightAndOneRequestBytes / GiB, spec.ContextTokens,
                        spec.Cluster.TotalGpus, gpu.Name, fit.ClusterUsableBytes / GiB, fit.UsableBytesPerGpu / GiB,
                        DisplayNames.Of(spec.Engine), Remedies(fit, kvOnly: false)));
            }

            private void ExplainTargets(DeploymentSpec spec, PlanningResult result)
            {
                var fastest = result.MinLatency!;
                var firstToken = result.Plans.OrderBy(p => p.SingleRequest.TimeToFirstTokenMs).First();
                bool reported = false;
                if (spec.MaxTimePerOutputTokenMs > 0 && fastest.SingleRequest.TimePerOutputTokenMs > spec.MaxTimePerOutputTokenMs)
                {
                    Report(Descriptors.LatencyTargetUnreachable, Arg("MaxTimePerOutputTokenMs"), null, Format(
                        "no plan meets MaxTimePerOutputTokenMs = {0} ms: the fastest, {1}, takes {2:0.00} ms per output token ({3:0.0} tok/s per user) even for one request",
                        spec.MaxTimePerOutputTokenMs, fastest.Plan, fastest.SingleRequest.TimePerOutputTokenMs, fastest.SingleRequest.OutputTokensPerSecondPerUser));
                    reported = true;
                }

                if (spec.MaxTimeToFirstTokenMs > 0 && firstToken.SingleRequest.TimeToFirstTokenMs > spec.MaxTimeToFirstTokenMs)
                {
                    Report(Descriptors.LatencyTargetUnreachable, Arg("MaxTimeToFirstTokenMs"), null, Format(
                        "no plan meets MaxTimeToFirstTokenMs = {0} ms: the fastest, {1}, takes {2:0.0} ms to the first token of a {3}-token prompt even for one request",
                        spec.MaxTimeToFirstTokenMs, firstToken.Plan, firstToken.SingleRequest.TimeToFirstTokenMs, spec.InputTokens));
                    reported = true;
                }

                if (!reported)
                {
                    Report(Descriptors.LatencyTargetUnreachable, _attribute.ApplicationSyntaxReference?.GetSyntax(Cancel).GetLocation() ?? Location.None, null, Format(
                        "no single plan meets both targets: {0} reaches TPOT {1:0.00} ms but TTFT {2:0.0} ms; {3} reaches TTFT {4:0.0} ms but TPOT {5:0.00} ms",
                        fastest.Plan, fastest.SingleRequest.TimePerOutputTokenMs, fastest.SingleRequest.TimeToFirstTokenMs,
                        firstToken.Plan, firstToken.SingleRequest.TimeToFirstTokenMs, firstToken.SingleRequest.TimePerOutputTokenMs));
                }
            }

            private ImmutableDictionary<string, string?>? BestPlanProperties(DeploymentSpec spec)
            {
                var best = Planner.Plan(FitAdvisor.Unpinned(spec), cancellationToken: Cancel).Recommended;
                if (best is null)
                {
                    return null;
                }

                return ImmutableDictionary<string, string?>.Empty
                    .Add(Fix.TensorParallel, Int(best.Degrees.TensorParallel))
                    .Add(Fix.PipelineParallel, Int(best.Degrees.PipelineParallel))
                    .Add(Fix.ExpertParallel, Int(best.Degrees.ExpertParallel))
                    .Add(Fix.PlanLabel, best.Degrees.ToString());
            }

            private static ImmutableDictionary<string, string?> ClusterProperties(FitReport fit, DeploymentSpec spec, bool kvOnly)
            {
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (fit.SmallestFittingCluster is { } smallest)
                {
                    properties = properties.Add(Fix.Nodes, Int(smallest.Nodes)).Add(Fix.GpusPerNode, Int(smallest.GpusPerNode));
                }

                if (!kvOnly && fit.FitsWithFp8)
                {
                    bool kvToo = FitAdvisor.Smaller(spec.Model.KvCache, Precision.Fp8) != spec.Model.KvCache;
                    properties = properties.Add(Fix.Fp8, kvToo ? Fix.WeightsAndKvCache : Fix.WeightsOnly);
                }

                if (fit.FitsWithFp8KvCache)
                {
                    properties = properties.Add(Fix.Fp8KvCache, "true");
                }

                return properties;
            }

            private static string Remedies(FitReport fit, bool kvOnly)
            {
                var parts = new List<string>();
                if (fit.SmallestFittingCluster is { } smallest)
                {
                    parts.Add(Format("the smallest cluster of this GPU that fits has {0} GPUs ({1} node{2} of {3})",
                        smallest.TotalGpus, smallest.Nodes, smallest.Nodes == 1 ? "" : "s", smallest.GpusPerNode));
                }
                else
                {
                    parts.Add(Format("no cluster of this GPU up to {0} nodes fits", FitAdvisor.MaxNodesSearched));
                }

                if (!kvOnly && fit.FitsWithFp8)
                {
                    parts.Add("FP8 weights and KV cache would fit this cluster");
                }
                else if (fit.FitsWithFp8KvCache)
                {
                    parts.Add("an FP8 KV cache would fit this cluster");
                }

                return "; " + string.Join("; ", parts);
            }

            private static string Suggest(ImmutableDictionary<string, string?>? fixes) =>
                fixes is not null && fixes.TryGetValue(Fix.PlanLabel, out var label) ? "; the best plan that fits is " + label : "";

            private Location Arg(string property) => SpecParser.ArgumentLocation(_attribute, property, _type, Cancel);

            private Location CtorArg(int index)
            {
                if (_attribute.ApplicationSyntaxReference?.GetSyntax(Cancel) is Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax syntax &&
                    syntax.ArgumentList is { } list && list.Arguments.Count > index && list.Arguments[index].NameEquals is null)
                {
                    return list.Arguments[index].GetLocation();
                }

                return _type.Locations.FirstOrDefault() ?? Location.None;
            }

            private void Report(DiagnosticDescriptor descriptor, Location location, ImmutableDictionary<string, string?>? properties, params string[] args)
            {
                var arguments = new object[args.Length + 1];
                arguments[0] = _type.Name;
                Array.Copy(args, 0, arguments, 1, args.Length);
                _context.ReportDiagnostic(Diagnostic.Create(descriptor, location, properties, arguments));
            }

            private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

            private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        }
    }
}
