using System;
using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>What a result file held: the runs that can be used and every problem, each naming the file, line and field.</summary>
    internal sealed record MeasurementReading(IReadOnlyList<MeasuredRun> Runs, IReadOnlyList<MeasurementProblem> Problems);

    /// <summary>The kinds of file <see cref="BenchmarkFiles.Detect"/> tells apart.</summary>
    internal enum BenchmarkFileKind
    {
        Unknown,
        VllmJson,
        VllmJsonLines,
        TrtllmBenchJson,
        TrtllmBenchText,
        GenAiPerfJson,
        GenAiPerfCsv,
    }

    /// <summary>
    /// The one entry point for benchmark result files: recognises the tool and format from the text (keys of the JSON,
    /// the first line of a CSV, the section markers of a text report) and reads it. Never throws: whatever the text,
    /// the answer is runs and problems (docs/measurements.md).
    /// </summary>
    internal static class BenchmarkFiles
    {
        private const string Subject = "a benchmark result file";

        public static MeasurementReading Read(string path, string text)
        {
            var context = new ReadContext(path);
            var runs = new List<MeasuredRun>();
            string body = text.TrimStart('\uFEFF');
            if (body.Trim().Length == 0)
            {
                context.Error(1, "", "the file is empty");
                return Done();
            }

            if (body.Length > BoundedJson.MaxCharacters)
            {
                context.Error(1, "", ReadContext.Format("the file has {0:N0} characters, more than the {1:N0} DeploySpec reads (vLLM: save without --save-detailed)", body.Length, BoundedJson.MaxCharacters));
                return Done();
            }

            switch (Detect(body, out var json))
            {
                case BenchmarkFileKind.VllmJson:
                    Add(VllmBenchResult.Read(json!.AsObject!, context, 1, BenchmarkFileFormat.Json));
                    break;
                case BenchmarkFileKind.VllmJsonLines:
                    ReadJsonLines(body, context, runs);
                    break;
                case BenchmarkFileKind.TrtllmBenchJson:
                    Add(TrtllmBenchReport.ReadJson(json!.AsObject!, context));
                    break;
                case BenchmarkFileKind.TrtllmBenchText:
                    Add(TrtllmBenchReport.ReadText(body, context));
                    break;
                case BenchmarkFileKind.GenAiPerfJson:
                    Add(GenAiPerfExport.ReadJson(json!.AsObject!, context));
                    break;
                case BenchmarkFileKind.GenAiPerfCsv:
                    Add(GenAiPerfExport.ReadCsv(body, context, path.IndexOf("aiperf", StringComparison.OrdinalIgnoreCase) >= 0));
                    break;
                default:
                    Unrecognised(body, json, context);
                    break;
            }

            return Done();

            void Add(MeasuredRun? run)
            {
                if (run is not null)
                {
                    runs.Add(run);
                }
            }

            MeasurementReading Done() => new(runs, context.Problems);
        }

        /// <summary>The kind of <paramref name="text"/>; <paramref name="json"/> is the parsed document when it is one JSON document.</summary>
        public static BenchmarkFileKind Detect(string text, out JsonValue? json)
        {
            json = null;
            string body = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            if (body.StartsWith("{", StringComparison.Ordinal) || body.StartsWith("[", StringComparison.Ordinal))
            {
                // Several JSON objects, one a line (vLLM's --append-result): a first line that is a whole vLLM result with
                // more text after it. Checked first, so such a file is not parsed whole only to fail at its second line.
                if (FirstLine(body) is { } head && head.Length < body.TrimEnd().Length &&
                    BoundedJson.Parse(head, nonFiniteLiterals: true, Subject, out _)?.AsObject is { } firstObject && VllmBenchResult.Recognises(firstObject))
                {
                    return BenchmarkFileKind.VllmJsonLines;
                }

                json = BoundedJson.Parse(body, nonFiniteLiterals: true, Subject, out _);
                if (json?.AsObject is { } o)
                {
                    return VllmBenchResult.Recognises(o) ? BenchmarkFileKind.VllmJson
                        : TrtllmBenchReport.Recognises(o) ? BenchmarkFileKind.TrtllmBenchJson
                        : GenAiPerfExport.Recognises(o) ? BenchmarkFileKind.GenAiPerfJson
                        : BenchmarkFileKind.Unknown;
                }

                // Several JSON objects, one a line: vLLM's --append-result.
                if (json is null && FirstLine(body) is { } first && BoundedJson.Parse(first, nonFiniteLiterals: true, Subject, out _)?.AsObject is { } line
                    && VllmBenchResult.Recognises(line))
                {
                    return BenchmarkFileKind.VllmJsonLines;
                }

                // A text report whose first line is a log prefix ("[06/14/2025-11:02:07] [TRT-LLM] [I]") is not JSON.
                return json is null && TrtllmBenchReport.RecognisesText(body) ? BenchmarkFileKind.TrtllmBenchText : BenchmarkFileKind.Unknown;
            }

            if (body.StartsWith("Metric,", StringComparison.Ordinal))
            {
                return BenchmarkFileKind.GenAiPerfCsv;
            }

            return TrtllmBenchReport.RecognisesText(body) ? BenchmarkFileKind.TrtllmBenchText : BenchmarkFileKind.Unknown;
        }

        private static void ReadJsonLines(string body, ReadContext context, List<MeasuredRun> runs)
        {
            string[] lines = body.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                var value = BoundedJson.Parse(line, nonFiniteLiterals: true, Subject, out var error);
                if (error is not null || value?.AsObject is not { } o)
                {
                    context.Error(i + 1, "", error is not null
                        ? ReadContext.Format("line is not valid JSON: {0} (column {1}); the run on it is skipped", error.Message, error.Column)
                        : "line is not a JSON object; skipped");
                    continue;
                }

                if (!VllmBenchResult.Recognises(o))
                {
                    context.Error(i + 1, "", "line is not a vLLM benchmark result (no numeric request_throughput beside the token totals); skipped");
                    continue;
                }

                if (VllmBenchResult.Read(o, context, i + 1, BenchmarkFileFormat.JsonLines) is { } run)
                {
                    runs.Add(run);
                }
            }
        }

        /// <summary>Why a file is not read: malformed JSON (with its line and column), or a file of another kind.</summary>
        private static void Unrecognised(string body, JsonValue? json, ReadContext context)
        {
            string trimmed = body.TrimStart(' ', '\t', '\r', '\n');
            if (trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal))
            {
                if (json is null)
                {
                    BoundedJson.Parse(trimmed, nonFiniteLiterals: true, Subject, out var error);
                    int skipped = body.Length - trimmed.Length;
                    int leadingLines = body.Substring(0, skipped).Count(c => c == '\n');
                    context.Error((error?.Line ?? 1) + leadingLines, "", ReadContext.Format("not valid JSON: {0}", error?.ToString() ?? "unreadable"));
                    return;
                }

                if (json.AsArray is not null)
                {
                    context.Error(1, "", "a JSON array, not a benchmark result (vLLM's '.pytorch.json' companion file? read the '.json' it was written beside)");
                    return;
                }

                var keys = json.AsObject?.Keys.OrderBy(k => k, StringComparer.Ordinal).Take(5) ?? Enumerable.Empty<string>();
                context.Error(1, "", ReadContext.Format("a JSON object DeploySpec does not recognise (keys {0}...): expected a vLLM bench serve result, a trtllm-bench report or a GenAI-Perf/AIPerf export", string.Join(", ", keys)));
                return;
            }

            context.Error(1, "", "not a benchmark result DeploySpec can read: expected JSON (vLLM, trtllm-bench, GenAI-Perf/AIPerf), JSON lines (vLLM), a GenAI-Perf/AIPerf CSV or a trtllm-bench text report");
        }

        private static string? FirstLine(string body)
        {
            int end = body.IndexOf('\n');
            string first = (end < 0 ? body : body.Substring(0, end)).Trim();
            return end < 0 || first.Length == 0 ? null : first;
        }
    }
}
