using System;
using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Measurements;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>One benchmark result file as the generator pipeline carries it: its path and what was read (value-equatable).</summary>
    internal sealed record MeasurementFile(string Path, EquatableArray<MeasuredRun> Runs, EquatableArray<MeasurementProblem> Problems);

    /// <summary>
    /// Which AdditionalFiles a [Deployment(Measurements = ...)] names, by the rule [Model(ConfigFile = ...)] follows
    /// (a path, or a path suffix, case-insensitive), with <c>*</c> matching within one path segment; several
    /// patterns are separated by ';'. Shared by the generator and the analyzer, so they read the same files.
    /// </summary>
    internal static class MeasurementFiles
    {
        /// <summary>
        /// The part of <paramref name="path"/> that <paramref name="patterns"/> names ("bench/a.json" for "bench/*.json"),
        /// the name diagnostics and reports use; null when no pattern matches.
        /// </summary>
        public static string? Match(string path, string patterns)
        {
            string[] segments = ModelResolver.Normalize(path).Split('/');
            foreach (string raw in patterns.Split(';'))
            {
                string pattern = ModelResolver.Normalize(raw.Trim());
                if (pattern.Length == 0)
                {
                    continue;
                }

                bool rooted = pattern.StartsWith("/", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(raw.Trim());
                string[] wanted = pattern.TrimStart('/').Split('/');
                if (wanted.Length > segments.Length || (rooted && wanted.Length != segments.Length - (segments[0].Length == 0 ? 1 : 0)))
                {
                    continue;
                }

                int offset = segments.Length - wanted.Length;
                bool all = true;
                for (int i = 0; i < wanted.Length && all; i++)
                {
                    all = Glob(segments[offset + i], wanted[i]);
                }

                if (all)
                {
                    return rooted ? path : string.Join("/", segments, offset, wanted.Length);
                }
            }

            return null;
        }

        /// <summary>Reads one file (never throws): its runs and problems, named by its full path until a deployment names it.</summary>
        public static MeasurementFile Read(string path, string? text)
        {
            if (text is null)
            {
                return new MeasurementFile(path, EquatableArray<MeasuredRun>.Empty, new[] { new MeasurementProblem(MeasurementSeverity.Error, path, 1, "", "the file could not be read") }.ToEquatableArray());
            }

            return Read(path, text, Readings);
        }

        /// <summary>
        /// Files read in this process, by path and text: the generator and the analyzer load this one parser in a
        /// compiler process, so a file the generator read is not parsed again for the diagnostics, nor on a later pass
        /// whose text did not change. Bounded; a changed text is a new key.
        /// </summary>
        private static readonly Engine.BoundedCache<(string Path, string Text), MeasurementFile> Readings = new(1024);

        private static MeasurementFile Read(string path, string text, Engine.BoundedCache<(string Path, string Text), MeasurementFile> cache) =>
            cache.GetOrAdd((path, text), key =>
            {
                var reading = BenchmarkFiles.Read(key.Path, key.Text);
                return new MeasurementFile(key.Path, reading.Runs.ToEquatableArray(), reading.Problems.ToEquatableArray());
            });

        /// <summary>
        /// The runs and problems of the files <paramref name="patterns"/> names, each under the name the pattern
        /// matched (not the machine's absolute path: the same on every machine), ordered by that name; a pattern that
        /// names no file is an error.
        /// </summary>
        public static (EquatableArray<MeasuredRun> Runs, EquatableArray<MeasurementProblem> Problems) For(string patterns, IEnumerable<MeasurementFile> files)
        {
            var runs = new List<MeasuredRun>();
            var problems = new List<MeasurementProblem>();
            var named = files
                .Select(f => (File: f, Name: Match(f.Path, patterns)))
                .Where(f => f.Name is not null)
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var (file, name) in named)
            {
                runs.AddRange(file.Runs.Select(r => r with { File = name! }));
                problems.AddRange(file.Problems.Select(p => p with { File = name! }));
            }

            if (named.Count == 0)
            {
                problems.Add(new MeasurementProblem(MeasurementSeverity.Error, patterns, 0, "",
                    $"no file among the project's AdditionalFiles matches '{patterns}' (add <AdditionalFiles Include=\"{patterns}\" />)"));
            }

            return (runs.ToEquatableArray(), problems.ToEquatableArray());
        }

        /// <summary>A path segment against a pattern segment: '*' any run of characters, '?' one; case-insensitive.</summary>
        private static bool Glob(string text, string pattern)
        {
            int t = 0, p = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])))
                {
                    t++;
                    p++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    mark = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++mark;
                }
                else
                {
                    return false;
                }
            }

            while (p < pattern.Length && pattern[p] == '*')
            {
                p++;
            }

            return p == pattern.Length;
        }

    }
}
