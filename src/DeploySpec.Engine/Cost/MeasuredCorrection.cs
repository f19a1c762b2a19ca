using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// The correction a deployment's own benchmark results make to the cost model (docs/measurements.md), as the spec
    /// carries it to run time: per-quantity factors (measured / predicted, the geometric mean over the matched runs,
    /// bounded to [1/<see cref="MeasurementCalibration.MaxFactor"/>, <see cref="MeasurementCalibration.MaxFactor"/>]), the
    /// corrected residual, and the runs compared before and after (for reports). Value-equatable: a record of
    /// numbers and one string. <see cref="CostModel.Correct"/> applies it; <c>MeasurementFit</c> fits it.
    /// </summary>
    public sealed record MeasuredCorrection
    {
        /// <summary>Scales the prefill terms (time to first token).</summary>
        public double TimeToFirstTokenFactor { get; init; } = 1;

        /// <summary>Scales the decode iteration's terms (time per output token).</summary>
        public double TimePerOutputTokenFactor { get; init; } = 1;

        /// <summary>Measured / predicted output throughput, uncorrected (reported; throughput follows from the two factors above).</summary>
        public double ThroughputFactor { get; init; } = 1;

        /// <summary>Root-mean-square relative error of the corrected predictions on the matched runs: the floor of a corrected estimate's band.</summary>
        public double Residual { get; init; }

        /// <summary>The matched runs compared before and after, in <see cref="EncodeRuns"/>'s text (one string keeps the record value-equatable).</summary>
        public string Runs { get; init; } = "";

        /// <summary>The runtime view reports read.</summary>
        public MeasurementCalibration ToRuntime() =>
            new(TimeToFirstTokenFactor, TimePerOutputTokenFactor, ThroughputFactor, Residual, DecodeRuns(Runs));

        private const char FieldSeparator = '|';
        private const char RunSeparator = '~';

        /// <summary>
        /// The runs as one line: fields separated by '|', runs by '~', '\' escaping those three; the plan's source as its
        /// position in <see cref="Measurements.MeasurementFit.PlanSources"/>; numbers culture-invariant, the figures at
        /// nine significant digits (more than any benchmark file states; reports print one or two decimals).
        /// </summary>
        internal static string EncodeRuns(IReadOnlyList<MeasuredComparison> runs)
        {
            var text = new StringBuilder();
            foreach (var run in runs)
            {
                if (text.Length > 0)
                {
                    text.Append(RunSeparator);
                }

                Field(text, run.File, first: true);
                Field(text, Int(run.Line));
                Field(text, run.Plan);
                Field(text, Int(PlanSourceCode(run.PlanSource)));
                Field(text, Int(run.InputTokens));
                Field(text, Int(run.OutputTokens));
                Field(text, run.Load);
                Figure(text, run.TimeToFirstTokenMs);
                Figure(text, run.TimePerOutputTokenMs);
                Figure(text, run.OutputTokensPerSecond);
            }

            return text.ToString();
        }

        /// <summary>The runs <see cref="EncodeRuns"/> wrote.</summary>
        /// <exception cref="FormatException">The text is not what <see cref="EncodeRuns"/> writes.</exception>
        internal static IReadOnlyList<MeasuredComparison> DecodeRuns(string text)
        {
            var runs = new List<MeasuredComparison>();
            if (string.IsNullOrEmpty(text))
            {
                return runs;
            }

            foreach (var fields in Split(text))
            {
                if (fields.Count != 16)
                {
                    throw new FormatException("Not a DeploySpec measured run (" + fields.Count.ToString(CultureInfo.InvariantCulture) + " fields): " + text);
                }

                runs.Add(new MeasuredComparison(fields[0], ParseInt(fields[1]), fields[2], PlanSource(ParseInt(fields[3])), ParseInt(fields[4]), ParseInt(fields[5]), fields[6],
                    ParseFigure(fields, 7), ParseFigure(fields, 10), ParseFigure(fields, 13)));
            }

            return runs;
        }

        private static int PlanSourceCode(string source)
        {
            int code = Array.IndexOf(Measurements.MeasurementFit.PlanSources, source);
            return code >= 0 ? code : throw new ArgumentException("Not a plan source MeasurementFit writes: " + source, nameof(source));
        }

        private static string PlanSource(int code) =>
            (uint)code < (uint)Measurements.MeasurementFit.PlanSources.Length
                ? Measurements.MeasurementFit.PlanSources[code]
                : throw new FormatException("'" + code.ToString(CultureInfo.InvariantCulture) + "' is not a plan source");

        private static void Figure(StringBuilder text, MeasuredFigure? figure)
        {
            Field(text, figure is null ? "" : Double(figure.Measured));
            Field(text, figure is null ? "" : Double(figure.Before));
            Field(text, figure is null ? "" : Double(figure.After));
        }

        private static MeasuredFigure? ParseFigure(List<string> fields, int at) =>
            fields[at].Length == 0 ? null : new MeasuredFigure(ParseDouble(fields[at]), ParseDouble(fields[at + 1]), ParseDouble(fields[at + 2]));

        private static void Field(StringBuilder text, string value, bool first = false)
        {
            if (!first)
            {
                text.Append(FieldSeparator);
            }

            foreach (char c in value)
            {
                if (c is '\\' or FieldSeparator or RunSeparator)
                {
                    text.Append('\\');
                }

                text.Append(c);
            }
        }

        private static IEnumerable<List<string>> Split(string text)
        {
            var fields = new List<string>();
            var field = new StringBuilder();
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\\' && i + 1 < text.Length)
                {
                    field.Append(text[++i]);
                }
                else if (c == FieldSeparator)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == RunSeparator)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields;
                    fields = new List<string>();
                }
                else
                {
                    field.Append(c);
                }
            }

            fields.Add(field.ToString());
            yield return fields;
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Double(double value) => value.ToString("G9", CultureInfo.InvariantCulture);

        private static int ParseInt(string text) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : throw new FormatException("'" + text + "' is not an integer");

        private static double ParseDouble(string text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw new FormatException("'" + text + "' is not a number");
    }
}
