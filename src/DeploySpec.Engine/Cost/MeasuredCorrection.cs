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
    /// corrected residual, and the matched runs (for reports; <c>MeasurementFit.Runtime</c> compares them with the model
    /// before and after). Value-equatable: a record of numbers and one string. <see cref="CostModel.Correct"/> applies
    /// it; <c>MeasurementFit</c> fits it.
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

        /// <summary>The matched runs, in <see cref="EncodeRuns"/>'s text (one string keeps the record value-equatable).</summary>
        public string Runs { get; init; } = "";

        private const char FieldSeparator = '|';
        private const char RunSeparator = '~';

        /// <summary>
        /// The runs as one line: fields separated by '|', runs by '~', '\' escaping those three; the plan as its four
        /// degrees, its source as its position in <see cref="Measurements.MeasurementFit.PlanSources"/>; numbers
        /// culture-invariant, the arrival rate round-tripping (run time predicts at it), the measured figures at nine
        /// significant digits (more than any benchmark file states; reports print one or two decimals). The model's
        /// figures are not written: run time derives them.
        /// </summary>
        internal static string EncodeRuns(IReadOnlyList<StoredRun> runs)
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
                Field(text, Int(run.Degrees.TensorParallel));
                Field(text, Int(run.Degrees.PipelineParallel));
                Field(text, Int(run.Degrees.DataParallel));
                Field(text, Int(run.Degrees.ExpertParallel));
                Field(text, Int(run.PlanSource));
                Field(text, Int(run.InputTokens));
                Field(text, Int(run.OutputTokens));
                Field(text, run.Concurrency is { } c ? Int(c) : "");
                Field(text, run.Rate is { } r ? r.ToString("R", CultureInfo.InvariantCulture) : "");
                Field(text, Figure(run.TimeToFirstTokenMs));
                Field(text, Figure(run.TimePerOutputTokenMs));
                Field(text, Figure(run.OutputTokensPerSecond));
            }

            return text.ToString();
        }

        /// <summary>The runs <see cref="EncodeRuns"/> wrote.</summary>
        /// <exception cref="FormatException">The text is not what <see cref="EncodeRuns"/> writes.</exception>
        internal static IReadOnlyList<StoredRun> DecodeRuns(string text)
        {
            var runs = new List<StoredRun>();
            if (string.IsNullOrEmpty(text))
            {
                return runs;
            }

            foreach (var fields in Split(text))
            {
                if (fields.Count != 14)
                {
                    throw new FormatException("Not a DeploySpec measured run (" + fields.Count.ToString(CultureInfo.InvariantCulture) + " fields): " + text);
                }

                runs.Add(new StoredRun(fields[0], ParseInt(fields[1]),
                    new Planning.Degrees(ParseInt(fields[2]), ParseInt(fields[3]), ParseInt(fields[4]), ParseInt(fields[5])),
                    PlanSource(ParseInt(fields[6])), ParseInt(fields[7]), ParseInt(fields[8]),
                    fields[9].Length == 0 ? null : ParseInt(fields[9]), Optional(fields[10]),
                    Optional(fields[11]), Optional(fields[12]), Optional(fields[13])));
            }

            return runs;
        }

        private static int PlanSource(int code) =>
            (uint)code < (uint)Measurements.MeasurementFit.PlanSources.Count
                ? code
                : throw new FormatException("'" + code.ToString(CultureInfo.InvariantCulture) + "' is not a plan source");

        private static string Figure(double? measured) => measured is { } m ? m.ToString("G9", CultureInfo.InvariantCulture) : "";

        private static double? Optional(string field) => field.Length == 0 ? null : ParseDouble(field);

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

        private static int ParseInt(string text) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : throw new FormatException("'" + text + "' is not an integer");

        private static double ParseDouble(string text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw new FormatException("'" + text + "' is not a number");
    }

    /// <summary>
    /// A matched run as the spec stores it (<see cref="MeasuredCorrection.EncodeRuns"/>): the result file and line, the
    /// shape it is compared at and where that came from (a position in <c>MeasurementFit.PlanSources</c>), the mean
    /// lengths, the load (requests in flight, an arrival rate, or neither: offline at capacity) and the measured figures a
    /// comparison uses (null where the file states none or none usable), ms and output tokens/s.
    /// </summary>
    internal sealed record StoredRun(string File, int Line, Planning.Degrees Degrees, int PlanSource, int InputTokens, int OutputTokens,
        int? Concurrency, double? Rate, double? TimeToFirstTokenMs, double? TimePerOutputTokenMs, double? OutputTokensPerSecond);
}
