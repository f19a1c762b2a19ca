using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Vocabulary;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// A deployment spec as one line of text, for generated code: <c>Name=Chat;Model={Layers=126;...};InputTokens=2048</c>,
    /// only the fields that differ from a fresh record, nested records in braces, <c>\</c> escaping <c>\ ; { } =</c> in
    /// strings, numbers culture-invariant and round-tripping, enums by name. Generated code passes this string to
    /// <see cref="CompiledDeployment.Restore(string, string)"/> instead of an object initializer: a string literal costs
    /// the compiler almost nothing, where 1000 object initializers of the spec cost it about 2 s (docs/performance.md).
    /// The fields are the attribute vocabulary's rows (<see cref="ModelVocabulary"/>, <see cref="ClusterVocabulary"/>,
    /// <see cref="DeploymentVocabulary"/>: name, kind, getter and setter), in their order, after the few fields no
    /// attribute property holds (the cluster's and the deployment's names, the nested model, cluster and declared accelerator). Delegates,
    /// not reflection, read and write them (trimming- and AOT-safe); a test checks that every settable property of the
    /// spec records is a field and round-trips.
    /// </summary>
    internal static class SpecCodec
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

        /// <summary>One field as the codec writes and reads it: a vocabulary row, or the codec's own structure.</summary>
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

        /// <summary>An attribute property's field, written and read as its vocabulary row's kind of value.</summary>
        private static Field<T> Row<T>(Term<T> term) => new(term.Name, (b, r) => WriteValue(b, term, term.Get(r)), (r, s) => term.Set(r, ReadValue(term, s)));

        private static void WriteValue<T>(StringBuilder text, Term<T> term, object value)
        {
            switch (term.Kind)
            {
                case ValueKind.Integer:
                    text.Append(((int)value).ToString(CultureInfo.InvariantCulture));
                    break;
                case ValueKind.Boolean:
                    text.Append((bool)value ? '1' : '0');
                    break;
                case ValueKind.Number:
                    text.Append(Double((double)value));
                    break;
                case ValueKind.Text:
                    Escape(text, (string)value);
                    break;
                case ValueKind.Choice:
                    text.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); // by name
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(term), term.Kind, "no text form for this kind of value");
            }
        }

        /// <summary>The text as a value of the row's kind, as <see cref="Term{TSpec}.Set"/> takes it.</summary>
        private static object ReadValue<T>(Term<T> term, string text)
        {
            switch (term.Kind)
            {
                case ValueKind.Integer:
                    return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i : throw NotA(text, "not an integer");
                case ValueKind.Boolean:
                    return text == "1" || (text == "0" ? false : throw NotA(text, "not 0 or 1"));
                case ValueKind.Number:
                    return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw NotA(text, "not a number");
                case ValueKind.Text:
                    return text;
                case ValueKind.Choice:
                    var type = term.EnumType!;
                    try
                    {
                        return Convert.ToInt32(System.Enum.Parse(type, text, false), CultureInfo.InvariantCulture);
                    }
                    catch (Exception e) when (e is ArgumentException or OverflowException)
                    {
                        throw NotA(text, "not a " + type.Name);
                    }

                default:
                    throw new ArgumentOutOfRangeException(nameof(term), term.Kind, "no text form for this kind of value");
            }
        }

        private static Field<T> Str<T>(string name, Func<T, string> get, Func<T, string, T> set) =>
            new(name, (b, r) => Escape(b, get(r)), (r, s) => set(r, s));

        private static Field<T> Num<T>(string name, Func<T, double> get, Func<T, double, T> set) =>
            new(name, (b, r) => b.Append(Double(get(r))), (r, s) =>
                set(r, double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw NotA(s, "not a number")));

        private static Field<T> Record<T, TRecord>(string name, Func<T, TRecord> get, Func<T, TRecord, T> set, Field<TRecord>[] fields)
            where TRecord : class, new() =>
            new(name, (b, r) => { b.Append('{'); Write(b, get(r), fields); b.Append('}'); }, (r, s) => set(r, Read(s, fields)));

        /// <summary>A nested record that may be absent: nothing when null (as in a fresh record), else in braces like <see cref="Record"/>.</summary>
        private static Field<T> Optional<T, TRecord>(string name, Func<T, TRecord?> get, Func<T, TRecord, T> set, Field<TRecord>[] fields)
            where TRecord : class, new() =>
            new(name, (b, r) =>
            {
                if (get(r) is { } value)
                {
                    b.Append('{');
                    Write(b, value, fields);
                    b.Append('}');
                }
            }, (r, s) => set(r, Read(s, fields)));

        /// <summary>The codec's own fields (what no attribute property holds), then one per vocabulary row, in the rows' order.</summary>
        private static Field<T>[] Fields<T>(IReadOnlyList<Term<T>> rows, params Field<T>[] own)
        {
            var fields = new Field<T>[own.Length + rows.Count];
            own.CopyTo(fields, 0);
            for (int i = 0; i < rows.Count; i++)
            {
                fields[own.Length + i] = Row(rows[i]);
            }

            return fields;
        }

        // The order of the fields is the order of the text generated code holds: a new vocabulary row goes last.
        private static readonly Field<ModelArchitecture>[] ModelFields = Fields(ModelVocabulary.Terms);

        private static readonly Field<AcceleratorSpec>[] AcceleratorFields = Fields(AcceleratorVocabulary.Terms);

        private static readonly Field<ClusterSpec>[] ClusterFields = Fields(ClusterVocabulary.Terms,
            Str<ClusterSpec>(nameof(ClusterSpec.Name), c => c.Name, (c, v) => c with { Name = v }), // the class name
            Optional<ClusterSpec, AcceleratorSpec>(nameof(ClusterSpec.Accelerator), c => c.Accelerator, (c, v) => c with { Accelerator = v }, AcceleratorFields));

        // The correction the project's own measurements make (no attribute property holds it: the generator fits it).
        private static readonly Field<Cost.MeasuredCorrection>[] CorrectionFields =
        {
            Num<Cost.MeasuredCorrection>(nameof(Cost.MeasuredCorrection.TimeToFirstTokenFactor), k => k.TimeToFirstTokenFactor, (k, v) => k with { TimeToFirstTokenFactor = v }),
            Num<Cost.MeasuredCorrection>(nameof(Cost.MeasuredCorrection.TimePerOutputTokenFactor), k => k.TimePerOutputTokenFactor, (k, v) => k with { TimePerOutputTokenFactor = v }),
            Num<Cost.MeasuredCorrection>(nameof(Cost.MeasuredCorrection.ThroughputFactor), k => k.ThroughputFactor, (k, v) => k with { ThroughputFactor = v }),
            Num<Cost.MeasuredCorrection>(nameof(Cost.MeasuredCorrection.Residual), k => k.Residual, (k, v) => k with { Residual = v }),
            Str<Cost.MeasuredCorrection>(nameof(Cost.MeasuredCorrection.Runs), k => k.Runs, (k, v) => k with { Runs = v }),
        };

        private static readonly Field<DeploymentSpec>[] DeploymentFields = Fields(DeploymentVocabulary.Terms,
            Str<DeploymentSpec>(nameof(DeploymentSpec.Name), d => d.Name, (d, v) => d with { Name = v }), // the class name
            Record<DeploymentSpec, ModelArchitecture>(nameof(DeploymentSpec.Model), d => d.Model, (d, v) => d with { Model = v }, ModelFields),
            Record<DeploymentSpec, ClusterSpec>(nameof(DeploymentSpec.Cluster), d => d.Cluster, (d, v) => d with { Cluster = v }, ClusterFields),
            Optional<DeploymentSpec, Cost.MeasuredCorrection>(nameof(DeploymentSpec.Correction), d => d.Correction, (d, v) => d with { Correction = v }, CorrectionFields),
            // The draft model of Speculation.DraftModel, joined like Model (absent for every deployment without one, so their text does not change).
            Optional<DeploymentSpec, ModelArchitecture>(nameof(DeploymentSpec.Draft), d => d.Draft, (d, v) => d with { Draft = v }, ModelFields));

        /// <summary>The names of the fields of each spec record that the codec writes, for the completeness test.</summary>
        public static IReadOnlyDictionary<Type, IReadOnlyList<string>> FieldNames => new Dictionary<Type, IReadOnlyList<string>>
        {
            [typeof(DeploymentSpec)] = Names(DeploymentFields),
            [typeof(ClusterSpec)] = Names(ClusterFields),
            [typeof(ModelArchitecture)] = Names(ModelFields),
            [typeof(AcceleratorSpec)] = Names(AcceleratorFields),
            [typeof(Cost.MeasuredCorrection)] = Names(CorrectionFields),
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
