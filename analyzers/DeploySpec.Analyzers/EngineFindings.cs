using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Fix = DeploySpec.Analyzers.DeploySpecAnalyzer.Fix;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// DS2xxx (memory), DS3xxx (partitioning), DS4xxx (latency targets) and DS9001: the engine's findings about a
    /// valid deployment (<see cref="DeploymentJudge.Explain"/>), mapped to their descriptors, to the argument at fault and
    /// to the properties the code fixes read. No rule is decided here.
    /// </summary>
    internal static class EngineFindings
    {
        public static void Report(SymbolAnalysisContext context, HelpLinks links, INamedTypeSymbol type, AttributeData attribute, DeploymentDeclaration declaration,
            PlanningDefaults defaults, SpecLookup specs)
        {
            var cancel = context.CancellationToken;
            if (attribute.ConstructorArguments.Length < 2 ||
                attribute.ConstructorArguments[0].Value is not INamedTypeSymbol modelType ||
                attribute.ConstructorArguments[1].Value is not INamedTypeSymbol clusterType ||
                specs.Model(modelType, cancel) is not { IsValid: true } model ||
                specs.PlannableCluster(clusterType, cancel) is not { } cluster)
            {
                return; // a missing or invalid model, cluster or accelerator is reported at the model, the cluster, the accelerator or the argument
            }

            // The draft model of speculative decoding, joined like the model (an invalid one reports its own errors).
            Engine.Models.ModelArchitecture? draft = null;
            if (declaration.DraftModelType is not null)
            {
                var draftArgument = attribute.NamedArguments.FirstOrDefault(a => a.Key == nameof(global::DeploySpec.DeploymentAttribute.DraftModel)).Value;
                if (draftArgument.Value is not INamedTypeSymbol draftType || specs.Model(draftType.OriginalDefinition, cancel) is not { IsValid: true } draftModel)
                {
                    return;
                }

                draft = draftModel.Declaration.Model;
            }

            var spec = defaults.Apply(declaration.Settings with { Model = model.Declaration.Model, Cluster = cluster, Draft = draft });
            IReadOnlyList<Finding> findings;
            try
            {
                if (spec.Measurements.Length > 0)
                {
                    // The project's own measurements: DS1014 and DS4006, and the corrected spec the generator plans.
                    spec = MeasurementFindings.Report(context, links, type, attribute, spec, specs);
                }

                findings = FindingsCache.Explain(spec, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                findings = new[] { Finding.Of(Rules.EngineFailure, FindingTarget.Attribute, spec.Name, e.GetType().Name + ": " + e.Message) };
            }

            foreach (var finding in findings)
            {
                var descriptor = links.For(finding.Rule);
                object[] arguments = finding.Rule.FormatArguments(finding.Arguments);
                context.ReportDiagnostic(Diagnostic.Create(descriptor, Locate(finding.Target, attribute, type, cancel), Properties(finding.Fixes), arguments));
            }
        }

        /// <summary>The named argument, the cluster's typeof() or the whole attribute; the type's name when the syntax is not there.</summary>
        private static Location Locate(FindingTarget target, AttributeData attribute, INamedTypeSymbol type, System.Threading.CancellationToken cancel)
        {
            if (target.Kind == FindingTargetKind.NamedArgument)
            {
                return SpecParser.ArgumentLocation(attribute, target.Property, type, cancel);
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancel) as AttributeSyntax;
            var location = target.Kind switch
            {
                FindingTargetKind.ClusterArgument => syntax?.ArgumentList is { } list && list.Arguments.Count > 1 && list.Arguments[1].NameEquals is null
                    ? list.Arguments[1].GetLocation()
                    : null,
                _ => syntax?.GetLocation(),
            };
            return location ?? type.Locations.FirstOrDefault() ?? Location.None;
        }

        private static ImmutableDictionary<string, string?> Properties(IReadOnlyList<Engine.Diagnosis.Fix> fixes)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            foreach (var fix in fixes)
            {
                properties = fix switch
                {
                    PinPlan pin => properties
                        .Add(Fix.TensorParallel, Int(pin.Degrees.TensorParallel))
                        .Add(Fix.PipelineParallel, Int(pin.Degrees.PipelineParallel))
                        .Add(Fix.ExpertParallel, Int(pin.Degrees.ExpertParallel))
                        .Add(Fix.PlanLabel, pin.Degrees.ToString()),
                    UseFp8 fp8 => properties.Add(Fix.Fp8, fp8.KvCacheToo ? Fix.WeightsAndKvCache : Fix.WeightsOnly),
                    UseFp8KvCache => properties.Add(Fix.Fp8KvCache, "true"),
                    ScaleCluster scale => properties.Add(Fix.Nodes, Int(scale.Nodes)).Add(Fix.GpusPerNode, Int(scale.GpusPerNode)),
                    SetSpeculation speculation => properties.Add(Fix.Speculation, speculation.Method.ToString()),
                    SetServingMode mode => properties.Add(Fix.Mode, mode.Mode.ToString()),
                    _ => properties,
                };
            }

            return properties;
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
