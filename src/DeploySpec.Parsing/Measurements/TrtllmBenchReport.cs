using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>
    /// <c>trtllm-bench throughput</c>'s report (tensorrt_llm/bench/dataclasses/reporting.py): the <c>--report_json</c>
    /// file (sections <c>engine</c>, <c>machine</c>, <c>world_info</c>, <c>request_info</c>, <c>performance</c>,
    /// <c>streaming_metrics</c> when streaming) or the text report it logs. Percentile blocks hold <c>p50</c>, <c>p90</c>,
    /// <c>p95</c>, <c>p99</c>, <c>minimum</c>, <c>maximum</c>, <c>average</c>, in ms.
    /// </summary>
    internal static class TrtllmBenchReport
    {
        public static bool Recognises(IReadOnlyDictionary<string, JsonValue> o) =>
            o.TryGetValue("performance", out var p) && p.AsObject is not null
            || o.ContainsKey("world_info") && o.ContainsKey("request_info");

        public static MeasuredRun? ReadJson(IReadOnlyDictionary<string, JsonValue> o, ReadContext context)
        {
            int problemsBefore = context.Problems.Count;
            var root = new JsonFields(o, context, 1);
            var engine = root.Section("engine");
            var machine = root.Section("machine");
            var world = root.Section("world_info");
            var requests = root.Section("request_info", required: true);
            var performance = root.Section("performance", required: true);
            var streaming = root.Section("streaming_metrics");

            int? count = requests?.Count("num_requests", required: true);
            double? input = requests?.Number("avg_input_length", required: true);
            double? output = requests?.Number("avg_output_length", required: true);
            double? totalLatencyMs = performance?.Number("total_latency_ms", required: true);
            double? requestThroughput = performance?.Number("request_throughput_req_s", required: true);
            double? outputThroughput = performance?.Number("system_output_throughput_tok_s", required: true);
            if (context.Problems.Skip(problemsBefore).Any(p => p.Severity == MeasurementSeverity.Error))
            {
                return null;
            }

            if (Unusable(context, 1, "request_info.num_requests", count, "request_info.avg_output_length", output))
            {
                return null;
            }

            var e2e = Percentiles(performance!.Section("request_latency_percentiles_ms"), context);
            if (performance.Number("avg_request_latency_ms") is { } avgLatency)
            {
                e2e.Mean(avgLatency);
            }

            LatencyBuilder? ttft = null, tpot = null;
            if (streaming is not null)
            {
                ttft = Percentiles(streaming.Section("ttft_percentiles"), context);
                tpot = Percentiles(streaming.Section("tpot_percentiles"), context);
                if (streaming.Number("avg_ttft_ms") is { } avgTtft)
                {
                    ttft.Mean(avgTtft);
                }

                if (streaming.Number("avg_tpot_ms") is { } avgTpot)
                {
                    tpot.Mean(avgTpot);
                }
            }

            return new MeasuredRun
            {
                Tool = BenchmarkTool.TrtllmBench,
                Format = BenchmarkFileFormat.Json,
                File = context.File,
                ToolVersion = engine?.String("version"),
                ModelId = engine?.String("model"),
                Backend = engine?.String("backend"),
                TensorParallel = world?.Count("tp_size"),
                PipelineParallel = world?.Count("pp_size"),
                ExpertParallel = world?.Count("ep_size"),
                GpuCount = world?.Count("world_size"),
                GpuName = machine?.String("name"),
                InputTokensPerRequest = input,
                OutputTokensPerRequest = output,
                MeanConcurrency = requests!.Number("avg_num_concurrent_requests"),
                CompletedRequests = count,
                DurationSeconds = totalLatencyMs / 1000.0,
                RequestsPerSecond = requestThroughput,
                OutputTokensPerSecond = outputThroughput,
                TotalTokensPerSecond = performance.Number("system_total_throughput_tok_s"),
                TimeToFirstToken = ttft?.Build(),
                TimePerOutputToken = tpot?.Build(),
                EndToEndLatency = e2e.Build(),
            };
        }

        /// <summary>A percentile block (<c>p50</c> ... <c>minimum</c>, <c>maximum</c>, <c>average</c>); p50 is also the median.</summary>
        private static LatencyBuilder Percentiles(JsonFields? block, ReadContext context)
        {
            var builder = new LatencyBuilder();
            if (block is null)
            {
                return builder;
            }

            foreach (string key in block.Object.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                Statistic(builder, key, () => block.Number(key), () => context.Warning(1, block.Path(key), "is not a statistic DeploySpec knows; ignored"));
            }

            return builder;
        }

        /// <summary>One statistic of trtllm-bench's (JSON key or upper-case text label) into the builder.</summary>
        private static void Statistic(LatencyBuilder builder, string key, Func<double?> value, Action unknown)
        {
            string name = key.Trim().ToLowerInvariant();
            double? rank = LatencyBuilder.Rank(name);
            if (name is not ("average" or "minimum" or "maximum") && rank is null)
            {
                unknown();
                return;
            }

            if (value() is not { } ms)
            {
                return;
            }

            switch (name)
            {
                case "average": builder.Mean(ms); break;
                case "minimum": builder.Min(ms); break;
                case "maximum": builder.Max(ms); break;
                default:
                    builder.Percentile(rank!.Value, ms);
                    if (rank == 50)
                    {
                        builder.Median(ms);
                    }

                    break;
            }
        }

        /// <summary>No request, or no output token: the run cannot say anything about speed.</summary>
        private static bool Unusable(ReadContext context, int line, string countField, int? count, string outputField, double? output)
        {
            if (count == 0)
            {
                context.Error(line, countField, "is 0: no request completed; the run cannot be used");
                return true;
            }

            if (output == 0)
            {
                context.Warning(line, outputField, "is 0: the requests generated nothing; run skipped");
                return true;
            }

            return false;
        }

        /// <summary>Markers of the text report's sections (older reports have "= STATISTICS" in place of the overview).</summary>
        public static bool RecognisesText(string text) =>
            text.IndexOf("= PERFORMANCE OVERVIEW", StringComparison.Ordinal) >= 0
            || text.IndexOf("= WORLD + RUNTIME INFORMATION", StringComparison.Ordinal) >= 0
            || text.IndexOf("= REQUEST DETAILS", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// The text report: "Label: value" lines, in any order and with any log prefix. "Token Throughput (tokens/sec)"
        /// of older reports is output tokens per second (total output tokens / total latency), not the newer
        /// "Total Token Throughput", which counts input tokens too.
        /// </summary>
        public static MeasuredRun? ReadText(string text, ReadContext context)
        {
            var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
            var ttft = new LatencyBuilder();
            var tpot = new LatencyBuilder();
            var e2e = new LatencyBuilder();
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = StripLogPrefix(lines[i].TrimEnd('\r'));
                int colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                string label = line.Substring(0, colon).Trim();
                string value = line.Substring(colon + 1).Trim();
                int lineNumber = i + 1;
                if (BlockStatistic(label) is { } block)
                {
                    var builder = block.Kind switch { "[TTFT]" => ttft, "[TPOT]" => tpot, _ => e2e };
                    Statistic(builder, block.Statistic, () => Number(value, label, lineNumber, context), () => { });
                    continue;
                }

                if (!values.ContainsKey(label))
                {
                    values[label] = (value, lineNumber);
                }
            }

            if (!values.ContainsKey("Request Throughput (req/sec)"))
            {
                context.Error(1, "", values.ContainsKey("TP Size") || values.ContainsKey("Model")
                    ? "the report stops before its performance figures (the run died after printing its header; often out of memory)"
                    : "no 'Request Throughput (req/sec)' line: not a complete trtllm-bench report");
                return null;
            }

            int problemsBefore = context.Problems.Count;
            double? Required(params string[] labels)
            {
                foreach (string label in labels)
                {
                    if (values.TryGetValue(label, out var found))
                    {
                        return Number(found.Value, label, found.Line, context, required: true);
                    }
                }

                context.Error(1, labels[0], "missing line");
                return null;
            }

            double? Optional(string label) => values.TryGetValue(label, out var found) ? Number(found.Value, label, found.Line, context) : null;

            double? count = Required("Number of requests");
            double? input = Required("Average Input Length (tokens)");
            double? output = Required("Average Output Length (tokens)");
            double? requestThroughput = Required("Request Throughput (req/sec)");
            double? outputThroughput = Required("Total Output Throughput (tokens/sec)", "Token Throughput (tokens/sec)");
            double? durationSeconds = values.ContainsKey("Total Latency (ms)") ? Required("Total Latency (ms)") / 1000.0 : Required("Total Latency (seconds)");
            if (context.Problems.Skip(problemsBefore).Any(p => p.Severity == MeasurementSeverity.Error))
            {
                return null;
            }

            if (count != Math.Floor(count!.Value) || count > int.MaxValue)
            {
                context.Error(values["Number of requests"].Line, "Number of requests", "must be a whole number");
                return null;
            }

            if (Unusable(context, values["Number of requests"].Line, "Number of requests", (int)count.Value, "Average Output Length (tokens)", output))
            {
                return null;
            }

            if (Optional("Average time-to-first-token [TTFT] (ms)") is { } avgTtft)
            {
                ttft.Mean(avgTtft);
            }

            if (Optional("Average time-per-output-token [TPOT] (ms)") is { } avgTpot)
            {
                tpot.Mean(avgTpot);
            }

            if (Optional("Average request latency (ms)") is { } avgLatency)
            {
                e2e.Mean(avgLatency);
            }

            int? Whole(string label) => Optional(label) is { } n && n == Math.Floor(n) && n <= int.MaxValue ? (int)n : null;
            string? Text(string label) => values.TryGetValue(label, out var found) && found.Value.Length > 0 ? found.Value : null;
            return new MeasuredRun
            {
                Tool = BenchmarkTool.TrtllmBench,
                Format = BenchmarkFileFormat.Text,
                File = context.File,
                ToolVersion = Text("TensorRT LLM Version") ?? Text("TensorRT-LLM Version"),
                ModelId = Text("Model"),
                TensorParallel = Whole("TP Size"),
                PipelineParallel = Whole("PP Size"),
                ExpertParallel = Whole("EP Size"),
                InputTokensPerRequest = input,
                OutputTokensPerRequest = output,
                MeanConcurrency = Optional("Number of concurrent requests"),
                CompletedRequests = (int)count.Value,
                DurationSeconds = durationSeconds,
                RequestsPerSecond = requestThroughput,
                OutputTokensPerSecond = outputThroughput,
                TotalTokensPerSecond = Optional("Total Token Throughput (tokens/sec)"),
                TimeToFirstToken = ttft.Build(),
                TimePerOutputToken = tpot.Build(),
                EndToEndLatency = e2e.Build(),
            };
        }

        /// <summary>A line without the log prefixes before its label ("[11/01/2024-10:32:46] [I] ", "[TensorRT-LLM][INFO] ").</summary>
        private static string StripLogPrefix(string line)
        {
            string rest = line.TrimStart();
            while (rest.StartsWith("[", StringComparison.Ordinal))
            {
                int close = rest.IndexOf(']');
                if (close < 0 || rest.StartsWith("[TTFT]", StringComparison.Ordinal) || rest.StartsWith("[TPOT]", StringComparison.Ordinal) || rest.StartsWith("[Latency]", StringComparison.Ordinal))
                {
                    break;
                }

                rest = rest.Substring(close + 1).TrimStart();
            }

            return rest;
        }

        /// <summary>"[TTFT] P99" or "[Latency] MINIMUM" (the breakdown lines), else null.</summary>
        private static (string Kind, string Statistic)? BlockStatistic(string label)
        {
            foreach (string kind in new[] { "[TTFT]", "[TPOT]", "[Latency]" })
            {
                int at = label.IndexOf(kind, StringComparison.Ordinal);
                if (at >= 0)
                {
                    return (kind, label.Substring(at + kind.Length).Trim());
                }
            }

            return null;
        }

        private static double? Number(string text, string label, int line, ReadContext context, bool required = false)
        {
            string token = text.Split(' ', '\t').FirstOrDefault(t => t.Length > 0) ?? "";
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && !double.IsNaN(value) && !double.IsInfinity(value) && value >= 0)
            {
                return value;
            }

            string message = ReadContext.Format("'{0}' is not a non-negative number", token);
            if (required)
            {
                context.Error(line, label, message);
            }
            else
            {
                context.Warning(line, label, message + "; ignored");
            }

            return null;
        }
    }
}
