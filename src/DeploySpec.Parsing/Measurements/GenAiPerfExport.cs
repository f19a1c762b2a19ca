using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>
    /// GenAI-Perf's <c>profile_export_genai_perf.json</c> / <c>.csv</c> and AIPerf's <c>profile_export_aiperf.json</c> /
    /// <c>.csv</c>: one object (or CSV row) per metric with its <c>unit</c>, <c>avg</c>, <c>min</c>, <c>max</c>, <c>std</c>
    /// and percentiles <c>p1</c> ... <c>p99</c>; the run's settings under <c>input_config</c> (JSON only). The CSV writes
    /// request metrics with thousands separators ("1,234.56"). GenAI-Perf's "inter token latency" is per request
    /// (latency - TTFT) / (output tokens - 1), which is what DeploySpec calls time per output token.
    /// </summary>
    internal static class GenAiPerfExport
    {
        /// <summary>One metric: its unit, its statistics, and where it was found (JSON path or CSV line).</summary>
        private sealed class Metric(string field, int line)
        {
            public string Field { get; } = field;
            public int Line { get; } = line;
            public string? Unit { get; set; }
            public SortedDictionary<string, double> Values { get; } = new(StringComparer.Ordinal);
        }

        private static readonly string[] TimeMetrics = { "time_to_first_token", "inter_token_latency", "request_latency" };

        /// <summary>A top-level metric object with an <c>avg</c>, or AIPerf's older <c>records</c>.</summary>
        public static bool Recognises(IReadOnlyDictionary<string, JsonValue> o) =>
            o.TryGetValue("request_throughput", out var t) && t.AsObject is { } throughput && throughput.ContainsKey("avg")
            || o.TryGetValue("records", out var r) && r.AsObject is { } records && records.ContainsKey("request_throughput")
            || o.ContainsKey("input_config") && o.Values.Any(v => v.AsObject is { } m && m.ContainsKey("avg") && m.ContainsKey("unit"));

        public static MeasuredRun? ReadJson(IReadOnlyDictionary<string, JsonValue> o, ReadContext context)
        {
            var source = o.TryGetValue("records", out var r) && r.AsObject is { } records ? records : o;
            string prefix = ReferenceEquals(source, o) ? "" : "records.";
            var metrics = new Dictionary<string, Metric>(StringComparer.Ordinal);
            foreach (var pair in source.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (pair.Value.AsObject is not { } body || !body.ContainsKey("avg"))
                {
                    continue;
                }

                var metric = new Metric(prefix + pair.Key, 1);
                var fields = new JsonFields(body, context, 1, metric.Field + ".");
                metric.Unit = fields.String("unit");
                foreach (var stat in body.Keys.Where(k => k is not ("unit" or "count" or "tag" or "header")))
                {
                    if (fields.Number(stat) is { } value)
                    {
                        metric.Values[stat] = value;
                    }
                }

                metrics[pair.Key] = metric;
            }

            var config = o.TryGetValue("input_config", out var c) ? c.AsObject : null;
            bool aiperf = o.ContainsKey("schema_version") || o.ContainsKey("aiperf_version") || !ReferenceEquals(source, o)
                || config is not null && (config.ContainsKey("loadgen") || Path(config, "endpoint")?.AsObject is not null);
            var run = Build(metrics, context, aiperf ? BenchmarkTool.AiPerf : BenchmarkTool.GenAiPerf, BenchmarkFileFormat.Json);
            if (run is null || config is null)
            {
                return run;
            }

            var model = Path(config, "model") ?? Path(config, "model_names") ?? Path(config, "endpoint", "model_names");
            return run with
            {
                ModelId = model?.AsString ?? model?.AsArray?.FirstOrDefault()?.AsString,
                Backend = (Path(config, "endpoint_type") ?? Path(config, "endpoint", "type"))?.AsString,
                MaxConcurrency = Whole(Path(config, "concurrency") ?? Path(config, "loadgen", "concurrency") ?? Path(config, "perf_analyzer", "stimulus", "concurrency")),
                RequestRatePerSecond = Positive(Path(config, "request_rate") ?? Path(config, "loadgen", "request_rate") ?? Path(config, "perf_analyzer", "stimulus", "request_rate")),
            };
        }

        /// <summary>The CSV: a statistics section ("Metric,avg,min,...") and a summary section ("Metric,Value"); other sections (GPU telemetry) are skipped.</summary>
        public static MeasuredRun? ReadCsv(string text, ReadContext context, bool aiperf)
        {
            var metrics = new Dictionary<string, Metric>(StringComparer.Ordinal);
            string[]? header = null;
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                int line = i + 1;
                var cells = Cells(lines[i].TrimEnd('\r'));
                if (cells.Count == 0 || cells.All(cell => cell.Length == 0))
                {
                    header = null;
                    continue;
                }

                if (header is null)
                {
                    header = cells[0] == "Metric" ? cells.ToArray() : Array.Empty<string>();
                    continue;
                }

                if (header.Length == 0)
                {
                    continue; // a section DeploySpec does not read
                }

                var (key, unit) = MetricName(cells[0]);
                var metric = new Metric(cells[0], line) { Unit = unit };
                for (int column = 1; column < cells.Count && column < header.Length; column++)
                {
                    string stat = header[column] == "Value" ? "avg" : header[column];
                    string field = ReadContext.Format("{0}, {1}", cells[0], header[column]);
                    if (CsvNumber(cells[column]) is { } value)
                    {
                        metric.Values[stat] = value;
                    }
                    else
                    {
                        context.Warning(line, field, ReadContext.Format("'{0}' is not a non-negative number; ignored", cells[column]));
                    }
                }

                if (cells.Count != header.Length)
                {
                    context.Warning(line, cells[0], ReadContext.Format("has {0} cells where the header has {1}", cells.Count, header.Length));
                }

                metrics[key] = metric;
            }

            if (metrics.Count == 0)
            {
                context.Error(1, "", "no metric rows under a 'Metric,...' header: not a GenAI-Perf or AIPerf export");
                return null;
            }

            return Build(metrics, context, aiperf || metrics.ContainsKey("benchmark_duration") ? BenchmarkTool.AiPerf : BenchmarkTool.GenAiPerf, BenchmarkFileFormat.Csv);
        }

        private static MeasuredRun? Build(Dictionary<string, Metric> metrics, ReadContext context, BenchmarkTool tool, BenchmarkFileFormat format)
        {
            int problemsBefore = context.Problems.Count;
            double? Average(string name, string expectedUnit, bool required = false)
            {
                if (!metrics.TryGetValue(name, out var metric))
                {
                    if (required)
                    {
                        context.Error(1, name, "missing metric");
                    }

                    return null;
                }

                if (metric.Unit is { Length: > 0 } unit && !SameUnit(unit, expectedUnit))
                {
                    context.Warning(metric.Line, metric.Field + ".unit", ReadContext.Format("is '{0}'; read as {1}, as the metric's name says", unit, expectedUnit));
                }

                if (metric.Values.TryGetValue("avg", out double avg))
                {
                    return avg;
                }

                if (required)
                {
                    context.Error(metric.Line, metric.Field + ".avg", "missing field");
                }

                return null;
            }

            double? requestThroughput = Average("request_throughput", "requests/sec", required: true);
            double? outputThroughput = Average("output_token_throughput", "tokens/sec", required: true);
            double? input = Average("input_sequence_length", "tokens", required: true);
            double? output = Average("output_sequence_length", "tokens", required: true);
            var latencies = TimeMetrics.ToDictionary(name => name, name => Latency(metrics, name, context), StringComparer.Ordinal);
            if (context.Problems.Skip(problemsBefore).Any(p => p.Severity == MeasurementSeverity.Error))
            {
                return null;
            }

            int? completed = Whole(Average("request_count", "requests"));
            int? failed = Whole(Average("error_request_count", "requests"));
            if (completed == 0 || requestThroughput == 0)
            {
                context.Error(1, completed == 0 ? "request_count" : "request_throughput", "is 0: no request completed; the run cannot be used");
                return null;
            }

            if (output == 0)
            {
                context.Warning(metrics["output_sequence_length"].Line, "output_sequence_length", "averages 0: the requests generated nothing; run skipped");
                return null;
            }

            if (metrics["output_sequence_length"].Values.TryGetValue("min", out double shortest) && shortest == 0)
            {
                context.Warning(metrics["output_sequence_length"].Line, "output_sequence_length", "min is 0: some requests generated nothing; the means include them");
            }

            if (failed is > 0)
            {
                context.Warning(metrics["error_request_count"].Line, "error_request_count", ReadContext.Format("{0} requests failed; the figures are over those that completed", failed));
            }

            return new MeasuredRun
            {
                Tool = tool,
                Format = format,
                File = context.File,
                InputTokensPerRequest = input,
                OutputTokensPerRequest = output,
                CompletedRequests = completed,
                FailedRequests = failed,
                DurationSeconds = Average("benchmark_duration", "sec"),
                RequestsPerSecond = requestThroughput,
                OutputTokensPerSecond = outputThroughput,
                TotalTokensPerSecond = Average("total_token_throughput", "tokens/sec"),
                GoodputRequestsPerSecond = Average("request_goodput", "requests/sec"),
                TimeToFirstToken = latencies["time_to_first_token"],
                TimePerOutputToken = latencies["inter_token_latency"],
                EndToEndLatency = latencies["request_latency"],
            };
        }

        /// <summary>A time metric in ms (ns, us and s are converted); a unit that is not a time is an error for the metric.</summary>
        private static LatencyStatistics? Latency(Dictionary<string, Metric> metrics, string name, ReadContext context)
        {
            if (!metrics.TryGetValue(name, out var metric))
            {
                return null;
            }

            double? toMs = (metric.Unit ?? "ms").Trim().ToLowerInvariant() switch
            {
                "ms" => 1.0,
                "ns" => 1e-6,
                "us" or "µs" => 1e-3,
                "s" or "sec" => 1e3,
                _ => null,
            };
            if (toMs is not { } factor)
            {
                context.Error(metric.Line, metric.Field + ".unit", ReadContext.Format("is '{0}', not a unit of time", metric.Unit));
                return null;
            }

            if (metric.Unit is null)
            {
                context.Warning(metric.Line, metric.Field + ".unit", "missing; read as ms, the unit GenAI-Perf writes");
            }

            var builder = new LatencyBuilder();
            foreach (var pair in metric.Values)
            {
                double ms = pair.Value * factor;
                switch (pair.Key)
                {
                    case "avg": builder.Mean(ms); break;
                    case "min": builder.Min(ms); break;
                    case "max": builder.Max(ms); break;
                    case "std": builder.Std(ms); break;
                    default:
                        if (LatencyBuilder.Rank(pair.Key) is { } rank && pair.Key.StartsWith("p", StringComparison.Ordinal))
                        {
                            builder.Percentile(rank, ms);
                            if (rank == 50)
                            {
                                builder.Median(ms);
                            }
                        }
                        else
                        {
                            context.Warning(metric.Line, metric.Field + "." + pair.Key, "is not a statistic DeploySpec knows (avg, min, max, std, p1 to p99); ignored");
                        }

                        break;
                }
            }

            return builder.Build();
        }

        private static bool SameUnit(string unit, string expected) =>
            string.Equals(unit.Trim(), expected, StringComparison.OrdinalIgnoreCase)
            || expected.EndsWith("/sec", StringComparison.Ordinal) && unit.Trim().Equals("per sec", StringComparison.OrdinalIgnoreCase)
            || expected == "sec" && unit.Trim().Equals("s", StringComparison.OrdinalIgnoreCase)
            || expected == "requests" && unit.Trim().Equals("count", StringComparison.OrdinalIgnoreCase);

        /// <summary>"Time To First Token (ms)" -> ("time_to_first_token", "ms"); "Output Sequence Length" -> (..., null).</summary>
        private static (string Key, string? Unit) MetricName(string cell)
        {
            string name = cell.Trim();
            string? unit = null;
            int open = name.LastIndexOf('(');
            if (open > 0 && name.EndsWith(")", StringComparison.Ordinal))
            {
                unit = name.Substring(open + 1, name.Length - open - 2).Trim();
                name = name.Substring(0, open).Trim();
            }

            return (string.Join("_", name.ToLowerInvariant().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)), unit);
        }

        /// <summary>A CSV number: "1234.56" or "1,234.56" (groups of three), never negative; null otherwise.</summary>
        private static double? CsvNumber(string cell)
        {
            string text = cell.Trim();
            int point = text.IndexOf('.');
            string whole = point >= 0 ? text.Substring(0, point) : text;
            if (whole.IndexOf(',') >= 0)
            {
                string[] groups = whole.Split(',');
                if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3))
                {
                    return null;
                }
            }

            return double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
                   && !double.IsInfinity(value) ? value : null;
        }

        /// <summary>One CSV line's cells (RFC 4180 quoting, as Python's csv module writes).</summary>
        private static List<string> Cells(string line)
        {
            var cells = new List<string>();
            var cell = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char ch = line[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else if (ch == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        cell.Append(ch);
                    }
                }
                else if (ch == '"')
                {
                    quoted = true;
                }
                else if (ch == ',')
                {
                    cells.Add(cell.ToString());
                    cell.Clear();
                }
                else
                {
                    cell.Append(ch);
                }
            }

            cells.Add(cell.ToString());
            return cells;
        }

        private static JsonValue? Path(IReadOnlyDictionary<string, JsonValue> o, params string[] names)
        {
            JsonValue? value = null;
            var current = o;
            foreach (string name in names)
            {
                if (current is null || !current.TryGetValue(name, out value) || value.IsNull)
                {
                    return null;
                }

                current = value.AsObject;
            }

            return value;
        }

        private static int? Whole(JsonValue? value) => Whole(value?.AsNumber);

        private static int? Whole(double? n) => n is { } v && v >= 0 && v <= int.MaxValue && v == Math.Floor(v) ? (int)v : null;

        private static double? Positive(JsonValue? value) => value?.AsNumber is { } v && v > 0 && !double.IsNaN(v) ? v : null;
    }
}
