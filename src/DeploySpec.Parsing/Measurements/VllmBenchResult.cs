using System;
using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing.Json;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>
    /// One result of <c>vllm bench serve --save-result</c> (vllm/benchmarks/serve.py) or the older
    /// <c>benchmarks/benchmark_serving.py</c>: run settings and totals at the top level, latencies as
    /// <c>{mean,median,std,p&lt;P&gt;}_{ttft,tpot,itl,e2el}_ms</c> for the metrics chosen with <c>--percentile-metrics</c>.
    /// Older files lack <c>failed</c> (then the per-request <c>errors</c> count it) and write <c>"request_goodput:"</c>.
    /// </summary>
    internal static class VllmBenchResult
    {
        /// <summary>Whether an object's keys are vLLM's: request throughput as a number beside the token totals.</summary>
        public static bool Recognises(IReadOnlyDictionary<string, JsonValue> o) =>
            o.TryGetValue("request_throughput", out var throughput) && throughput.AsNumber is not null
            && (o.ContainsKey("total_output_tokens") || o.ContainsKey("output_throughput") || o.ContainsKey("completed"));

        public static MeasuredRun? Read(IReadOnlyDictionary<string, JsonValue> o, ReadContext context, int line, BenchmarkFileFormat format)
        {
            int problemsBefore = context.Problems.Count;
            var f = new JsonFields(o, context, line);
            int? completed = f.Count("completed", required: true);
            double? duration = f.Number("duration", required: true);
            int? totalInput = f.Count("total_input_tokens", required: true);
            int? totalOutput = f.Count("total_output_tokens", required: true);
            double? requestThroughput = f.Number("request_throughput", required: true);
            double? outputThroughput = f.Number("output_throughput", required: true);
            double? totalThroughput = f.Number("total_token_throughput");
            double? goodput = f.Number("request_goodput") ?? f.Number("request_goodput:");
            int? failed = f.Has("failed") ? f.Count("failed") : FailedFromErrors(o);
            var latencies = Latencies(f, context, line);
            var rate = RequestRate(f, context, line);
            int? maxConcurrency = f.Count("max_concurrency");
            string? model = f.String("model_id");
            string? backend = f.String("backend");

            if (context.Problems.Skip(problemsBefore).Any(p => p.Severity == MeasurementSeverity.Error))
            {
                return null;
            }

            if (completed == 0)
            {
                context.Error(line, "completed", ReadContext.Format("no request completed{0}; the run cannot be used",
                    failed is > 0 ? ReadContext.Format(" ({0} failed)", failed) : ""));
                return null;
            }

            if (duration == 0)
            {
                context.Error(line, "duration", "is 0 seconds; the run cannot be used");
                return null;
            }

            if (totalOutput == 0)
            {
                context.Warning(line, "total_output_tokens", ReadContext.Format("is 0: the {0} completed requests generated nothing; run skipped", completed));
                return null;
            }

            if (failed is > 0)
            {
                context.Warning(line, "failed", ReadContext.Format("{0} of {1} requests failed; the figures are over the {1} that completed", failed, failed + completed));
            }

            WarnZeroLengthOutputs(o, context, line);
            return new MeasuredRun
            {
                Tool = BenchmarkTool.Vllm,
                Format = format,
                File = context.File,
                Line = line,
                ModelId = model,
                Backend = backend,
                InputTokensPerRequest = totalInput!.Value / (double)completed!.Value,
                OutputTokensPerRequest = totalOutput!.Value / (double)completed.Value,
                MaxConcurrency = maxConcurrency,
                RequestRatePerSecond = rate,
                CompletedRequests = completed,
                FailedRequests = failed,
                DurationSeconds = duration,
                RequestsPerSecond = requestThroughput,
                OutputTokensPerSecond = outputThroughput,
                TotalTokensPerSecond = totalThroughput,
                GoodputRequestsPerSecond = goodput,
                TimeToFirstToken = latencies["ttft"].Build(),
                TimePerOutputToken = latencies["tpot"].Build(),
                InterTokenLatency = latencies["itl"].Build(),
                EndToEndLatency = latencies["e2el"].Build(),
            };
        }

        /// <summary>The <c>{stat}_{metric}_ms</c> keys; a key ending in <c>_ms</c> that is not one is reported and ignored.</summary>
        private static Dictionary<string, LatencyBuilder> Latencies(JsonFields f, ReadContext context, int line)
        {
            var builders = new Dictionary<string, LatencyBuilder>(StringComparer.Ordinal)
            {
                ["ttft"] = new(), ["tpot"] = new(), ["itl"] = new(), ["e2el"] = new(),
            };
            foreach (string key in f.Object.Keys.Where(k => k.EndsWith("_ms", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal))
            {
                string[] parts = key.Split('_');
                if (parts.Length != 3 || !builders.TryGetValue(parts[1], out var builder))
                {
                    context.Warning(line, key, "is not a latency DeploySpec knows ({mean,median,std,p<P>}_{ttft,tpot,itl,e2el}_ms); ignored");
                    continue;
                }

                string stat = parts[0];
                double? rank = stat.StartsWith("p", StringComparison.Ordinal) ? LatencyBuilder.Rank(stat) : null;
                if (stat is not ("mean" or "median" or "std") && rank is null)
                {
                    context.Warning(line, key, ReadContext.Format("'{0}' is not a statistic DeploySpec knows (mean, median, std, p0 to p100); ignored", stat));
                    continue;
                }

                if (f.Number(key) is not { } ms)
                {
                    continue;
                }

                switch (stat)
                {
                    case "mean": builder.Mean(ms); break;
                    case "median": builder.Median(ms); break;
                    case "std": builder.Std(ms); break;
                    default: builder.Percentile(rank!.Value, ms); break;
                }
            }

            return builders;
        }

        /// <summary><c>request_rate</c>: a number, or "inf" (every request at once).</summary>
        private static double? RequestRate(JsonFields f, ReadContext context, int line)
        {
            if (!f.Object.TryGetValue("request_rate", out var value) || value.IsNull)
            {
                return null;
            }

            if (value.AsString is { } text)
            {
                if (text.Trim().ToLowerInvariant() is "inf" or "infinity" or "+inf")
                {
                    return double.PositiveInfinity;
                }

                context.Warning(line, "request_rate", ReadContext.Format("'{0}' is neither a number nor \"inf\"; ignored", text));
                return null;
            }

            if (value.AsNumber is { } n && double.IsPositiveInfinity(n))
            {
                return double.PositiveInfinity;
            }

            return f.Number("request_rate") is { } rate && rate > 0 ? rate : null;
        }

        /// <summary>Older files have no <c>failed</c>; with <c>--save-detailed</c> they list each request's error ("" when it succeeded).</summary>
        private static int? FailedFromErrors(IReadOnlyDictionary<string, JsonValue> o) =>
            o.TryGetValue("errors", out var errors) && errors.AsArray is { } list
                ? list.Count(e => e.AsString is { Length: > 0 })
                : null;

        /// <summary>Completed requests that generated no token (their TPOT is undefined, so vLLM leaves them out of it).</summary>
        private static void WarnZeroLengthOutputs(IReadOnlyDictionary<string, JsonValue> o, ReadContext context, int line)
        {
            if (!o.TryGetValue("output_lens", out var lens) || lens.AsArray is not { } outputs)
            {
                return;
            }

            var errors = o.TryGetValue("errors", out var e) ? e.AsArray : null;
            int empty = 0;
            for (int i = 0; i < outputs.Count; i++)
            {
                bool succeeded = errors is null || i >= errors.Count || errors[i].AsString is null or { Length: 0 };
                if (succeeded && outputs[i].AsNumber == 0)
                {
                    empty++;
                }
            }

            if (empty > 0)
            {
                context.Warning(line, "output_lens", ReadContext.Format("{0} completed requests generated no token; the means include them, TPOT leaves them out", empty));
            }
        }
    }
}
