using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>The file being read and the problems found so far; every reader reports through it.</summary>
    internal sealed class ReadContext(string file)
    {
        public string File { get; } = file;

        public List<MeasurementProblem> Problems { get; } = new();

        public void Error(int line, string field, string message) => Problems.Add(new MeasurementProblem(MeasurementSeverity.Error, File, line, field, message));

        public void Warning(int line, string field, string message) => Problems.Add(new MeasurementProblem(MeasurementSeverity.Warning, File, line, field, message));

        public static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }

    /// <summary>
    /// Typed access to one JSON object of a result file. A field of the wrong type, or a number that is not finite or
    /// is negative, is reported (an error when the field is required, else a warning that it was ignored) and read as absent.
    /// </summary>
    internal sealed class JsonFields(IReadOnlyDictionary<string, JsonValue> o, ReadContext context, int line, string prefix = "")
    {
        public IReadOnlyDictionary<string, JsonValue> Object => o;

        public bool Has(string name) => o.TryGetValue(name, out var v) && !v.IsNull;

        public string Path(string name) => prefix + name;

        /// <summary>A nested object, or null (reported when present with another type).</summary>
        public JsonFields? Section(string name, bool required = false)
        {
            if (!o.TryGetValue(name, out var value) || value.IsNull)
            {
                if (required)
                {
                    context.Error(line, Path(name), "missing section");
                }

                return null;
            }

            if (value.AsObject is { } section)
            {
                return new JsonFields(section, context, line, Path(name) + ".");
            }

            Report(required, name, "must be an object");
            return null;
        }

        /// <summary>A finite, non-negative number; null when absent or unusable (reported).</summary>
        public double? Number(string name, bool required = false)
        {
            if (!o.TryGetValue(name, out var value) || value.IsNull)
            {
                if (required)
                {
                    context.Error(line, Path(name), "missing field");
                }

                return null;
            }

            return Number(value, name, required);
        }

        /// <summary><paramref name="value"/> as a finite non-negative number, reporting it under <paramref name="name"/> if it is not one.</summary>
        public double? Number(JsonValue value, string name, bool required)
        {
            if (value.AsNumber is not { } number)
            {
                Report(required, name, "must be a number");
                return null;
            }

            if (double.IsNaN(number) || double.IsInfinity(number))
            {
                Report(required, name, ReadContext.Format("is {0}, not a finite number", number.ToString(CultureInfo.InvariantCulture)));
                return null;
            }

            if (number < 0)
            {
                Report(required, name, ReadContext.Format("is {0}; it cannot be negative", ReadContext.F(number)));
                return null;
            }

            return number;
        }

        /// <summary>A whole, non-negative number that fits an int; null when absent or unusable (reported).</summary>
        public int? Count(string name, bool required = false)
        {
            var number = Number(name, required);
            if (number is not { } n)
            {
                return null;
            }

            if (n != System.Math.Floor(n) || n > int.MaxValue)
            {
                Report(required, name, ReadContext.Format("is {0}; it must be a whole number", ReadContext.F(n)));
                return null;
            }

            return (int)n;
        }

        public string? String(string name)
        {
            if (!o.TryGetValue(name, out var value) || value.IsNull)
            {
                return null;
            }

            if (value.AsString is { } s)
            {
                return s;
            }

            Report(false, name, "must be a string");
            return null;
        }

        private void Report(bool required, string name, string message)
        {
            if (required)
            {
                context.Error(line, Path(name), message);
            }
            else
            {
                context.Warning(line, Path(name), message + "; ignored");
            }
        }
    }
}
