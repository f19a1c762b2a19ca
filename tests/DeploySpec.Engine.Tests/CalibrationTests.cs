using System.IO;
using System.Reflection;
using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Engine.Tests;

public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_calibration_file_is_read_whole_and_fitted_to_a_median_error_under_25_percent()
    {
        // A guard that the fit means something on every file (a model that lost a term, or a file read wrong, is off by
        // far more), not the accuracy figure: that is the cross-validated error in docs/accuracy.md, where the in-sample
        // medians are too.
        var report = Calibrator.Report(CalibrationData.All(), CostCalibration.Default);
        foreach (var p in report.Points)
        {
            output.WriteLine($"{p.Point.Label,-60} {p.Point.Metric,-18} measured {p.Point.Measured,9:F1} predicted {p.Predicted,9:F1} ({p.RelativeError,7:P1})");
        }

        Assert.Equal(27, report.Points.Count(p => p.Point.File == CalibrationData.HopperFile));
        Assert.Equal(14, report.Points.Count(p => p.Point.File == CalibrationData.BlackwellFile));
        Assert.Equal(29, report.Points.Count(p => p.Point.File == CalibrationData.LatencyFile));
        Assert.Equal(585, report.Points.Count(p => p.Point.File == "trtllm-perf-overview.csv"));
        Assert.Equal(30, report.Points.Count(p => p.Point.File == "engines-online.csv"));
        // Throughput and inter-token latency of each SGLang run, less the stalled runs' throughput (check/inferencex-stalled.csv).
        Assert.Equal(2 * 118 - 17, report.Points.Count(p => p.Point.File == "inferencex-online.csv"));
        Assert.Equal(2 * 139 - 1, report.Points.Count(p => p.Point.File == "inferencex-trtllm-serve.csv")); // the same of each TensorRT-LLM trtllm-serve run
        foreach (string file in CalibrationData.Files.Concat(CalibrationData.PublishedFiles))
        {
            output.WriteLine($"{file}: median |error| {report.Median(file):P1}");
            Assert.True(report.Median(file) <= 0.25, $"{file}: median |error| {report.Median(file):P1}");
        }
    }

    [Fact]
    public void Stored_calibration_is_what_the_fit_produces_from_the_data()
    {
        var fitted = Calibrator.Fit(CalibrationData.All());
        var stored = CostCalibration.Default;
        Assert.NotNull(fitted.BlackwellRtx);
        Assert.NotNull(stored.BlackwellRtx);
        foreach (var (f, s) in new[] { (fitted.Hopper, stored.Hopper), (fitted.Blackwell, stored.Blackwell), (fitted.BlackwellRtx!, stored.BlackwellRtx!) })
        {
            AssertClose(f.Matmul, s.Matmul);
            AssertClose(f.WeightStream, s.WeightStream);
            AssertClose(f.KvStream, s.KvStream);
            AssertClose(f.Collective, s.Collective);
            Assert.True(Math.Abs(f.MatmulHalfSaturationTokens - s.MatmulHalfSaturationTokens) <= 1e-6, $"{f.MatmulHalfSaturationTokens} vs {s.MatmulHalfSaturationTokens}");
        }

        AssertClose(fitted.CollectiveLatencySeconds, stored.CollectiveLatencySeconds);
        AssertClose(fitted.Experts!.ComputeFactor, stored.Experts!.ComputeFactor);
        AssertClose(fitted.Experts.WeightStream, stored.Experts.WeightStream);
        foreach (var engine in new[] { ServingEngine.TensorRtLlm, ServingEngine.Vllm, ServingEngine.Sglang })
        {
            Assert.True(stored.Measured(engine), $"{engine} has rows in the fit");
            AssertClose(fitted.Runtime(engine).StepOverheadSeconds, stored.Runtime(engine).StepOverheadSeconds);
            AssertClose(fitted.Runtime(engine).StepSecondsPerSequence, stored.Runtime(engine).StepSecondsPerSequence);
            AssertClose(fitted.Runtime(engine).ExpertTimeFactor, stored.Runtime(engine).ExpertTimeFactor);
        }
    }

    [Fact]
    public void A_fit_without_some_rows_names_the_factors_it_could_not_learn()
    {
        var full = CostCalibration.Default;
        Assert.Empty(Calibrator.Unidentified(full, full));

        // What a fit without the MoE rows and without any Blackwell row looks like: the expert factors and SGLang's
        // runtime unfitted, Blackwell on Hopper's efficiencies.
        var unfitted = full with { Experts = null, Sglang = null, Blackwell = full.Hopper };
        Assert.Equal(
            new[] { "Blackwell's efficiencies (Hopper's)", "expert factors (dense ones)", "SGLang's runtime (TensorRT-LLM's)" },
            Calibrator.Unidentified(unfitted, full));

        // A factor pushed to a bound of its range where the full fit is not (Blackwell's collective efficiency at its
        // 0.20 floor, as with the FP4 rows left out); one at the bound in both fits is not news (TensorRT-LLM's
        // per-sequence step sits within 1% of its range, in log units, of its 10 µs ceiling in the full fit).
        Assert.InRange(full.TensorRtLlm.StepSecondsPerSequence, 9.4e-6, 1e-5);
        var pushed = full with
        {
            Blackwell = full.Blackwell with { Collective = 0.2005 },
            TensorRtLlm = full.TensorRtLlm with { StepSecondsPerSequence = 1e-5 },
        };
        Assert.Equal(new[] { "Blackwell's collective efficiency at its floor" }, Calibrator.Unidentified(pushed, full));
        Assert.Empty(Calibrator.Unidentified(full with { Blackwell = full.Blackwell with { Collective = 0.3 } }, full));
    }

    [Fact]
    public void The_catalog_marks_measured_exactly_the_weight_formats_the_calibration_data_ran_on_each_GPU()
    {
        var measured = CalibrationData.All()
            .Select(p => (Gpu: GpuCatalog.Of(p.Deployment.Cluster).Kind, p.Deployment.Model.Weights))
            .Distinct()
            .ToHashSet();
        foreach (var spec in GpuCatalog.All)
        {
            foreach (Precision weights in Enum.GetValues(typeof(Precision)))
            {
                Assert.True(measured.Contains((spec.Kind, weights)) == spec.Measured(weights),
                    $"{spec.Name} {weights}: the data {(measured.Contains((spec.Kind, weights)) ? "has" : "has no")} rows, the catalog says {(spec.Measured(weights) ? "measured" : "not measured")}");
            }
        }
    }

    [Fact]
    public void Fitted_efficiencies_stay_within_measured_physical_ceilings()
    {
        foreach (var g in new[] { CostCalibration.Default.Hopper, CostCalibration.Default.Blackwell })
        {
            Assert.InRange(g.Matmul, 0.2, Calibrator.MaxMatmulEfficiency);
            Assert.InRange(g.WeightStream, 0.2, Calibrator.MaxBandwidthEfficiency);
            Assert.InRange(g.KvStream, 0.2, Calibrator.MaxBandwidthEfficiency);
            Assert.InRange(g.Collective, 0.2, Calibrator.MaxBandwidthEfficiency);
        }
    }

    [Theory]
    [InlineData(CalibrationData.HopperFile)]
    [InlineData(CalibrationData.BlackwellFile)]
    [InlineData(CalibrationData.LatencyFile)]
    public void Embedded_calibration_data_is_identical_to_the_shared_calibration_folder(string file)
    {
        string root = RepositoryRoot();
        string shared = Path.GetFullPath(Path.Combine(root, "..", "shared", "calibration", file));
        string embedded = Path.Combine(root, "tools", "DeploySpec.Calibration", file);
        Assert.True(File.Exists(embedded));
        if (!File.Exists(shared))
        {
            output.WriteLine($"{shared} is not present on this machine; compared nothing.");
            return;
        }

        Assert.Equal(File.ReadAllText(shared), File.ReadAllText(embedded));
    }

    /// <summary>
    /// trtllm-bench's batch limit, worked by hand from tensorrt_llm/bench/build/tuning.py (calc_engine_setting,
    /// finetune_setting): requests = 0.95 (GPUs x memory - parameters x bytes) / (2 x layers x max(TP, KV heads) x head
    /// dim x KV bytes x (ISL + OSL)), capped at 4096, over PP, rounded up. 70B FP8 alone on an H100: 38.6 requests, raised
    /// to the floor of 64. 70B FP4 on 8 x B200 at 20000/2000: 396.1, rounded up to 512. 405B FP8 PP8 on 8 x H200 at
    /// 2048/128: 1353.8 / 8 = 169.2 per micro-batch, rounded up to 192, eight micro-batches in flight. 8B on an H200
    /// at 128/128: far more than the cap. Its token budget (max_num_tokens) is the unrounded batch x (1 + ISL/OSL),
    /// capped at 32768: 41.0 raised to the floor of 2048; 4357.1 rounded up to 4608 (512s between 4096 and 8192);
    /// 2876.4 rounded up to 3072 (256s below 4096); 4096 x 2 = 8192.
    /// </summary>
    [Theory]
    [InlineData("Llama 3.1 70B,H100,1,1,1,FP8,128,2048,1.0", 64, 2048)]
    [InlineData("Llama 3.1 70B,B200,8,8,1,FP4,20000,2000,1.0", 512, 4608)]
    [InlineData("Llama 3.1 405B,H200,8,1,8,FP8,2048,128,1.0", 8 * 192, 3072)]
    [InlineData("Llama 3.1 8B,H200,1,1,1,FP8,128,128,1.0", 4096, 8192)]
    public void Offline_TensorRT_LLM_rows_run_at_the_batch_limit_trtllm_bench_sets(string row, int limit, int tokens)
    {
        var point = Assert.Single(CalibrationData.Parse("header\n" + row));
        Assert.Equal(limit, point.Deployment.MaxBatchSize);
        Assert.Equal(tokens, point.Deployment.MaxBatchedTokens);
    }

    /// <summary>
    /// An offline figure is a finite benchmark: the performance overview's $num_requests of uniform length, queued at
    /// once, run in waves of the plan's capacity. Up to capacity it is the closed-loop figure at that many requests; a
    /// whole number of waves gives the figure at capacity; one request more than a wave adds a second wave of one
    /// request that runs its whole output length, which costs far more than one request's share.
    /// </summary>
    [Fact]
    public void Offline_figures_are_predicted_as_the_finite_benchmark_that_measured_them()
    {
        var point = Assert.Single(CalibrationData.Parse("header\nLlama 3.1 70B,H100,1,1,1,FP8,1000,1000,1.0"));
        Assert.Equal(3000, CalibrationData.BenchmarkRequests(point));
        Assert.Equal(1500, CalibrationData.BenchmarkRequests(point with { Deployment = point.Deployment with { InputTokens = 1024, OutputTokens = 8192 } }));
        // 1024/2048 is in no table: read as its near twin 1000/2000.
        Assert.Equal(1500, CalibrationData.BenchmarkRequests(point with { Deployment = point.Deployment with { InputTokens = 1024, OutputTokens = 2048 } }));
        Assert.Equal(0, CalibrationData.BenchmarkRequests(point with { Deployment = point.Deployment with { InputTokens = 3000, OutputTokens = 3000 } }));
        Assert.Equal(0, CalibrationData.BenchmarkRequests(point with { Concurrency = 64, Metric = Metric.InterTokenLatency }));

        var costs = Calibrator.Evaluate(point.Deployment, CostCalibration.Default).Costs;
        int capacity = costs.MaxConcurrency;
        int osl = point.Deployment.OutputTokens;
        double AtLoad(int inFlight) => CostEvaluator.Evaluate(costs, inFlight).OutputTokensPerSecond;
        Assert.Equal(AtLoad(capacity / 2), Calibrator.FiniteBenchmarkThroughput(costs, capacity / 2, osl), 6);
        Assert.Equal(AtLoad(capacity), Calibrator.FiniteBenchmarkThroughput(costs, 3 * capacity, osl), 6);
        double oneMore = Calibrator.FiniteBenchmarkThroughput(costs, capacity + 1, osl);
        Assert.Equal((capacity + 1.0) * osl / (capacity * (double)osl / AtLoad(capacity) + osl / AtLoad(1)), oneMore, 6);
        Assert.True(oneMore < 0.95 * AtLoad(capacity), $"{oneMore} tok/s against {AtLoad(capacity)} at capacity {capacity}");
    }

    /// <summary>
    /// A closed-loop throughput that its own inter-token latency contradicts (below
    /// <see cref="CalibrationData.StalledThroughputShare"/> of concurrency over ITL) is a stall of that run: such figures,
    /// and only those, are in check/inferencex-stalled.csv instead of the fit, and their inter-token latency stays in.
    /// </summary>
    [Fact]
    public void InferenceX_throughput_that_its_own_latency_contradicts_is_kept_out_of_the_fit()
    {
        var inferenceX = CalibrationData.All().Where(p => p.File is CalibrationData.InferenceXOnlineFile or CalibrationData.InferenceXTrtllmServeFile).ToList();
        // A row is its source (which names the run and the concurrency) and its label (engine, model, GPU, split, lengths).
        static string Row(CalibrationPoint p) => p.Source + "|" + p.Label + "|" + p.Weights;
        var itl = inferenceX.Where(p => p.Metric == Metric.InterTokenLatency).ToDictionary(Row);
        double Share(CalibrationPoint throughput) => throughput.Measured / (throughput.Concurrency / (itl[Row(throughput)].Measured / 1000.0));

        var fitted = inferenceX.Where(p => p.Metric == Metric.Throughput).ToList();
        Assert.All(fitted, p => Assert.True(Share(p) >= CalibrationData.StalledThroughputShare, $"{p.Label}: {Share(p):F2}"));
        var stalled = CalibrationData.Check("inferencex-stalled.csv");
        Assert.Equal(18, stalled.Count);
        Assert.All(stalled, p =>
        {
            Assert.Equal(Metric.Throughput, p.Metric);
            Assert.True(Share(p) < CalibrationData.StalledThroughputShare, $"{p.Label}: {Share(p):F2}");
            Assert.DoesNotContain(fitted, f => Row(f) == Row(p));
        });
        Assert.Equal(257, fitted.Count + stalled.Count);
    }

    [Fact]
    public void Latency_rows_read_every_measured_figure_and_skip_the_empty_ones()
    {
        var latency = CalibrationData.Latency();
        Assert.Equal(9 * 3 + 2, latency.Count);
        Assert.All(latency.Where(p => p.Label.StartsWith("trtllm-0.9", StringComparison.Ordinal)), p => Assert.Equal(Metric.TimeToFirstToken, p.Metric));
        Assert.Contains(latency, p => p.Concurrency == 250 && p.Metric == Metric.TimeToFirstToken && p.Measured == 88605.32);
    }

    [Fact]
    public void Csv_parser_rejects_malformed_rows()
    {
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 3.1 8B,H200,1,1,1,FP8,128,128"));
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 9,H200,1,1,1,FP8,128,128,1.0"));
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 3.1 8B,V100,1,1,1,FP8,128,128,1.0"));
        Assert.Throws<FormatException>(() => CalibrationData.Parse("header\nLlama 3.1 8B,H100,1,1,1,INT3,128,128,1.0"));
        Assert.Throws<FormatException>(() => CalibrationData.ParseLatency("header\nnim,Llama 3.1 8B,H100,1,1,1,FP8,FP8,128,128,1,10"));
        const string Row = "TensorRT-LLM,Llama 3.1 8B,H100,1,1,1,1,FP8,FP8,128,128,,1000,,,";
        Assert.Single(CalibrationData.ParsePublished("header\nsome page," + Row, "x.csv"));
        Assert.Throws<FormatException>(() => CalibrationData.ParsePublished("header\n," + Row, "x.csv")); // no source
        Assert.Throws<FormatException>(() => CalibrationData.ParsePublished("header\nsome page," + Row.Replace("TensorRT-LLM", "Triton"), "x.csv"));
        Assert.Throws<FormatException>(() => CalibrationData.ParsePublished("header\nsome page," + Row + ",extra", "x.csv"));
    }

    internal static string RepositoryRoot() =>
        typeof(CalibrationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected:R}, stored {actual:R}");
}
