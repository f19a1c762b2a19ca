using System;
using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Vocabulary
{
    /// <summary>How an attribute property's value is written in C# (and read from attribute data).</summary>
    internal enum ValueKind
    {
        Integer,
        Boolean,
        Number,
        Text,
        Choice,
    }

    /// <summary>
    /// One attribute property, the one place that knows it: its name on the attribute (by <c>nameof</c>), the kind
    /// of value, its bounds and their message, the HuggingFace config.json key(s) it comes from, and the engine
    /// field it reads and writes. Parsing, config.json merging, validation and error locations are driven by these.
    /// </summary>
    internal sealed class Term<TSpec>
    {
        private readonly Func<TSpec, object> _get;
        private readonly Func<TSpec, object, TSpec> _set;
        private readonly Func<TSpec, string?> _check;

        public Term(string name, ValueKind kind, Func<TSpec, object> get, Func<TSpec, object, TSpec> set, Func<TSpec, string?> check,
            IReadOnlyList<string>? configKeys = null, Type? enumType = null)
        {
            Name = name;
            Kind = kind;
            EnumType = kind == ValueKind.Choice
                ? enumType is { IsEnum: true } ? enumType : throw new ArgumentException("a Choice term needs its enum type", nameof(enumType))
                : enumType is null ? null : throw new ArgumentException("only a Choice term has an enum type", nameof(enumType));
            _get = get;
            _set = set;
            _check = check;
            ConfigKeys = configKeys ?? Array.Empty<string>();
        }

        /// <summary>The attribute property's name (also the engine field's, and where errors point).</summary>
        public string Name { get; }

        public ValueKind Kind { get; }

        /// <summary>
        /// For a <see cref="ValueKind.Choice"/>, the enum whose values it takes (so a value can be written and read
        /// back by name without reflection over the spec); null for every other kind.
        /// </summary>
        public Type? EnumType { get; }

        /// <summary>config.json keys that hold this value, first match wins (empty when the file does not name it directly).</summary>
        public IReadOnlyList<string> ConfigKeys { get; }

        /// <summary>The property's value in the spec: an int, bool, double or string, or the enum value for a Choice.</summary>
        public object Get(TSpec spec) => _get(spec);

        /// <summary>The spec with this property set; <paramref name="value"/> is of the term's kind (int, bool, double, string; an int for a Choice).</summary>
        public TSpec Set(TSpec spec, object value) => _set(spec, value);

        /// <summary>The problem with this property's value on its own (its bounds), or null.</summary>
        public SpecProblem? Check(TSpec spec) => _check(spec) is { } message ? new SpecProblem(Name, message) : null;
    }

    /// <summary>Builders for the rows of the vocabulary tables, with the bound messages users see.</summary>
    internal static class Terms
    {
        /// <summary>Largest size we accept for any model dimension; beyond it the arithmetic is meaningless.</summary>
        public const int MaxDimension = 1 << 22;

        /// <summary>Most layers we accept: planning walks every layer of every stage, and the deepest real models have a few hundred.</summary>
        public const int MaxLayers = 4096;

        /// <summary>A model dimension: positive (or, when <paramref name="optional"/>, zero for "not set"), at most <see cref="MaxDimension"/>.</summary>
        public static Term<T> Dimension<T>(string name, Func<T, int> get, Func<T, int, T> set, bool optional, params string[] configKeys) =>
            Dimension(name, get, set, optional, MaxDimension, configKeys);

        /// <summary>A model dimension: positive (or, when <paramref name="optional"/>, zero for "not set"), at most <paramref name="max"/>.</summary>
        public static Term<T> Dimension<T>(string name, Func<T, int> get, Func<T, int, T> set, bool optional, int max, params string[] configKeys) =>
            new(name, ValueKind.Integer, s => get(s), (s, v) => set(s, (int)v), s =>
            {
                int value = get(s);
                if (optional ? value < 0 : value <= 0)
                {
                    return optional
                        ? Format("{0} cannot be negative, but is {1}", name, value)
                        : Format("{0} must be positive, but is {1}", name, value);
                }

                return value > max ? Format("{0} = {1} is beyond any real model (at most {2})", name, value, max) : null;
            }, configKeys);

        /// <summary>A count between <paramref name="min"/> and <paramref name="max"/>; <paramref name="meaning"/>, when given, says in the message what it counts.</summary>
        public static Term<T> Count<T>(string name, Func<T, int> get, Func<T, int, T> set, int min, int max, string? meaning = null) =>
            new(name, ValueKind.Integer, s => get(s), (s, v) => set(s, (int)v), s =>
            {
                int value = get(s);
                return value < min || value > max
                    ? meaning is null
                        ? Format("{0} must be between {1} and {2}, but is {3}", name, min, max, value)
                        : Format("{0} must be between {1} and {2} ({3}), but is {4}", name, min, max, meaning, value)
                    : null;
            });

        /// <summary>A latency target in milliseconds: finite and at least 0 (0 = no target).</summary>
        public static Term<T> Milliseconds<T>(string name, Func<T, double> get, Func<T, double, T> set) =>
            new(name, ValueKind.Number, s => get(s), (s, v) => set(s, (double)v), s =>
            {
                double value = get(s);
                return !(value >= 0) || double.IsInfinity(value)
                    ? Format("{0} must be a finite number of milliseconds >= 0 (0 = no target), but is {1}", name, value)
                    : null;
            });

        /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>] (or below max when <paramref name="maxExclusive"/>), with its own wording.</summary>
        public static Term<T> Number<T>(string name, Func<T, double> get, Func<T, double, T> set, double min, double max, bool maxExclusive, string rule) =>
            new(name, ValueKind.Number, s => get(s), (s, v) => set(s, (double)v), s =>
            {
                double value = get(s);
                bool ok = value >= min && (maxExclusive ? value < max : value <= max);
                return ok ? null : Format("{0} must be {1}, but is {2}", name, rule, value);
            });

        /// <summary>
        /// A physical quantity in <paramref name="unit"/>: finite, above 0 (or, when <paramref name="zeroMeans"/> is given,
        /// at least 0, with 0 meaning that), at most <paramref name="max"/>.
        /// </summary>
        public static Term<T> Quantity<T>(string name, Func<T, double> get, Func<T, double, T> set, double max, string unit, string? zeroMeans = null) =>
            new(name, ValueKind.Number, s => get(s), (s, v) => set(s, (double)v), s =>
            {
                double value = get(s);
                bool ok = (zeroMeans is null ? value > 0 : value >= 0) && value <= max;
                return ok ? null
                    : zeroMeans is null ? Format("{0} must be above 0 and at most {1} {2}, but is {3}", name, max.ToString("#,0.###", CultureInfo.InvariantCulture), unit, value)
                    : Format("{0} must be between 0 ({1}) and {2} {3}, but is {4}", name, zeroMeans, max.ToString("#,0.###", CultureInfo.InvariantCulture), unit, value);
            });

        /// <summary>A value of an enum: it must be one the catalog knows.</summary>
        public static Term<T> Choice<T, TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set, string noun, Func<TEnum, bool>? known = null)
            where TEnum : struct, Enum =>
            new(name, ValueKind.Choice, s => get(s), (s, v) => set(s, (TEnum)Enum.ToObject(typeof(TEnum), v)), s =>
            {
                var value = get(s);
                bool ok = known?.Invoke(value) ?? Enum.IsDefined(typeof(TEnum), value);
                return ok ? null : Format("{0} value {1} is not {2}", name, Convert.ToInt64(value, CultureInfo.InvariantCulture), noun);
            }, enumType: typeof(TEnum));

        public static Term<T> Flag<T>(string name, Func<T, bool> get, Func<T, bool, T> set, params string[] configKeys) =>
            new(name, ValueKind.Boolean, s => get(s), (s, v) => set(s, (bool)v), _ => null, configKeys);

        public static Term<T> Text<T>(string name, Func<T, string> get, Func<T, string, T> set) =>
            new(name, ValueKind.Text, s => get(s), (s, v) => set(s, (string)v), _ => null);

        /// <summary>Every problem of the terms' own bounds, in table order.</summary>
        public static List<SpecProblem> Check<T>(IEnumerable<Term<T>> terms, T spec)
        {
            var problems = new List<SpecProblem>();
            foreach (var term in terms)
            {
                if (term.Check(spec) is { } problem)
                {
                    problems.Add(problem);
                }
            }

            return problems;
        }

        public static Term<T>? Find<T>(IReadOnlyList<Term<T>> terms, string name)
        {
            foreach (var term in terms)
            {
                if (term.Name == name)
                {
                    return term;
                }
            }

            return null;
        }

        private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
