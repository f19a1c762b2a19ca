using System.Collections.Immutable;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>DS1xxx: the parser's problems with a declaration, each at the argument that holds the bad value.</summary>
    internal static class SpecificationRules
    {
        public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<ParseProblem> problems)
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
                    ProblemKind.MemberConflict => Descriptors.GeneratedMemberConflict,
                    ProblemKind.FileLocal => Descriptors.FileLocalDeployment,
                    _ => Descriptors.InvalidDeployment,
                };

                context.ReportDiagnostic(Diagnostic.Create(descriptor, problem.Location, type.Name, problem.Message));
            }
        }

        /// <summary>DS1008: MSBuild properties the generator and analyzers read, once per compilation.</summary>
        public static void ReportDefaults(CompilationAnalysisContext context, PlanningDefaults defaults)
        {
            foreach (string problem in defaults.Problems)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidMsBuildProperty, Location.None, problem));
            }
        }
    }
}
