using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeploySpec.Parsing
{
    /// <summary>
    /// The shape of a class that carries a DeploySpec attribute: where generated members go (<see cref="Describe"/>,
    /// strings only) and whether a deployment class can take them (<see cref="AddProblems"/>: partial, not generic,
    /// not file-local, no member it would clash with).
    /// </summary>
    public static class ClassShape
    {
        /// <summary>Generated members go on deployments: they must be partial (with their enclosing types) and not generic.</summary>
        public static void AddProblems(INamedTypeSymbol type, ImmutableArray<ParseProblem>.Builder problems)
        {
            var location = type.Locations.FirstOrDefault() ?? Location.None;
            var spec = Describe(type);
            if (spec.IsGeneric)
            {
                problems.Add(new ParseProblem(ProblemKind.Generic, "", $"'{spec.DisplayName}' is generic; a deployment must be a non-generic class", location));
            }

            if (!spec.IsPartial || spec.ContainingTypes.Any(c => !c.IsPartial))
            {
                problems.Add(new ParseProblem(ProblemKind.NotPartial, "", $"'{spec.DisplayName}' and the types that contain it must be partial so DeploySpec can add the planned members", location));
            }

            if (spec.IsFileLocal)
            {
                problems.Add(new ParseProblem(ProblemKind.FileLocal, "", $"'{spec.DisplayName}' is a file-local type; DeploySpec adds the planned members from another file, so a deployment cannot be 'file'", location));
            }

            AddMemberConflicts(type, spec, location, problems);
        }

        /// <summary>A class named like a generated member, or that declares or inherits one, cannot take the generated members.</summary>
        private static void AddMemberConflicts(INamedTypeSymbol type, TypeDeclarationSpec spec, Location location, ImmutableArray<ParseProblem>.Builder problems)
        {
            if (GeneratedMembers.All.Contains(type.Name))
            {
                problems.Add(new ParseProblem(ProblemKind.MemberConflict, "", $"a deployment class cannot be named '{type.Name}': DeploySpec generates a member of that name in it", location));
            }

            foreach (string name in GeneratedMembers.All)
            {
                var own = type.GetMembers(name).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource && !IsGenerated(l)));
                if (own is not null)
                {
                    problems.Add(new ParseProblem(ProblemKind.MemberConflict, "", $"'{spec.DisplayName}' declares '{name}', which DeploySpec generates; rename it", own.Locations.First(l => l.IsInSource)));
                }
            }

            for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object && !IsGeneratedBase(baseType); baseType = baseType.BaseType)
            {
                if (baseType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == SpecParser.DeploymentAttributeName))
                {
                    problems.Add(new ParseProblem(ProblemKind.MemberConflict, "", $"'{spec.DisplayName}' derives from the deployment '{baseType.ToDisplayString()}', whose generated members it would hide; give each deployment its own class", location));
                    return;
                }

                string? inherited = GeneratedMembers.All.FirstOrDefault(n => baseType.GetMembers(n).Any(m => m.DeclaredAccessibility != Accessibility.Private));
                if (inherited is not null)
                {
                    problems.Add(new ParseProblem(ProblemKind.MemberConflict, "", $"'{spec.DisplayName}' inherits '{inherited}' from '{baseType.ToDisplayString()}', which the generated member of that name would hide", location));
                    return;
                }
            }
        }

        private static bool IsGenerated(Location location) =>
            location.SourceTree?.FilePath.EndsWith(GeneratedMembers.HintSuffix, StringComparison.OrdinalIgnoreCase) == true;

        /// <summary>Describes where generated members go, from the symbol (strings only, no symbols kept).</summary>
        public static TypeDeclarationSpec Describe(INamedTypeSymbol type)
        {
            var containing = new List<ContainingTypeSpec>();
            bool generic = type.Arity > 0;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), Identifier(outer.Name), IsPartial(outer)));
                generic |= outer.Arity > 0;
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n
                ? n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Substring("global::".Length)
                : "";
            return new TypeDeclarationSpec(ns, containing.ToEquatableArray(), Keyword(type), Identifier(type.Name),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), IsPartial(type), generic, type.IsFileLocal, InheritsMembers(type));
        }

        /// <summary>
        /// True for a class that can take the generated base class: not static, not a record, and with no base class
        /// of its own (in the analyzer's compilation, which holds the generated code, its base class is the generated one).
        /// </summary>
        private static bool InheritsMembers(INamedTypeSymbol type) =>
            type is { TypeKind: TypeKind.Class, IsStatic: false, IsRecord: false } &&
            (type.BaseType is null || type.BaseType.SpecialType == SpecialType.System_Object || IsGeneratedBase(type.BaseType));

        /// <summary>The generated base class, <c>DeploySpec.Engine.Planning.GeneratedDeployment&lt;T&gt;</c>.</summary>
        private static bool IsGeneratedBase(INamedTypeSymbol type) =>
            type is { Name: GeneratedMembers.BaseClassName, Arity: 1 } &&
            type.ContainingNamespace.ToDisplayString() == GeneratedMembers.BaseClassNamespace;

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, IsValueType: true } => "record struct",
            { IsRecord: true } => "record",
            { IsValueType: true } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        /// <summary>A name as C# source writes it: a reserved keyword gets '@' (class @event).</summary>
        private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        private static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
    }
}
