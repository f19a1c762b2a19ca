using System.IO;
using DeploySpec.Engine.Measurements;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Parsing.Measurements;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>The benchmark result readers (src/DeploySpec.Parsing/Measurements, docs/measurements.md) on the shipped samples and on broken files.</summary>
public class MeasurementReaderTests
{
    private static string SamplesDirectory => Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples", "benchmarks");

    private static string Sample(string name) => File.ReadAllText(Path.Combine(SamplesDirectory, name));

    private static MeasurementReading Read(string name, string? text = null) => BenchmarkFiles.Read(name, text ?? Sample(name));

    private static MeasuredRun Single(string name, string? text = null)
    {
        var (runs, problems) = Read(name, text);
        Assert.DoesNotContain(problems, p => p.Severity == MeasurementSeverity.Error);
        return Assert.Single(runs);
    }

    private static MeasurementProblem OneProblem(MeasurementReading reading, MeasurementSeverity severity, string field)
    {
        var problem = Assert.Single(reading.Problems, p => p.Field == field);
        Assert.Equal(severity, problem.Severity);
        return problem;
    }

    private const string VllmJson = "vllm-bench-serve-llama-3.1-70b-fp8-8xh100.json";
    private const string VllmJsonLines = "vllm-bench-serve-llama-3.1-70b-fp8-8xh100.jsonl";
    private const string VllmOld = "vllm-benchmark-serving-llama-3.1-405b-fp8-8xh200.json";
    private const string TrtllmJson = "trtllm-bench-llama-3.1-405b-fp8-8xh200.json";
    private const string TrtllmText = "trtllm-bench-llama-3.1-405b-fp8-8xh200.txt";
    private const string GenAiPerfJson = "genai-perf-llama-3.1-70b-fp8-8xh100_genai_perf.json";
    private const string GenAiPerfCsv = "genai-perf-llama-3.1-70b-fp8-8xh100_genai_perf.csv";

    public static TheoryData<string> Samples => new() { VllmJson, VllmJsonLines, VllmOld, TrtllmJson, TrtllmText, GenAiPerfJson, GenAiPerfCsv };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_reads_without_an_error_and_the_same_twice(string name)
    {
        var first = Read(name);
        Assert.NotEmpty(first.Runs);
        Assert.DoesNotContain(first.Problems, p => p.Severity == MeasurementSeverity.Error);
        var second = Read(name);
        Assert.Equal(first.Runs, second.Runs);
        Assert.All(first.Runs, r => Assert.Equal(name, r.File));
    }

    [Fact]
    public void Vllm_bench_serve_result_reads_to_its_figures()
    {
        var (runs, problems) = Read(VllmJson);
        Assert.Empty(problems);
        var run = Assert.Single(runs);
        Assert.Equal(BenchmarkTool.Vllm, run.Tool);
        Assert.Equal(BenchmarkFileFormat.Json, run.Format);
        Assert.Equal("RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8", run.ModelId);
        Assert.Equal("openai", run.Backend);
        Assert.Equal(64, run.MaxConcurrency);
        Assert.True(run.IsOffline); // "request_rate": "inf"
        Assert.Equal(double.PositiveInfinity, run.RequestRatePerSecond);
        Assert.Equal(640, run.CompletedRequests);
        Assert.Equal(0, run.FailedRequests);
        Assert.Equal(118.4167, run.DurationSeconds);
        Assert.Equal(1024.0, run.InputTokensPerRequest);
        Assert.Equal(512.0, run.OutputTokensPerRequest);
        Assert.Equal(640 / 118.4167, run.RequestsPerSecond);
        Assert.Equal(327680 / 118.4167, run.OutputTokensPerSecond);
        Assert.Equal(983040 / 118.4167, run.TotalTokensPerSecond);
        Assert.Null(run.GoodputRequestsPerSecond); // "request_goodput": null without --goodput
        Assert.Null(run.TensorParallel); // vLLM's file does not say
        Assert.Equal(412.375, run.TimeToFirstToken!.MeanMs);
        Assert.Equal(380.5, run.TimeToFirstToken.MedianMs);
        Assert.Equal(161.25, run.TimeToFirstToken.StdMs);
        Assert.Equal(new[] { 50, 90, 99, 99.9 }, run.TimeToFirstToken.Percentiles.Select(p => p.Rank));
        Assert.Equal(1402.5, run.TimeToFirstToken.Percentiles.At(99.9)); // the "p99.9_ttft_ms" key
        Assert.Equal(22.125, run.TimePerOutputToken!.MeanMs);
        Assert.Equal(25.25, run.TimePerOutputToken.Percentiles.At(99));
        Assert.Equal(48.375, run.InterTokenLatency!.Percentiles.At(99));
        Assert.Equal(11718.25, run.EndToEndLatency!.MeanMs);
        Assert.Null(run.EndToEndLatency.MinMs);
    }

    [Fact]
    public void Vllm_jsonl_with_several_runs_reads_each_with_its_line()
    {
        var (runs, problems) = Read(VllmJsonLines);
        Assert.Empty(problems);
        Assert.Equal(new[] { 1, 2, 3 }, runs.Select(r => r.Line));
        Assert.Equal(new int?[] { 1, 16, 64 }, runs.Select(r => r.MaxConcurrency));
        Assert.All(runs, r => Assert.Equal(BenchmarkFileFormat.JsonLines, r.Format));
        Assert.Equal(9.25, runs[0].TimePerOutputToken!.MeanMs);
        Assert.Equal(398.0, runs[1].TimeToFirstToken!.Percentiles.At(99));
        Assert.Equal(Single(VllmJson) with { Format = BenchmarkFileFormat.JsonLines, Line = 3, File = VllmJsonLines }, runs[2]);
    }

    [Fact]
    public void Older_benchmark_serving_counts_failures_from_errors_and_reads_the_colon_goodput_key()
    {
        var reading = Read(VllmOld);
        var run = Assert.Single(reading.Runs);
        Assert.Equal(7, run.CompletedRequests);
        Assert.Equal(1, run.FailedRequests); // no "failed" key: one non-empty entry in "errors"
        Assert.Null(run.MaxConcurrency);
        Assert.Equal(2048.0, run.InputTokensPerRequest);
        Assert.Equal(128.0, run.OutputTokensPerRequest);
        Assert.Equal("vllm", run.Backend);
        var failed = OneProblem(reading, MeasurementSeverity.Warning, "failed");
        Assert.Contains("1 of 8 requests failed", failed.Message);
        Assert.Single(reading.Problems); // the failed request's 0 in output_lens is not a zero-length output

        var withGoodput = Single(VllmOld, Sample(VllmOld).Replace("\"request_goodput:\": null", "\"request_goodput:\": 1.75"));
        Assert.Equal(1.75, withGoodput.GoodputRequestsPerSecond);
    }

    [Fact]
    public void Trtllm_bench_report_json_reads_the_parallel_shape_and_gpu()
    {
        var (runs, problems) = Read(TrtllmJson);
        Assert.Empty(problems);
        var run = Assert.Single(runs);
        Assert.Equal(BenchmarkTool.TrtllmBench, run.Tool);
        Assert.Equal("meta-llama/Llama-3.1-405B-Instruct-FP8", run.ModelId);
        Assert.Equal("0.21.0", run.ToolVersion);
        Assert.Equal("Pytorch", run.Backend);
        Assert.Equal((8, 1, 1, 8), (run.TensorParallel, run.PipelineParallel, run.ExpertParallel, run.GpuCount));
        Assert.Equal("NVIDIA H200", run.GpuName);
        Assert.Equal(1024, run.CompletedRequests);
        Assert.Null(run.FailedRequests);
        Assert.Equal(61.875, run.MeanConcurrency);
        Assert.Equal(96.1255, run.DurationSeconds!.Value, 12);
        Assert.Equal((2048.0, 128.0), (run.InputTokensPerRequest, run.OutputTokensPerRequest));
        Assert.Equal(1024 * 128 / 96.1255, run.OutputTokensPerSecond);
        Assert.Equal(1024 * 2176 / 96.1255, run.TotalTokensPerSecond);
        Assert.Equal(728.5, run.TimeToFirstToken!.MeanMs);
        Assert.Equal(650.25, run.TimeToFirstToken.MedianMs);
        Assert.Equal(1890.0, run.TimeToFirstToken.Percentiles.At(99));
        Assert.Equal((120.25, 2210.5), (run.TimeToFirstToken.MinMs!.Value, run.TimeToFirstToken.MaxMs!.Value));
        Assert.Equal(40.0, run.TimePerOutputToken!.MeanMs);
        Assert.Equal(45.0, run.TimePerOutputToken.Percentiles.At(99));
        Assert.Equal(5808.25, run.EndToEndLatency!.MeanMs);
        Assert.Equal(new[] { 50.0, 90, 95, 99 }, run.EndToEndLatency.Percentiles.Select(p => p.Rank));
    }

    [Fact]
    public void Trtllm_bench_text_report_gives_the_figures_of_its_json_to_four_decimals()
    {
        var text = Single(TrtllmText);
        var json = Single(TrtllmJson);
        Assert.Equal(BenchmarkFileFormat.Text, text.Format);
        Assert.Equal((json.ModelId, json.ToolVersion, json.TensorParallel, json.PipelineParallel, json.ExpertParallel), (text.ModelId, text.ToolVersion, text.TensorParallel, text.PipelineParallel, text.ExpertParallel));
        Assert.Equal((json.CompletedRequests, json.MeanConcurrency, json.InputTokensPerRequest, json.OutputTokensPerRequest),
            (text.CompletedRequests, text.MeanConcurrency, text.InputTokensPerRequest, text.OutputTokensPerRequest));
        Assert.Equal(json.RequestsPerSecond!.Value, text.RequestsPerSecond!.Value, 4);
        Assert.Equal(json.OutputTokensPerSecond!.Value, text.OutputTokensPerSecond!.Value, 4);
        Assert.Equal(json.TotalTokensPerSecond!.Value, text.TotalTokensPerSecond!.Value, 4);
        Assert.Equal(json.DurationSeconds!.Value, text.DurationSeconds!.Value, 7);
        Assert.Equal(json.TimeToFirstToken, text.TimeToFirstToken);
        Assert.Equal(json.TimePerOutputToken, text.TimePerOutputToken);
        Assert.Equal(json.EndToEndLatency, text.EndToEndLatency);
        Assert.Null(text.GpuName); // the text report does not name the GPU
    }

    [Fact]
    public void Older_trtllm_text_report_token_throughput_is_output_tokens_per_second()
    {
        const string report = """
            [11/01/2024-10:32:46] [TRT-LLM] [I] TP Size:		4
            ===========================================================
            = PERFORMANCE OVERVIEW
            ===========================================================
            Number of requests:		1000
            Average Input Length (tokens):	2048.0000
            Average Output Length (tokens):	2048.0000
            Token Throughput (tokens/sec):	1585.7480
            Request Throughput (req/sec):	0.7743
            Total Latency (ms):		1291504.1051
            """;
        var run = Single("old.log", report);
        Assert.Equal(1585.748, run.OutputTokensPerSecond);
        Assert.Null(run.TotalTokensPerSecond);
        Assert.Equal(4, run.TensorParallel); // behind a timestamped log prefix
        Assert.Equal(1291.5041051, run.DurationSeconds!.Value, 9);
    }

    [Fact]
    public void GenAi_perf_json_reads_its_metrics_and_input_config()
    {
        var (runs, problems) = Read(GenAiPerfJson);
        Assert.Empty(problems);
        var run = Assert.Single(runs);
        Assert.Equal(BenchmarkTool.GenAiPerf, run.Tool);
        Assert.Equal("RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8", run.ModelId);
        Assert.Equal("chat", run.Backend);
        Assert.Equal(16, run.MaxConcurrency);
        Assert.Null(run.RequestRatePerSecond);
        Assert.Equal(2.4140625, run.RequestsPerSecond);
        Assert.Equal(1235.2, run.OutputTokensPerSecond);
        Assert.Equal((1024.0, 511.5), (run.InputTokensPerRequest, run.OutputTokensPerRequest));
        Assert.Equal(178.25, run.TimeToFirstToken!.MeanMs);
        Assert.Equal(160.75, run.TimeToFirstToken.MedianMs); // p50
        Assert.Equal(70.125, run.TimeToFirstToken.StdMs);
        Assert.Equal(new[] { 1.0, 5, 10, 25, 50, 75, 90, 95, 99 }, run.TimeToFirstToken.Percentiles.Select(p => p.Rank));
        Assert.Equal(12.625, run.TimePerOutputToken!.MeanMs); // GenAI-Perf's inter token latency
        Assert.Null(run.InterTokenLatency);
        Assert.Equal(6626.5, run.EndToEndLatency!.MeanMs);
        Assert.Null(run.CompletedRequests); // GenAI-Perf does not count them
    }

    [Fact]
    public void GenAi_perf_csv_reads_thousands_separators_to_the_json_figures()
    {
        var (runs, problems) = Read(GenAiPerfCsv);
        Assert.Empty(problems);
        var csv = Assert.Single(runs);
        var json = Single(GenAiPerfJson);
        Assert.Equal(BenchmarkFileFormat.Csv, csv.Format);
        Assert.Equal(6626.5, csv.EndToEndLatency!.MeanMs); // "6,626.50"
        Assert.Equal(7320.25, csv.EndToEndLatency.Percentiles.At(99)); // "7,320.25"
        Assert.Equal(1024.0, csv.InputTokensPerRequest); // "1,024.00"
        Assert.Equal(json.RequestsPerSecond!.Value, csv.RequestsPerSecond!.Value, 2);
        Assert.Equal(json.OutputTokensPerSecond, csv.OutputTokensPerSecond);
        Assert.Equal(json.TimeToFirstToken!.MeanMs, csv.TimeToFirstToken!.MeanMs);
        Assert.Equal(json.TimeToFirstToken.Percentiles.At(99), csv.TimeToFirstToken.Percentiles.At(99));
        Assert.Null(csv.ModelId); // the CSV has no input_config
    }

    [Fact]
    public void AiPerf_json_reads_counts_duration_and_nested_config()
    {
        const string export = """
            {"schema_version": "1.0",
             "request_throughput": {"unit": "requests/sec", "avg": 13.16},
             "request_latency": {"unit": "ms", "avg": 6550.36, "p50": 5799.9, "p99": 9381.63, "min": 4996.25, "max": 9383.37, "std": 1171.14},
             "time_to_first_token": {"unit": "ms", "avg": 1588.8, "p50": 787.54},
             "inter_token_latency": {"unit": "ms", "avg": 51.76, "p99": 55.87},
             "output_token_throughput": {"unit": "tokens/sec", "avg": 1274.63},
             "input_sequence_length": {"unit": "tokens", "avg": 550.0},
             "output_sequence_length": {"unit": "tokens", "avg": 96.85, "min": 91.0},
             "benchmark_duration": {"unit": "sec", "avg": 15.2},
             "request_count": {"unit": "requests", "avg": 200.0},
             "error_request_count": {"unit": "requests", "avg": 3.0},
             "input_config": {"endpoint": {"model_names": ["openai/gpt-oss-20b"], "type": "chat"}, "loadgen": {"concurrency": 100}}}
            """;
        var reading = Read("profile_export_aiperf.json", export);
        var run = Assert.Single(reading.Runs);
        Assert.Equal(BenchmarkTool.AiPerf, run.Tool);
        Assert.Equal(("openai/gpt-oss-20b", "chat", 100), (run.ModelId!, run.Backend!, run.MaxConcurrency!.Value));
        Assert.Equal((200, 3, 15.2), (run.CompletedRequests!.Value, run.FailedRequests!.Value, run.DurationSeconds!.Value));
        Assert.Equal(55.87, run.TimePerOutputToken!.Percentiles.At(99));
        OneProblem(reading, MeasurementSeverity.Warning, "error_request_count");
    }

    // ---- Broken and foreign files: each gives the right problem, naming the file, the line and the field. ----

    [Fact]
    public void Malformed_json_is_an_error_with_its_line()
    {
        var reading = Read("bad.json", "{\n  \"completed\": 10,\n  \"duration\": oops\n}");
        var problem = Assert.Single(reading.Problems);
        Assert.Equal((MeasurementSeverity.Error, "bad.json", 3), (problem.Severity, problem.File, problem.Line));
        Assert.Contains("not valid JSON", problem.Message);
        Assert.Empty(reading.Runs);
        Assert.StartsWith("bad.json(3): error: ", problem.ToString());
    }

    [Fact]
    public void Truncated_sample_is_an_error_not_a_partial_run()
    {
        string text = Sample(TrtllmJson);
        var reading = Read(TrtllmJson, text.Substring(0, text.Length / 2));
        Assert.Empty(reading.Runs);
        var problem = Assert.Single(reading.Problems);
        Assert.Equal(MeasurementSeverity.Error, problem.Severity);
        Assert.Contains("not valid JSON", problem.Message);
    }

    [Theory]
    [InlineData("{\"model_type\": \"llama\", \"hidden_size\": 8192}", "does not recognise")]
    [InlineData("[{\"benchmark\": {\"name\": \"vLLM benchmark\"}}]", "JSON array")]
    [InlineData("name,value\nfoo,1\n", "not a benchmark result")]
    [InlineData("", "empty")]
    [InlineData("   \n\t", "empty")]
    public void Foreign_files_are_errors(string text, string message)
    {
        var reading = Read("other.file", text);
        Assert.Empty(reading.Runs);
        var problem = Assert.Single(reading.Problems);
        Assert.Equal(MeasurementSeverity.Error, problem.Severity);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void A_run_with_no_completed_request_is_an_error_on_completed()
    {
        var reading = Read(VllmJson, Sample(VllmJson).Replace("\"completed\": 640, \"failed\": 0", "\"completed\": 0, \"failed\": 640"));
        Assert.Empty(reading.Runs);
        Assert.Contains("no request completed (640 failed)", OneProblem(reading, MeasurementSeverity.Error, "completed").Message);
    }

    [Fact]
    public void Failed_requests_are_a_warning_and_the_run_is_kept()
    {
        var reading = Read(VllmJson, Sample(VllmJson).Replace("\"failed\": 0", "\"failed\": 12"));
        Assert.Equal(12, Assert.Single(reading.Runs).FailedRequests);
        Assert.Contains("12 of 652 requests failed", OneProblem(reading, MeasurementSeverity.Warning, "failed").Message);
    }

    [Fact]
    public void Zero_output_tokens_skip_the_run_with_a_warning()
    {
        var reading = Read(VllmJson, Sample(VllmJson).Replace("\"total_output_tokens\": 327680", "\"total_output_tokens\": 0"));
        Assert.Empty(reading.Runs);
        OneProblem(reading, MeasurementSeverity.Warning, "total_output_tokens");

        var trtllm = Read(TrtllmJson, Sample(TrtllmJson).Replace("\"avg_output_length\": 128.0", "\"avg_output_length\": 0.0"));
        Assert.Empty(trtllm.Runs);
        OneProblem(trtllm, MeasurementSeverity.Warning, "request_info.avg_output_length");
    }

    [Fact]
    public void Completed_requests_with_no_token_are_a_warning()
    {
        string text = Sample(VllmOld).Replace("\"output_lens\": [128, 128,", "\"output_lens\": [0, 128,");
        var reading = Read(VllmOld, text);
        Assert.Single(reading.Runs);
        Assert.Contains("1 completed requests generated no token", OneProblem(reading, MeasurementSeverity.Warning, "output_lens").Message);

        var genai = Read(GenAiPerfJson, Sample(GenAiPerfJson).Replace("\"min\": 498.0", "\"min\": 0.0"));
        Assert.Single(genai.Runs);
        OneProblem(genai, MeasurementSeverity.Warning, "output_sequence_length");
    }

    [Fact]
    public void Unknown_latency_keys_are_warnings_and_ignored()
    {
        string text = Sample(VllmJson).Replace("\"p99.9_ttft_ms\"", "\"p150_ttft_ms\"").Replace("\"mean_itl_ms\"", "\"mean_queue_ms\"").Replace("\"std_e2el_ms\"", "\"sd_e2el_ms\"");
        var reading = Read(VllmJson, text);
        var run = Assert.Single(reading.Runs);
        Assert.Null(run.TimeToFirstToken!.Percentiles.At(99.9));
        Assert.Null(run.InterTokenLatency!.MeanMs);
        Assert.Null(run.EndToEndLatency!.StdMs);
        Assert.All(new[] { "p150_ttft_ms", "mean_queue_ms", "sd_e2el_ms" }, key => OneProblem(reading, MeasurementSeverity.Warning, key));
        Assert.Equal(3, reading.Problems.Count);
    }

    [Theory]
    [InlineData("\"duration\": 118.4167, ", "", "duration", "missing field")]
    [InlineData("\"completed\": 640", "\"completed\": \"640\"", "completed", "must be a number")]
    [InlineData("\"completed\": 640", "\"completed\": 640.5", "completed", "whole number")]
    [InlineData("\"output_throughput\": ", "\"output_throughput\": -", "output_throughput", "cannot be negative")]
    public void A_required_field_missing_or_of_the_wrong_type_is_an_error(string from, string to, string field, string message)
    {
        var reading = Read(VllmJson, Sample(VllmJson).Replace(from, to));
        Assert.Empty(reading.Runs);
        Assert.Contains(message, OneProblem(reading, MeasurementSeverity.Error, field).Message);
    }

    [Fact]
    public void Python_nan_in_a_report_is_a_warning_on_its_field()
    {
        var reading = Read(TrtllmJson, Sample(TrtllmJson).Replace("\"p99\": 1890.0", "\"p99\": NaN").Replace("\"avg_tpot_ms\": 40.0", "\"avg_tpot_ms\": Infinity"));
        var run = Assert.Single(reading.Runs);
        Assert.Null(run.TimeToFirstToken!.Percentiles.At(99));
        Assert.Equal(40.0, run.TimePerOutputToken!.MeanMs); // the tpot_percentiles block's average still stands
        Assert.Contains("NaN", OneProblem(reading, MeasurementSeverity.Warning, "streaming_metrics.ttft_percentiles.p99").Message);
        Assert.Contains("Infinity", OneProblem(reading, MeasurementSeverity.Warning, "streaming_metrics.avg_tpot_ms").Message);
    }

    [Fact]
    public void Trtllm_text_report_that_stops_after_its_header_is_an_error()
    {
        string text = Sample(TrtllmText);
        var reading = Read(TrtllmText, text.Substring(0, text.IndexOf("= PERFORMANCE OVERVIEW", StringComparison.Ordinal)));
        Assert.Empty(reading.Runs);
        Assert.Contains("stops before its performance figures", Assert.Single(reading.Problems).Message);
    }

    [Fact]
    public void A_broken_line_of_a_jsonl_file_skips_that_run_only()
    {
        string[] lines = Sample(VllmJsonLines).Split('\n');
        lines[1] = lines[1].Substring(0, 40);
        var reading = Read(VllmJsonLines, string.Join("\n", lines));
        Assert.Equal(new[] { 1, 3 }, reading.Runs.Select(r => r.Line));
        var problem = Assert.Single(reading.Problems);
        Assert.Equal((MeasurementSeverity.Error, 2), (problem.Severity, problem.Line));
    }

    [Fact]
    public void A_unit_that_contradicts_the_metric_is_a_warning_and_a_time_metric_in_another_unit_is_converted()
    {
        string text = Sample(GenAiPerfJson)
            .Replace("\"unit\": \"tokens/sec\",\n    \"avg\": 1235.2", "\"unit\": \"requests/sec\",\n    \"avg\": 1235.2");
        var reading = Read(GenAiPerfJson, text);
        Assert.Equal(1235.2, Assert.Single(reading.Runs).OutputTokensPerSecond);
        OneProblem(reading, MeasurementSeverity.Warning, "output_token_throughput.unit");

        const string seconds = """
            {"request_throughput": {"unit": "requests/sec", "avg": 2.0}, "output_token_throughput": {"unit": "tokens/sec", "avg": 200.0},
             "input_sequence_length": {"unit": "tokens", "avg": 100.0}, "output_sequence_length": {"unit": "tokens", "avg": 100.0},
             "time_to_first_token": {"unit": "s", "avg": 0.25, "p99": 0.5}, "request_latency": {"unit": "furlongs", "avg": 1.0}}
            """;
        var converted = Read("x_genai_perf.json", seconds);
        Assert.Empty(converted.Runs); // a time metric in an unknown unit cannot be read
        OneProblem(converted, MeasurementSeverity.Error, "request_latency.unit");
        var run = Single("x_genai_perf.json", seconds.Replace("furlongs", "ns"));
        Assert.Equal((250.0, 500.0), (run.TimeToFirstToken!.MeanMs!.Value, run.TimeToFirstToken.Percentiles.At(99)!.Value));
        Assert.Equal(1e-6, run.EndToEndLatency!.MeanMs);
    }

    [Fact]
    public void Csv_numbers_with_misplaced_separators_are_warnings()
    {
        string text = Sample(GenAiPerfCsv).Replace("\"6,626.50\"", "\"66,26.50\"");
        var reading = Read(GenAiPerfCsv, text);
        Assert.Null(Assert.Single(reading.Runs).EndToEndLatency!.MeanMs);
        var problem = OneProblem(reading, MeasurementSeverity.Warning, "Request Latency (ms), avg");
        Assert.Equal(4, problem.Line);
    }

    // ---- Never throws: truncated and mutated versions of every sample. ----

    [Theory]
    [MemberData(nameof(Samples))]
    public void Truncated_and_mutated_samples_never_throw(string name)
    {
        string text = Sample(name);
        var random = new Random(20251203);
        const string noise = "{}[]\":,.-0123456789eENaIfinty \n\r\t\\u\"p_ms";
        var inputs = new List<string>();
        for (int cut = 0; cut <= text.Length; cut += Math.Max(1, text.Length / 200))
        {
            inputs.Add(text.Substring(0, cut));
        }

        for (int i = 0; i < 400; i++)
        {
            var chars = text.ToCharArray();
            for (int edits = random.Next(1, 6); edits > 0; edits--)
            {
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
            }

            inputs.Add(new string(chars));
            int at = random.Next(text.Length);
            inputs.Add(text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at)));
        }

        foreach (string input in inputs)
        {
            var reading = BenchmarkFiles.Read(name, input);
            Assert.All(reading.Problems, p => Assert.Equal(name, p.File));
            Assert.All(reading.Problems, p => Assert.True(p.Line >= 1, p.ToString()));
            Assert.All(reading.Runs, r => Assert.True(r.RequestsPerSecond is null or >= 0 && r.OutputTokensPerRequest is null or > 0, name));
        }
    }
}
