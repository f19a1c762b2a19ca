using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Engine.Vocabulary;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeploySpec.Parsing
{
    /// <summary>What kind of problem a declaration has (the analyzers map kinds to diagnostic IDs).</summary>
    public enum ProblemKind
    {
        InvalidModel,
        InvalidConfigFile,
        InvalidCluster,
        InvalidDeployment,
        ModelTypeWithoutAttribute,
        ClusterTypeWithoutAttribute,
        NotPartial,
        Generic,
        /// <summary>A typeof() argument the compiler could not resolve; the compiler already reports it.</summary>
        UnresolvedType,
        /// <summary>The deployment class is named like, declares or inherits a member DeploySpec generates.</summary>
        MemberConflict,
        /// <summary>The deployment class is file-local: generated members cannot join it from another file.</summary>
        FileLocal,
        /// <summary>A config.json of a model_type DeploySpec does not know, read as a dense transformer: a warning, still planned.</summary>
        UnknownModelType,
        /// <summary>A value of an [Accelerator] that is out of its bounds (DS1013).</summary>
        InvalidAccelerator,
    }

    /// <summary>A problem found while parsing, with the location of the offending argument.</summary>
    public sealed record ParseProblem(ProblemKind Kind, string Property, string Message, Location Location);

    /// <summary>A parsed declaration and its problems (empty when valid).</summary>
    public sealed record ParseResult<T>(T Declaration, ImmutableArray<ParseProblem> Problems)
    {
        /// <summary>True when no problem is an error (warnings such as <see cref="ProblemKind.UnknownModelType"/> do not count).</summary>
        public bool IsValid => Problems.All(p => IsWarning(p.Kind));

        /// <summary>The kinds of problem that are warnings: the declaration is still planned.</summary>
        public static bool IsWarning(ProblemKind kind) => kind == ProblemKind.UnknownModelType;
    }

    /// <summary>
    /// Reads [Model], [Cluster] and [Deployment] attribute data into engine specs. Never throws on user input:
    /// every bad value becomes a <see cref="ParseProblem"/> at the argument that holds it.
    /// </summary>
    public static class SpecParser
    {
        public const string ModelAttributeName = "DeploySpec.ModelAttribute";
        public const string ClusterAttributeName = "DeploySpec.ClusterAttribute";
        public const string DeploymentAttributeName = "DeploySpec.DeploymentAttribute";
        public const string AcceleratorAttributeName = "DeploySpec.AcceleratorAttribute";

        public static ParseResult<AcceleratorDeclaration> ParseAccelerator(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            var accelerator = Apply(new AcceleratorSpec(), attribute, AcceleratorVocabulary.Terms, null, cancellationToken);
            if (accelerator.Name.Length == 0)
            {
                accelerator = accelerator with { Name = type.Name };
            }

            var problems = ImmutableArray.CreateBuilder<ParseProblem>();
            foreach (var problem in SpecValidation.Validate(accelerator))
            {
                problems.Add(new ParseProblem(ProblemKind.InvalidAccelerator, problem.Property, problem.Message, ArgumentLocation(attribute, problem.Property, type, cancellationToken)));
            }

            return new ParseResult<AcceleratorDeclaration>(new AcceleratorDeclaration(ClassShape.Describe(type), accelerator, problems.Count == 0), problems.ToImmutable());
        }

        public static ParseResult<ModelDeclaration> ParseModel(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            var specified = new List<string>();
            var model = Apply(new ModelArchitecture(), attribute, ModelVocabulary.Terms, specified, cancellationToken);
            string? configFile = Named(attribute, nameof(ModelAttribute.ConfigFile)) is { Value: string { Length: > 0 } path } ? path : null;
            if (model.Name.Length == 0)
            {
                model = model with { Name = type.Name };
            }

            var problems = ImmutableArray.CreateBuilder<ParseProblem>();
            if (configFile is null)
            {
                // With a config file, validation waits for the merge (ModelResolver): the file supplies the rest.
                foreach (var problem in ModelValidation.Validate(model))
                {
                    problems.Add(new ParseProblem(ProblemKind.InvalidModel, problem.Property, problem.Message, ArgumentLocation(attribute, problem.Property, type, cancellationToken)));
                }
            }

            if (model.Checkpoint.Length == 0)
            {
                // A config.json sits in its checkpoint's folder; otherwise the name is the best guess.
                string folder = configFile is null ? "" : System.IO.Path.GetDirectoryName(configFile.Replace('\\', '/'))?.Replace('\\', '/') ?? "";
                model = model with { Checkpoint = folder.Length > 0 ? folder : model.Name };
            }

            var declaration = new ModelDeclaration(ClassShape.Describe(type), model, problems.Count == 0, configFile, specified.ToEquatableArray());
            return new ParseResult<ModelDeclaration>(declaration, problems.ToImmutable());
        }

        /// <summary>
        /// Parses a [Model] and, when it names a config.json, merges the file in (<see cref="ModelResolver"/>),
        /// mapping every problem to a location: file problems at the ConfigFile argument, invalid values at the
        /// argument that set them (or at ConfigFile when the value came from the file).
        /// </summary>
        public static ParseResult<ModelDeclaration> ParseAndResolveModel(INamedTypeSymbol type, AttributeData attribute,
            Func<string, AdditionalFileText?> findFile, CancellationToken cancellationToken)
        {
            var parsed = ParseModel(type, attribute, cancellationToken);
            if (parsed.Declaration.ConfigFile is null)
            {
                return parsed;
            }

            var resolveProblems = new List<ResolveProblem>();
            var resolved = ModelResolver.Resolve(parsed.Declaration, findFile, resolveProblems);
            var problems = parsed.Problems.ToBuilder();
            foreach (var problem in resolveProblems)
            {
                bool fileProblem = problem.FromConfigFile && problem.Property == nameof(ModelAttribute.ConfigFile);
                problems.Add(new ParseProblem(
                    problem.IsWarning ? ProblemKind.UnknownModelType : fileProblem ? ProblemKind.InvalidConfigFile : ProblemKind.InvalidModel,
                    problem.Property,
                    problem.Message,
                    ArgumentLocation(attribute, problem.FromConfigFile ? nameof(ModelAttribute.ConfigFile) : problem.Property, type, cancellationToken)));
            }

            return new ParseResult<ModelDeclaration>(resolved, problems.ToImmutable());
        }

        public static ParseResult<ClusterDeclaration> ParseCluster(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            var cluster = Apply(new ClusterSpec { Name = type.Name }, attribute, ClusterVocabulary.Terms, null, cancellationToken);
            var problems = ImmutableArray.CreateBuilder<ParseProblem>();
            foreach (var problem in SpecValidation.Validate(cluster))
            {
                problems.Add(new ParseProblem(ProblemKind.InvalidCluster, problem.Property, problem.Message, ArgumentLocation(attribute, problem.Property, type, cancellationToken)));
            }

            // A declared accelerator is found by its type's name, like a deployment's model and cluster; its values are its own declaration's.
            string? acceleratorType = null;
            const string Accelerator = nameof(ClusterAttribute.Accelerator);
            var named = attribute.NamedArguments.FirstOrDefault(a => a.Key == Accelerator);
            if (named.Key is not null && (named.Value.Kind == TypedConstantKind.Error || named.Value.Value is not null))
            {
                var accelerator = named.Value; // Accelerator = null is the same as leaving it out: a catalog GPU
                var location = new Lazy<Location>(() => ArgumentLocation(attribute, Accelerator, type, cancellationToken));
                acceleratorType = ReferencedType(accelerator, AcceleratorAttributeName, ProblemKind.InvalidCluster, "accelerator", Accelerator, problems, location);
                if (Named(attribute, nameof(ClusterAttribute.Gpu)) is { Value: var gpu })
                {
                    problems.Add(new ParseProblem(ProblemKind.InvalidCluster, nameof(ClusterAttribute.Gpu),
                        "set Gpu or Accelerator, not both: Gpu = " + FormatGpu(gpu) + " names a catalog GPU, Accelerator a declared one",
                        ArgumentLocation(attribute, nameof(ClusterAttribute.Gpu), type, cancellationToken)));
                }
            }

            if (acceleratorType is null && SpecValidation.DomainWithoutNvLink(cluster) is { } noNvLink)
            {
                problems.Add(new ParseProblem(ProblemKind.InvalidCluster, noNvLink.Property, noNvLink.Message,
                    ArgumentLocation(attribute, noNvLink.Property, type, cancellationToken)));
            }

            var declaration = new ClusterDeclaration(ClassShape.Describe(type), cluster, problems.Count == 0, acceleratorType);
            return new ParseResult<ClusterDeclaration>(declaration, problems.ToImmutable());
        }

        public static ParseResult<DeploymentDeclaration> ParseDeployment(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            var settings = Apply(new DeploymentSpec { Name = type.Name }, attribute, DeploymentVocabulary.Terms, null, cancellationToken);
            var problems = ImmutableArray.CreateBuilder<ParseProblem>();
            ClassShape.AddProblems(type, problems);
            string modelType = ReferencedType(attribute, 0, ModelAttributeName, ProblemKind.ModelTypeWithoutAttribute, "model", type, problems, cancellationToken);
            string clusterType = ReferencedType(attribute, 1, ClusterAttributeName, ProblemKind.ClusterTypeWithoutAttribute, "cluster", type, problems, cancellationToken);
            foreach (var problem in SpecValidation.ValidateSettings(settings))
            {
                problems.Add(new ParseProblem(ProblemKind.InvalidDeployment, problem.Property, problem.Message, ArgumentLocation(attribute, problem.Property, type, cancellationToken)));
            }

            // A draft model (speculative decoding) is found by its type's name, like the model; its values are its own declaration's.
            string? draftType = null;
            const string DraftModel = nameof(DeploymentAttribute.DraftModel);
            var draft = attribute.NamedArguments.FirstOrDefault(a => a.Key == DraftModel);
            if (draft.Key is not null && (draft.Value.Kind == TypedConstantKind.Error || draft.Value.Value is not null))
            {
                var location = new Lazy<Location>(() => ArgumentLocation(attribute, DraftModel, type, cancellationToken));
                draftType = ReferencedType(draft.Value, ModelAttributeName, ProblemKind.ModelTypeWithoutAttribute, "draft model", DraftModel, problems, location);
            }

            var declaration = new DeploymentDeclaration(ClassShape.Describe(type), modelType, clusterType, settings, problems.Count == 0,
                problems.Any(p => p.Kind == ProblemKind.MemberConflict))
            {
                DraftModelType = draftType is { Length: > 0 } ? draftType : null,
            };
            return new ParseResult<DeploymentDeclaration>(declaration, problems.ToImmutable());
        }

        /// <summary>The fully-qualified name of a typeof() argument, with a problem when it lacks the expected attribute.</summary>
        private static string ReferencedType(AttributeData attribute, int index, string expectedAttribute, ProblemKind kind, string role,
            INamedTypeSymbol owner, ImmutableArray<ParseProblem>.Builder problems, CancellationToken cancellationToken)
        {
            var location = new Lazy<Location>(() => ConstructorArgumentLocation(attribute, index, owner, cancellationToken));
            if (attribute.ConstructorArguments.Length <= index)
            {
                // The compiler already reports a missing argument; the generator just declines.
                problems.Add(new ParseProblem(ProblemKind.UnresolvedType, role, "the " + role + " type could not be resolved", location.Value));
                return "";
            }

            return ReferencedType(attribute.ConstructorArguments[index], expectedAttribute, kind, role, role, problems, location);
        }

        /// <summary>
        /// The fully-qualified name of the type an argument names, with a problem (at <paramref name="location"/>, for
        /// <paramref name="property"/>) when it lacks the expected attribute; "" when there is none.
        /// </summary>
        private static string ReferencedType(TypedConstant argument, string expectedAttribute, ProblemKind kind, string role, string property,
            ImmutableArray<ParseProblem>.Builder problems, Lazy<Location> location)
        {
            string attributeName = expectedAttribute.Substring("DeploySpec.".Length, expectedAttribute.Length - "DeploySpec.".Length - "Attribute".Length);
            if (argument.Kind == TypedConstantKind.Error || argument.Value is ITypeSymbol { TypeKind: TypeKind.Error })
            {
                // The compiler already reports an unresolved type; the generator just declines.
                problems.Add(new ParseProblem(ProblemKind.UnresolvedType, property, "the " + role + " type could not be resolved", location.Value));
                return "";
            }

            switch (argument.Value)
            {
                case null:
                    problems.Add(new ParseProblem(kind, property, $"the {role} is null; pass typeof() of a class marked [{attributeName}]", location.Value));
                    return "";
                case INamedTypeSymbol named:
                    // A [Model] nested in a generic class, or a generic one, is the same declaration whatever the type arguments.
                    var declared = named.OriginalDefinition;
                    if (!declared.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == expectedAttribute))
                    {
                        problems.Add(new ParseProblem(kind, property, $"'{named.ToDisplayString()}' is used as the {role} but is not marked [{attributeName}]", location.Value));
                    }

                    return declared.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                case ITypeSymbol other:
                    problems.Add(new ParseProblem(kind, property, $"'{other.ToDisplayString()}' is used as the {role}, but only a class marked [{attributeName}] can be", location.Value));
                    return "";
                default:
                    problems.Add(new ParseProblem(kind, property, $"the {role} must be typeof() of a class marked [{attributeName}]", location.Value));
                    return "";
            }
        }

        /// <summary>The location of the named argument <paramref name="property"/>, else of the attribute, else of the type.</summary>
        public static Location ArgumentLocation(AttributeData attribute, string property, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
            {
                var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
                return argument?.GetLocation() ?? syntax.GetLocation();
            }

            return type.Locations.FirstOrDefault() ?? Location.None;
        }

        private static Location ConstructorArgumentLocation(AttributeData attribute, int index, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
            {
                var positional = syntax.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
                return positional is not null && positional.Count > index ? positional[index].GetLocation() : syntax.GetLocation();
            }

            return type.Locations.FirstOrDefault() ?? Location.None;
        }

        /// <summary>
        /// Every named argument the vocabulary knows, written into <paramref name="spec"/> by its term; the names
        /// set are added to <paramref name="specified"/>. Arguments the compiler could not bind are skipped.
        /// </summary>
        private static T Apply<T>(T spec, AttributeData attribute, IReadOnlyList<Term<T>> terms, List<string>? specified, CancellationToken cancellationToken)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var value = argument.Value;
                if (value.Kind == TypedConstantKind.Error || Terms.Find(terms, argument.Key) is not { } term ||
                    value.Value is null && term.Kind != ValueKind.Text)
                {
                    continue;
                }

                spec = term.Set(spec, Value(value, term.Kind));
                specified?.Add(argument.Key);
            }

            specified?.Sort(StringComparer.Ordinal);
            return spec;
        }

        private static TypedConstant? Named(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Kind != TypedConstantKind.Error)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>A Gpu argument's value by name (Gpu.B200), or its number when it names no member.</summary>
        private static string FormatGpu(object? value) =>
            value is int i ? (Enum.IsDefined(typeof(Gpu), i) ? ((Gpu)i).ToString() : "(Gpu)" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) : "?";

        /// <summary>An attribute argument as the term's kind of value (out-of-range integers clamp; bounds report them).</summary>
        private static object Value(TypedConstant value, ValueKind kind) => kind switch
        {
            ValueKind.Boolean => value.Value is true,
            ValueKind.Text => value.Value as string ?? "",
            ValueKind.Number => value.Value switch
            {
                double d => d,
                float f => (double)f,
                int i => (double)i,
                long l => (double)l,
                _ => double.NaN,
            },
            _ => value.Value switch
            {
                int i => i,
                short s => (int)s,
                byte b => (int)b,
                long l => l > int.MaxValue ? int.MaxValue : l < int.MinValue ? int.MinValue : (int)l,
                _ => 0,
            },
        };
    }
}
