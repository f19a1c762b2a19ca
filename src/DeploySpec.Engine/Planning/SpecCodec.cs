using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// A deployment spec as one line of text, for generated code: <c>Name=Chat;Model={Layers=126;...};InputTokens=2048</c>,
    /// only the fields that differ from a fresh record, nested records in braces, <c>\</c> escaping <c>\ ; { } =</c> in
    /// strings, numbers culture-invariant and round-tripping, enums by name. Generated code passes this string to
    /// <see cref="CompiledDeployment.Restore(string, string)"/> instead of an object initializer: a string literal costs
    /// the compiler almost nothing, where 1000 object initializers of the spec cost it about 2 s (docs/performance.md).
    /// The fields are listed here by hand, so no reflection runs at run time (trimming- and AOT-safe); a test checks
    /// that every settable property of the spec records is listed and round-trips.
    /// </summary>
    public static class SpecCodec
    {
        /// <summary>The one-line text of <paramref name="spec"/>.</summary>
        public static string Encode(DeploymentSpec spec)
        {
            if (spec is null)
            {
                throw new ArgumentNullException(nameof(spec));
            }

            var text = new StringBuilder(256);
            Write(text, spec, DeploymentFields);
            return text.ToString();
        }

        /// <summary>The spec that <see cref="Encode"/> wrote as <paramref name="text"/>.</summary>
        /// <exception cref="FormatException"><paramref name="text"/> is not what <see cref="Encode"/> writes.</exception>
        public static DeploymentSpec Decode(string text)
        {
            if (text is null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            int at = 0;
            var spec = Read(text, ref at, new DeploymentSpec(), DeploymentFields);
            if (at != text.Length)
            {
                throw Bad(text, at, "unexpected '" + text[at] + "'");
            }

            return spec;
        }

        private sealed class Field<T>
        {
            public Field(string name, Action<StringBuilder, T> write, Func<T, string, T> read)
            {
                Name = name;
                WriteValue = write;
                ReadValue = read;
            }

            public string Name { get; }

            /// <summary>Appends the field's value of the record.</summary>
            public Action<StringBuilder, T> WriteValue { get; }

            /// <summary>The record with the field set from the text at the position (a nested record reads its braces itself).</summary>
            public Func<T, string, T> ReadValue { get; }
        }

        private static Field<T> Str<T>(string name, Func<T, string> get, Func<T, string, T> set) =>
            new(name, (b, r) => Escape(b, get(r)), (r, s) => set(r, s));

        private static Field<T> Int<T>(string name, Func<T, int> get, Func<T, int, T> set) =>
            new(name, (b, r) => b.Append(get(r).ToString(CultureInfo.InvariantCulture)),
                (r, s) => set(r, int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : throw NotA(s, "not an integer")));

        private static Field<T> Dbl<T>(string name, Func<T, double> get, Func<T, double, T> set) =>
            new(name, (b, r) => b.Append(Double(get(r))),
                (r, s) => set(r, double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw NotA(s, "not a number")));

        private static Field<T> Bool<T>(string name, Func<T, bool> get, Func<T, bool, T> set) =>
            new(name, (b, r) => b.Append(get(r) ? '1' : '0'),
                (r, s) => set(r, s == "1" || (s == "0" ? false : throw NotA(s, "not 0 or 1"))));

        private static Field<T> Enum<T, TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set)
            where TEnum : struct =>
            new(name, (b, r) => b.Append(Convert.ToString(get(r), CultureInfo.InvariantCulture)),
                (r, s) => set(r, System.Enum.TryParse(s, false, out TEnum v) ? v : throw NotA(s, "not a " + typeof(TEnum).Name)));

        private static Field<T> Record<T, TRecord>(string name, Func<T, TRecord> get, Func<T, TRecord, T> set, Field<TRecord>[] fields)
            where TRecord : class, new() =>
            new(name, (b, r) => { b.Append('{'); Write(b, get(r), fields); b.Append('}'); }, (r, s) => set(r, Read(s, fields)));

        private static readonly Field<ModelArchitecture>[] ModelFields =
        {
            Str<ModelArchitecture>("Name", m => m.Name, (m, v) => m with { Name = v }),
            Str<ModelArchitecture>("Checkpoint", m => m.Checkpoint, (m, v) => m with { Checkpoint = v }),
            Int<ModelArchitecture>("Layers", m => m.Layers, (m, v) => m with { Layers = v }),
            Int<ModelArchitecture>("HiddenSize", m => m.HiddenSize, (m, v) => m with { HiddenSize = v }),
            Int<ModelArchitecture>("AttentionHeads", m => m.AttentionHeads, (m, v) => m with { AttentionHeads = v }),
            Int<ModelArchitecture>("KeyValueHeads", m => m.KeyValueHeads, (m, v) => m with { KeyValueHeads = v }),
            Int<ModelArchitecture>("HeadDim", m => m.HeadDim, (m, v) => m with { HeadDim = v }),
            Int<ModelArchitecture>("IntermediateSize", m => m.IntermediateSize, (m, v) => m with { IntermediateSize = v }),
            Int<ModelArchitecture>("VocabSize", m => m.VocabSize, (m, v) => m with { VocabSize = v }),
            Bool<ModelArchitecture>("TiedEmbeddings", m => m.TiedEmbeddings, (m, v) => m with { TiedEmbeddings = v }),
            Bool<ModelArchitecture>("AttentionBias", m => m.AttentionBias, (m, v) => m with { AttentionBias = v }),
            Int<ModelArchitecture>("Experts", m => m.Experts, (m, v) => m with { Experts = v }),
            Int<ModelArchitecture>("ActiveExperts", m => m.ActiveExperts, (m, v) => m with { ActiveExperts = v }),
            Int<ModelArchitecture>("ExpertIntermediateSize", m => m.ExpertIntermediateSize, (m, v) => m with { ExpertIntermediateSize = v }),
            Int<ModelArchitecture>("SharedExperts", m => m.SharedExperts, (m, v) => m with { SharedExperts = v }),
            Int<ModelArchitecture>("DenseLayers", m => m.DenseLayers, (m, v) => m with { DenseLayers = v }),
            Int<ModelArchitecture>("KvLoraRank", m => m.KvLoraRank, (m, v) => m with { KvLoraRank = v }),
            Int<ModelArchitecture>("QkRopeHeadDim", m => m.QkRopeHeadDim, (m, v) => m with { QkRopeHeadDim = v }),
            Int<ModelArchitecture>("QLoraRank", m => m.QLoraRank, (m, v) => m with { QLoraRank = v }),
            Int<ModelArchitecture>("ValueHeadDim", m => m.ValueHeadDim, (m, v) => m with { ValueHeadDim = v }),
            Int<ModelArchitecture>("SlidingWindow", m => m.SlidingWindow, (m, v) => m with { SlidingWindow = v }),
            Int<ModelArchitecture>("SlidingWindowLayers", m => m.SlidingWindowLayers, (m, v) => m with { SlidingWindowLayers = v }),
            Enum<ModelArchitecture, Precision>("Weights", m => m.Weights, (m, v) => m with { Weights = v }),
            Enum<ModelArchitecture, Precision>("KvCache", m => m.KvCache, (m, v) => m with { KvCache = v }),
        };

        private static readonly Field<ClusterSpec>[] ClusterFields =
        {
            Str<ClusterSpec>("Name", c => c.Name, (c, v) => c with { Name = v }),
            Enum<ClusterSpec, Gpu>("Gpu", c => c.Gpu, (c, v) => c with { Gpu = v }),
            Int<ClusterSpec>("GpusPerNode", c => c.GpusPerNode, (c, v) => c with { GpusPerNode = v }),
            Int<ClusterSpec>("Nodes", c => c.Nodes, (c, v) => c with { Nodes = v }),
            Enum<ClusterSpec, Link>("IntraNodeLink", c => c.IntraNodeLink, (c, v) => c with { IntraNodeLink = v }),
            Enum<ClusterSpec, Link>("InterNodeLink", c => c.InterNodeLink, (c, v) => c with { InterNodeLink = v }),
        };

        private static readonly Field<DeploymentSpec>[] DeploymentFields =
        {
            Str<DeploymentSpec>("Name", d => d.Name, (d, v) => d with { Name = v }),
            Record<DeploymentSpec, ModelArchitecture>("Model", d => d.Model, (d, v) => d with { Model = v }, ModelFields),
            Record<DeploymentSpec, ClusterSpec>("Cluster", d => d.Cluster, (d, v) => d with { Cluster = v }, ClusterFields),
            Int<DeploymentSpec>("InputTokens", d => d.InputTokens, (d, v) => d with { InputTokens = v }),
            Int<DeploymentSpec>("OutputTokens", d => d.OutputTokens, (d, v) => d with { OutputTokens = v }),
            Int<DeploymentSpec>("MaxContext", d => d.MaxContext, (d, v) => d with { MaxContext = v }),
            Int<DeploymentSpec>("Concurrency", d => d.Concurrency, (d, v) => d with { Concurrency = v }),
            Enum<DeploymentSpec, Objective>("Objective", d => d.Objective, (d, v) => d with { Objective = v }),
            Dbl<DeploymentSpec>("MaxTimeToFirstTokenMs", d => d.MaxTimeToFirstTokenMs, (d, v) => d with { MaxTimeToFirstTokenMs = v }),
            Dbl<DeploymentSpec>("MaxTimePerOutputTokenMs", d => d.MaxTimePerOutputTokenMs, (d, v) => d with { MaxTimePerOutputTokenMs = v }),
            Dbl<DeploymentSpec>("RequestsPerSecond", d => d.RequestsPerSecond, (d, v) => d with { RequestsPerSecond = v }),
            Int<DeploymentSpec>("TensorParallel", d => d.TensorParallel, (d, v) => d with { TensorParallel = v }),
            Int<DeploymentSpec>("PipelineParallel", d => d.PipelineParallel, (d, v) => d with { PipelineParallel = v }),
            Int<DeploymentSpec>("ExpertParallel", d => d.ExpertParallel, (d, v) => d with { ExpertParallel = v }),
            Enum<DeploymentSpec, ServingEngine>("Engine", d => d.Engine, (d, v) => d with { Engine = v }),
            Dbl<DeploymentSpec>("MemoryFraction", d => d.MemoryFraction, (d, v) => d with { MemoryFraction = v }),
            Int<DeploymentSpec>("MaxBatchSize", d => d.MaxBatchSize, (d, v) => d with { MaxBatchSize = v }),
            Dbl<DeploymentSpec>("SafetyMarginGiB", d => d.SafetyMarginGiB, (d, v) => d with { SafetyMarginGiB = v }),
        };

        /// <summary>The names of the fields of each spec record that the codec writes, for the completeness test.</summary>
        public static IReadOnlyDictionary<Type, IReadOnlyList<string>> FieldNames => new Dictionary<Type, IReadOnlyList<string>>
        {
            [typeof(DeploymentSpec)] = Names(DeploymentFields),
            [typeof(ClusterSpec)] = Names(ClusterFields),
            [typeof(ModelArchitecture)] = Names(ModelFields),
        };

        /// <summary>The fields of <paramref name="record"/> that differ from a fresh record's, <c>Name=value</c> separated by ';'.</summary>
        private static void Write<T>(StringBuilder text, T record, Field<T>[] fields)
            where T : class, new()
        {
            var fresh = new T();
            var mine = new StringBuilder();
            var theirs = new StringBuilder();
            bool first = true;
            foreach (var field in fields)
            {
                mine.Clear();
                theirs.Clear();
                field.WriteValue(mine, record);
                field.WriteValue(theirs, fresh);
                string value = mine.ToString();
                if (value == theirs.ToString())
                {
                    continue;
                }

                if (!first)
                {
                    text.Append(';');
                }

                text.Append(field.Name).Append('=').Append(value);
                first = false;
            }
        }

        private static T Read<T>(string text, Field<T>[] fields)
            where T : class, new()
        {
            int at = 0;
            var record = Read(text, ref at, new T(), fields);
            return at == text.Length ? record : throw Bad(text, at, "unexpected '" + text[at] + "'");
        }

        /// <summary>Reads <c>Name=value</c> pairs from <paramref name="at"/> to the end of the text or an unmatched '}'.</summary>
        private static T Read<T>(string text, ref int at, T record, Field<T>[] fields)
        {
            while (at < text.Length && text[at] != '}')
            {
                int equals = text.IndexOf('=', at);
                if (equals < 0)
                {
                    throw Bad(text, at, "expected Name=value");
                }

                string name = text.Substring(at, equals - at);
                var field = Array.Find(fields, f => f.Name == name) ?? throw Bad(text, at, "unknown field '" + name + "'");
                at = equals + 1;
                int start = at;
                string value;
                if (at < text.Length && text[at] == '{')
                {
                    int depth = 0;
                    for (; at < text.Length; at++)
                    {
                        char c = text[at];
                        if (c == '\\')
                        {
                            at++;
                        }
                        else if (c == '{')
                        {
                            depth++;
                        }
                        else if (c == '}' && --depth == 0)
                        {
                            break;
                        }
                    }

                    if (at >= text.Length)
                    {
                        throw Bad(text, start, "unclosed '{'");
                    }

                    value = text.Substring(start + 1, at - start - 1);
                    at++;
                }
                else
                {
                    var scalar = new StringBuilder();
                    for (; at < text.Length && text[at] != ';' && text[at] != '}'; at++)
                    {
                        if (text[at] == '\\')
                        {
                            if (++at >= text.Length)
                            {
                                throw Bad(text, at - 1, "a lone '\\' at the end");
                            }
                        }

                        scalar.Append(text[at]);
                    }

                    value = scalar.ToString();
                }

                try
                {
                    record = field.ReadValue(record, value);
                }
                catch (FormatException e)
                {
                    throw Bad(text, start, name + ": " + e.Message);
                }
                if (at < text.Length && text[at] == ';')
                {
                    at++;
                }
            }

            return record;
        }

        private static void Escape(StringBuilder text, string value)
        {
            foreach (char c in value)
            {
                if (c is '\\' or ';' or '{' or '}' or '=')
                {
                    text.Append('\\');
                }

                text.Append(c);
            }
        }

        /// <summary>A double as text that parses back to the same value, whatever the culture.</summary>
        private static string Double(double value)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).Equals(value)
                ? text
                : value.ToString("G17", CultureInfo.InvariantCulture);
        }

        private static IReadOnlyList<string> Names<T>(Field<T>[] fields) => Array.ConvertAll(fields, f => f.Name);

        /// <summary>A value the field cannot take; <see cref="Read{T}(string, ref int, T, Field{T}[])"/> adds where it is.</summary>
        private static FormatException NotA(string value, string why) => new("'" + value + "' is " + why);

        private static FormatException Bad(string text, int at, string why) =>
            new("Not a DeploySpec spec (" + why + " at " + at.ToString(CultureInfo.InvariantCulture) + "): " + text);
    }
}
