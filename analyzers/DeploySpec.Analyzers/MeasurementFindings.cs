using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Measurements;
using DeploySpec.Engine.Planning;
using DeploySpec.Parsing;
using DeploySpec.Parsing.Measurements;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// DS1014 and DS4006: the deployment's benchmark result files (<c>Measurements</c>), read by the same readers and
    /// fitted by the same engine step as the generator's, reported at the Measurements argument. No rule is decided here.
    /// </summary>
    internal static class MeasurementFindings
    {
        /// <summary>Reports the files' problems, the skipped runs and the disagreements; returns the spec with its correction, as the generator plans it.</summary>
        public static DeploymentSpec Report(SymbolAnalysisContext context, HelpLinks links, INamedTypeSymbol type, AttributeData attribute, DeploymentSpec spec, SpecLookup specs)
        {
            var cancel = context.CancellationToken;
            var location = SpecParser.ArgumentLocation(attribute, nameof(global::DeploySpec.DeploymentAttribute.Measurements), type, cancel);
            var (runs, problems) = MeasurementFiles.For(spec.Measurements, specs.MeasurementFiles(spec.Measurements, cancel));
            var problemRule = links.For(Rules.MeasurementFileProblem);
            foreach (var problem in problems)
            {
                var severity = problem.Severity == MeasurementSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
                context.ReportDiagnostic(Diagnostic.Create(problemRule, location, severity, null, null, type.Name, Where(problem.File, problem.Line, problem.Field) + problem.Message));
            }

            if (runs.Count == 0)
            {
                return spec;
            }

            var fit = MeasurementFit.Fit(spec, runs, cancel);
            foreach (var skipped in fit.Skipped)
            {
                context.ReportDiagnostic(Diagnostic.Create(problemRule, location, DiagnosticSeverity.Warning, null, null, type.Name,
                    Where(skipped.Run.File, skipped.Run.Line, skipped.Field) + "run skipped: " + skipped.Message));
            }

            // One diagnostic per quantity, naming the run furthest from the model: a project with hundreds of result files
            // gets a readable list (and the build does not pay for thousands of diagnostics), with the count of the others.
            var disagreement = links.For(Rules.MeasurementDisagreesWithModel);
            foreach (var quantity in fit.Disagreements.GroupBy(d => d.Quantity))
            {
                var d = quantity.OrderByDescending(x => System.Math.Abs(x.Difference)).First();
                int others = quantity.Count() - 1;
                bool time = d.Quantity != MeasurementFit.Throughput;
                string unit = time ? " ms" : " tok/s";
                string format = time ? "0.0" : "0";
                object[] arguments =
                {
                    type.Name, d.Quantity, System.Math.Abs(d.Difference) * 100, d.Difference > 0 ? "above" : "below",
                    d.Run.File + (d.Run.Line > 1 ? " line " + d.Run.Line.ToString(CultureInfo.InvariantCulture) : ""),
                    d.Measured.ToString(format, CultureInfo.InvariantCulture) + unit, d.Predicted.ToString(format, CultureInfo.InvariantCulture) + unit,
                    d.Load, d.Plan, d.Band * 100,
                    others == 0 ? "" : "; " + others.ToString(CultureInfo.InvariantCulture) + (others == 1 ? " more run differs" : " more runs differ") + " beyond the band in " + d.Quantity,
                };
                context.ReportDiagnostic(Diagnostic.Create(disagreement, location, Rules.MeasurementDisagreesWithModel.FormatArguments(arguments)));
            }

            return spec with { Correction = fit.Correction };
        }

        /// <summary>"bench/run.json(2): 'field': ", or nothing for a problem of the pattern itself (line 0: no file to point into).</summary>
        private static string Where(string file, int line, string field) => line < 1 ? "" :
            file + "(" + line.ToString(CultureInfo.InvariantCulture) + "): " + (field.Length > 0 ? "'" + field + "': " : "");
    }
}
