using System.Collections.Generic;
using System.Collections.Immutable;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>DS1xxx: the parser's problems with a declaration, each at the argument that holds the bad value.</summary>
    internal static class SpecificationRules
    {
        public static void Report(SymbolAnalysisContext context, HelpLinks links, INamedTypeSymbol type, ImmutableArray<ParseProblem> problems)
        {
            foreach (var problem in problems)
            {
                if (problem.Kind == ProblemKind.UnresolvedType)
                {
                    continue; // an unresolvable typeof() is already a compiler error; do not pile a second one on it
                }

                var rule = problem.Kind switch
                {
                    ProblemKind.InvalidModel => Rules.InvalidModel,
                    ProblemKind.InvalidConfigFile => Rules.InvalidConfigFile,
                    ProblemKind.InvalidCluster => Rules.InvalidCluster,
                    ProblemKind.ModelTypeWithoutAttribute => Rules.ModelTypeWithoutAttribute,
                    ProblemKind.ClusterTypeWithoutAttribute => Rules.ClusterTypeWithoutAttribute,
                    ProblemKind.NotPartial => Rules.NotPartial,
                    ProblemKind.Generic => Rules.Generic,
                    ProblemKind.MemberConflict => Rules.GeneratedMemberConflict,
                    ProblemKind.FileLocal => Rules.FileLocalDeployment,
                    ProblemKind.UnknownModelType => Rules.UnknownModelType,
                    ProblemKind.InvalidAccelerator => Rules.InvalidAccelerator,
                    _ => Rules.InvalidDeployment,
                };

                context.ReportDiagnostic(Diagnostic.Create(links.For(rule), problem.Location, type.Name, problem.Message));
            }
        }

        /// <summary>DS1008: MSBuild properties the generator and analyzers read, once per compilation.</summary>
        public static void ReportProperties(CompilationAnalysisContext context, HelpLinks links, IReadOnlyList<string> problems)
        {
            foreach (string problem in problems)
            {
                context.ReportDiagnostic(Diagnostic.Create(links.For(Rules.InvalidMsBuildProperty), Location.None, problem));
            }
        }
    }
}
