using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DeploySpec.Engine.Measurements
{
    /// <summary>The benchmark tool that wrote a result file.</summary>
    internal enum BenchmarkTool
    {
        /// <summary>vLLM's <c>vllm bench serve --save-result</c> and the older <c>benchmarks/benchmark_serving.py</c>.</summary>
        Vllm,

        /// <summary>TensorRT-LLM's <c>trtllm-bench throughput</c> (<c>--report_json</c> or its text report).</summary>
        TrtllmBench,

        /// <summary>NVIDIA GenAI-Perf (<c>profile_export_genai_perf.json</c> / <c>.csv</c>).</summary>
        GenAiPerf,

        /// <summary>NVIDIA AIPerf, GenAI-Perf's successor (<c>profile_export_aiperf.json</c> / <c>.csv</c>).</summary>
        AiPerf,
    }

    /// <summary>How the result was written.</summary>
    internal enum BenchmarkFileFormat
    {
        Json,

        /// <summary>One JSON result per line (vLLM's <c>--append-result</c>).</summary>
        JsonLines,
        Csv,
        Text,
    }

    /// <summary>One percentile of a latency: <see cref="Rank"/> 99.9 is the 99.9th percentile.</summary>
    internal sealed record Percentile(double Rank, double ValueMs)
    {
        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "p{0:R}={1:R} ms", Rank, ValueMs);
    }

    /// <summary>Percentiles ordered by rank, with value equality (the engine has no equatable array of its own).</summary>
    internal sealed class PercentileList : IReadOnlyList<Percentile>, IEquatable<PercentileList>
    {
        private readonly Percentile[] _items;

        public PercentileList(IEnumerable<Percentile> items) => _items = items.OrderBy(p => p.Rank).ToArray();

        public static PercentileList Empty { get; } = new(Array.Empty<Percentile>());

        public int Count => _items.Length;

        public Percentile this[int index] => _items[index];

        /// <summary>The value at exactly <paramref name="rank"/>, or null.</summary>
        public double? At(double rank) => _items.FirstOrDefault(p => p.Rank == rank)?.ValueMs;

        public bool Equals(PercentileList? other) => other is not null && _items.SequenceEqual(other._items);

        public override bool Equals(object? obj) => Equals(obj as PercentileList);

        public override int GetHashCode()
        {
            int hash = 17;
            foreach (var p in _items)
            {
                hash = unchecked(hash * 31 + p.GetHashCode());
            }

            return hash;
        }

        public IEnumerator<Percentile> GetEnumerator() => ((IEnumerable<Percentile>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(", ", _items.Select(p => p.ToString()));
    }

    /// <summary>
    /// One latency as a benchmark reported it, in milliseconds: what the file states and nothing derived (a median is
    /// only set where the file names a median or a 50th percentile).
    /// </summary>
    internal sealed record LatencyStatistics
    {
        public double? MeanMs { get; init; }
        public double? MedianMs { get; init; }
        public double? StdMs { get; init; }
        public double? MinMs { get; init; }
        public double? MaxMs { get; init; }
        public PercentileList Percentiles { get; init; } = PercentileList.Empty;

        /// <summary>True when the file stated none of the figures.</summary>
        public bool IsEmpty => MeanMs is null && MedianMs is null && StdMs is null && MinMs is null && MaxMs is null && Percentiles.Count == 0;
    }

    /// <summary>
    /// One benchmark run read from an operator's result file: what was run (tool, model, parallel shape and GPU where
    /// the file states them, request lengths, load) and what it measured (counts, duration, throughputs, latencies).
    /// Every figure is in the unit its name says; a figure the file does not state is null, never guessed.
    /// `MeasurementFit` matches runs to deployments and corrects estimates with them (docs/measurements.md).
    /// </summary>
    internal sealed record MeasuredRun
    {
        public BenchmarkTool Tool { get; init; }
        public BenchmarkFileFormat Format { get; init; }

        /// <summary>The file the run came from, as the caller named it.</summary>
        public string File { get; init; } = "";

        /// <summary>The 1-based line the run starts on (several runs share a JSONL file).</summary>
        public int Line { get; init; } = 1;

        /// <summary>The tool's version where the file states it (trtllm-bench's <c>engine.version</c>).</summary>
        public string? ToolVersion { get; init; }

        /// <summary>The model as the benchmark named it (a HuggingFace id or a path).</summary>
        public string? ModelId { get; init; }

        /// <summary>The serving backend or endpoint type (vLLM's <c>backend</c>, trtllm-bench's <c>engine.backend</c>).</summary>
        public string? Backend { get; init; }

        public int? TensorParallel { get; init; }
        public int? PipelineParallel { get; init; }
        public int? ExpertParallel { get; init; }

        /// <summary>GPUs the run used, where the file states it (trtllm-bench's <c>world_info.world_size</c>).</summary>
        public int? GpuCount { get; init; }

        /// <summary>The GPU's name as the file writes it (e.g. "NVIDIA H200"), where it does.</summary>
        public string? GpuName { get; init; }

        /// <summary>Mean prompt tokens per completed request.</summary>
        public double? InputTokensPerRequest { get; init; }

        /// <summary>Mean generated tokens per completed request.</summary>
        public double? OutputTokensPerRequest { get; init; }

        /// <summary>The cap on requests in flight the benchmark was run with (vLLM's <c>--max-concurrency</c>, GenAI-Perf's <c>--concurrency</c>).</summary>
        public int? MaxConcurrency { get; init; }

        /// <summary>The mean number of requests in flight the tool measured (trtllm-bench).</summary>
        public double? MeanConcurrency { get; init; }

        /// <summary>The arrival rate asked for; <see cref="double.PositiveInfinity"/> means every request sent at once (offline).</summary>
        public double? RequestRatePerSecond { get; init; }

        public int? CompletedRequests { get; init; }

        /// <summary>Failed requests where the file counts them (null: the file does not say).</summary>
        public int? FailedRequests { get; init; }

        public double? DurationSeconds { get; init; }
        public double? RequestsPerSecond { get; init; }
        public double? OutputTokensPerSecond { get; init; }

        /// <summary>Input plus output tokens per second.</summary>
        public double? TotalTokensPerSecond { get; init; }

        /// <summary>Completed requests per second within the run's service-level targets, where the file states it.</summary>
        public double? GoodputRequestsPerSecond { get; init; }

        public LatencyStatistics? TimeToFirstToken { get; init; }

        /// <summary>Per request, (end - first token) / (output tokens - 1): vLLM's TPOT, trtllm-bench's TPOT, GenAI-Perf's "inter token latency".</summary>
        public LatencyStatistics? TimePerOutputToken { get; init; }

        /// <summary>Every gap between consecutive tokens, pooled over requests (vLLM's ITL).</summary>
        public LatencyStatistics? InterTokenLatency { get; init; }

        public LatencyStatistics? EndToEndLatency { get; init; }

        /// <summary>True when every request was sent at once (request rate infinite).</summary>
        public bool IsOffline => RequestRatePerSecond is { } rate && double.IsPositiveInfinity(rate);
    }

    internal enum MeasurementSeverity
    {
        /// <summary>A run was skipped or a field ignored; the rest of the file was read.</summary>
        Warning,

        /// <summary>The file, or one of its runs, cannot be used.</summary>
        Error,
    }

    /// <summary>What is wrong with a result file: the file, the line, the field (empty when it concerns the whole file) and what.</summary>
    internal sealed record MeasurementProblem(MeasurementSeverity Severity, string File, int Line, string Field, string Message)
    {
        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}({1}): {2}: {3}{4}",
            File, Line, Severity == MeasurementSeverity.Error ? "error" : "warning", Field.Length > 0 ? "'" + Field + "': " : "", Message);
    }
}
