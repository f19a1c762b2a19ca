using System;
using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Vocabulary;

namespace DeploySpec.Parsing
{
    /// <summary>An additional file's path and text, as the generator pipeline carries it (value-equatable).</summary>
    public sealed record AdditionalFileText(string Path, string? Text);

    /// <summary>
    /// Why a model could not be resolved: a config-file problem, or a value (from the file or the attribute) that fails
    /// validation; or, when <see cref="IsWarning"/>, something to know that does not stop planning (an unknown model_type
    /// read as a dense transformer).
    /// </summary>
    public sealed record ResolveProblem(bool FromConfigFile, string Property, string Message, bool IsWarning = false);

    /// <summary>
    /// Completes a [Model] declaration that names a config.json: the file's values, then every property the
    /// attribute sets explicitly on top (the attribute wins), then the shared validation.
    /// </summary>
    public static class ModelResolver
    {
        public static ModelDeclaration Resolve(ModelDeclaration declaration, Func<string, AdditionalFileText?> find, List<ResolveProblem> problems)
        {
            if (declaration.ConfigFile is null)
            {
                return declaration;
            }

            var file = find(declaration.ConfigFile);
            if (file?.Text is null)
            {
                problems.Add(new ResolveProblem(true, nameof(ModelAttribute.ConfigFile), file is null
                    ? $"config file '{declaration.ConfigFile}' is not among the project's AdditionalFiles (add <AdditionalFiles Include=\"{declaration.ConfigFile}\" />)"
                    : $"config file '{declaration.ConfigFile}' could not be read"));
                return declaration with { IsValid = false };
            }

            var configProblems = new List<string>();
            var configWarnings = new List<string>();
            var fromFile = HuggingFaceConfig.Read(file.Text, declaration.ConfigFile, configProblems, configWarnings);
            if (fromFile is null || configProblems.Count > 0)
            {
                problems.AddRange(configProblems.Select(p => new ResolveProblem(true, nameof(ModelAttribute.ConfigFile), p)));
                return declaration with { IsValid = false };
            }

            problems.AddRange(configWarnings.Select(w => new ResolveProblem(true, nameof(ModelAttribute.ConfigFile), w, IsWarning: true)));

            var specified = declaration.SpecifiedProperties ?? EquatableArray<string>.Empty;
            var merged = Merge(fromFile with { Name = declaration.Model.Name, Checkpoint = declaration.Model.Checkpoint }, declaration.Model, specified);
            foreach (var problem in ModelValidation.Validate(merged))
            {
                bool fromAttribute = specified.Contains(problem.Property);
                problems.Add(new ResolveProblem(!fromAttribute, problem.Property,
                    fromAttribute ? problem.Message : problem.Message + " (from " + declaration.ConfigFile + ")"));
            }

            return declaration with { Model = merged, IsValid = problems.All(p => p.IsWarning) && declaration.IsValid };
        }

        /// <summary>The additional file whose path is, or ends with, <paramref name="configFile"/> (shortest path first if several).</summary>
        public static AdditionalFileText? Find(IEnumerable<AdditionalFileText> files, string configFile)
        {
            var all = files.ToList();
            string? path = FindPath(all.Select(f => f.Path), configFile);
            return path is null ? null : all.First(f => f.Path == path);
        }

        /// <summary>The path that is, or ends with, <paramref name="configFile"/> (shortest first if several, then ordinal).</summary>
        public static string? FindPath(IEnumerable<string> paths, string configFile)
        {
            string wanted = Normalize(configFile);
            bool rooted = System.IO.Path.IsPathRooted(configFile);
            return paths
                .Where(p => rooted
                    ? string.Equals(Normalize(p), wanted, StringComparison.OrdinalIgnoreCase)
                    : Normalize(p).EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(Normalize(p), wanted, StringComparison.OrdinalIgnoreCase))
                .OrderBy(p => p.Length)
                .ThenBy(p => p, StringComparer.Ordinal)
                .FirstOrDefault();
        }

        /// <summary>A project path as the matchers compare it: forward slashes, no leading "./" (config files and measurement files alike).</summary>
        internal static string Normalize(string path)
        {
            string p = path.Replace('\\', '/');
            while (p.StartsWith("./", StringComparison.Ordinal))
            {
                p = p.Substring(2);
            }

            return p;
        }

        /// <summary>The file's architecture with every explicitly set attribute property laid over it.</summary>
        public static ModelArchitecture Merge(ModelArchitecture file, ModelArchitecture attribute, EquatableArray<string> specified)
        {
            var m = file;
            foreach (string property in specified)
            {
                if (ModelVocabulary.Find(property) is { } term)
                {
                    m = term.Set(m, term.Get(attribute));
                }
            }

            return m;
        }
    }
}
