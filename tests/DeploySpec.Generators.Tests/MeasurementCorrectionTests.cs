using System.Globalization;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Tests.Shared;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>
/// [Deployment(Measurements = ...)] end to end: the generator reads the named files, matches the runs and corrects the
/// one cost model; the correction travels in the spec, so generated code restores the corrected table (docs/measurements.md).
/// </summary>
public class MeasurementCorrectionTests
{
    private const string Checkpoint = "nvidia/Llama-3.1-70B-Instruct-FP8";
    private const int Concurrency = 64;

    private static string Project(string measurements) => $$"""
        using DeploySpec;

        [Model(Name = "Llama 3.1 70B", Checkpoint = "{{Checkpoint}}", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
               IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama70B { }

        [Cluster(Gpu = Gpu.H100Sxm)]
        public partial class HgxH100 { }

        [Deployment(typeof(Llama70B), typeof(HgxH100), InputTokens = 1024, OutputTokens = 512, TensorParallel = 8{{measurements}})]
        public partial class Assistant { }
        """;

    private static readonly string Plain = Project("");
    private static readonly string Measured = Project(", Measurements = \"bench/*.json\"");

    /// <summary>A vLLM `bench serve --save-result` file whose figures are the uncorrected model's at 64 in flight, <paramref name="slower"/> times slower.</summary>
    private static string VllmResult(PerformanceEstimate model, double slower, string modelId = Checkpoint)
    {
        double ttft = model.TimeToFirstTokenMs * slower, tpot = model.TimePerOutputTokenMs * slower, throughput = model.OutputTokensPerSecond / slower;
        const int completed = 640;
        double duration = completed * 512 / throughput;
        return string.Format(CultureInfo.InvariantCulture,
            "{{\"backend\": \"vllm\", \"model_id\": \"{0}\", \"num_prompts\": 640, \"request_rate\": \"inf\", \"max_concurrency\": {1}, " +
            "\"duration\": {2:R}, \"completed\": {3}, \"failed\": 0, \"total_input_tokens\": {4}, \"total_output_tokens\": {5}, " +
            "\"request_throughput\": {6:R}, \"output_throughput\": {7:R}, \"total_token_throughput\": {8:R}, " +
            "\"mean_ttft_ms\": {9:R}, \"median_ttft_ms\": {9:R}, \"mean_tpot_ms\": {10:R}, \"median_tpot_ms\": {10:R}, \"mean_itl_ms\": {10:R}}}",
            modelId, Concurrency, duration, completed, completed * 1024, completed * 512, completed / duration, throughput, completed * 1536 / duration, ttft, tpot);
    }

    private static CompiledDeployment Build(string source, params (string Path, string Text)[] files)
    {
        var build = FullBuild.Run(new[] { ("Project.cs", source) }, files);
        Assert.Empty(build.Crashes);
        Assert.Empty(build.DeploySpecErrors);
        var emit = Assert.Single(build.Emits);
        Assert.Null(TableAgreement.Disagreement(emit.Spec, emit.Table)); // what run time restores is what was planned, corrected too
        return build.Restored.Single();
    }

    private static PerformanceEstimate AtLoad(CompiledDeployment d) => d.Estimate(d.Plans.Single(), Concurrency);

    [Fact]
    public void A_file_20_percent_slower_moves_the_estimates_toward_it_within_the_bound()
    {
        var plain = Build(Plain);
        var before = AtLoad(plain);
        Assert.Equal(EstimateProvenance.Calibrated, before.Provenance);

        var corrected = Build(Measured, ("/project/bench/run.json", VllmResult(before, 1.2)));
        var after = AtLoad(corrected);

        Assert.Equal(EstimateProvenance.CalibratedOnProjectMeasurements, after.Provenance);
        foreach (var (b, a, measured) in new[]
        {
            (before.TimePerOutputTokenMs, after.TimePerOutputTokenMs, before.TimePerOutputTokenMs * 1.2),
            (before.TimeToFirstTokenMs, after.TimeToFirstTokenMs, before.TimeToFirstTokenMs * 1.2),
        })
        {
            Assert.True(a > b && a <= b * MeasurementCalibration.MaxFactor * 1.0001, $"before {b}, after {a}");
            Assert.True(Math.Abs(a / measured - 1) < 0.02, $"corrected {a} is not within 2% of the measured {measured}");
        }

        Assert.True(after.OutputTokensPerSecond < before.OutputTokensPerSecond * 0.9);
        Assert.True(after.Uncertainty >= before.Uncertainty, "a correction never narrows the model's own band");

        // The report and the facts say so, with the file.
        var run = Assert.Single(corrected.Facts.Measurements!.Runs);
        Assert.Equal("bench/run.json", run.File);
        Assert.Equal("the deployment's pinned degrees; the file states none", run.PlanSource); // written as its index, read back as the phrase
        Assert.Equal("TP8 x PP1 x DP1", run.Plan);
        Assert.Equal(1.2, run.TimePerOutputTokenMs!.Measured / run.TimePerOutputTokenMs.Before, 6);
        Assert.Contains("calibrated on this project's measurements", corrected.Report.ToMarkdown());
        Assert.Contains("bench/run.json", corrected.Report.ToMarkdown());
    }

    [Fact]
    public void Run_time_derives_each_runs_model_figures_as_the_fit_computed_them()
    {
        // The generated spec stores the runs without the model's figures; the runtime report re-derives them. They
        // must be the compile-time fit's to the last bit (the measured figures are stored at nine significant digits).
        var file = VllmResult(AtLoad(Build(Plain)), 1.2);
        var corrected = Build(Measured, ("/project/bench/run.json", file));
        var fit = Engine.Measurements.MeasurementFit.Fit(corrected.Spec, Parsing.Measurements.BenchmarkFiles.Read("bench/run.json", file).Runs);
        var compiled = Assert.Single(fit.Matched);
        var derived = Assert.Single(corrected.Facts.Measurements!.Runs);
        Assert.Equal(compiled with { TimeToFirstTokenMs = null, TimePerOutputTokenMs = null, OutputTokensPerSecond = null },
            derived with { TimeToFirstTokenMs = null, TimePerOutputTokenMs = null, OutputTokensPerSecond = null });
        foreach (var (c, d) in new[]
        {
            (compiled.TimeToFirstTokenMs!, derived.TimeToFirstTokenMs!),
            (compiled.TimePerOutputTokenMs!, derived.TimePerOutputTokenMs!),
            (compiled.OutputTokensPerSecond!, derived.OutputTokensPerSecond!),
        })
        {
            Assert.Equal(c.Before, d.Before);
            Assert.Equal(c.After, d.After);
            Assert.Equal(c.Measured, d.Measured, c.Measured * 1e-8);
        }
    }

    [Fact]
    public void One_odd_file_cannot_move_an_estimate_past_the_bound()
    {
        var before = AtLoad(Build(Plain));
        var after = AtLoad(Build(Measured, ("/project/bench/run.json", VllmResult(before, 3.0))));
        Assert.Equal(before.TimePerOutputTokenMs * MeasurementCalibration.MaxFactor, after.TimePerOutputTokenMs, 6);
        var faster = AtLoad(Build(Measured, ("/project/bench/run.json", VllmResult(before, 1 / 3.0))));
        Assert.Equal(before.TimePerOutputTokenMs / MeasurementCalibration.MaxFactor, faster.TimePerOutputTokenMs, 6);
    }

    [Fact]
    public void Without_a_matching_run_nothing_changes()
    {
        var plain = Build(Plain);
        var before = AtLoad(plain);
        var foreign = Build(Measured, ("/project/bench/run.json", VllmResult(before, 1.2, modelId: "Qwen/Qwen2.5-72B-Instruct")));
        Assert.Equal(before, AtLoad(foreign));
        Assert.Null(foreign.Facts.Measurements);
        var unnamed = Build(Plain, ("/project/bench/run.json", VllmResult(before, 1.2)));
        Assert.Equal(before, AtLoad(unnamed));
    }

    [Fact]
    public void Broken_files_never_crash_the_generator_and_the_deployment_is_still_planned()
    {
        var before = AtLoad(Build(Plain));
        string good = VllmResult(before, 1.2);
        var rng = new Random(19);
        for (int i = 0; i < 40; i++)
        {
            var text = good.ToCharArray();
            for (int k = 0; k < 1 + i % 5; k++)
            {
                text[rng.Next(text.Length)] = "{}[]\",:0x-e"[rng.Next(11)];
            }

            string mutated = i % 4 == 0 ? good.Substring(0, rng.Next(good.Length)) : new string(text);
            var build = FullBuild.Run(new[] { ("Project.cs", Measured) }, new[] { ("/project/bench/run.json", mutated) });
            Assert.Empty(build.Crashes);
            Assert.Single(build.Emits);
        }
    }

    [Fact]
    public void The_pipeline_reads_only_the_named_files_carries_no_Roslyn_object_and_stays_cached()
    {
        var before = AtLoad(Build(Plain));
        var files = new AdditionalText[]
        {
            new InMemoryAdditionalText("/project/bench/run.json", VllmResult(before, 1.2)),
            new InMemoryAdditionalText("/project/other/run.json", "not read"),
        };
        var run = GeneratorHarness.RunWithFiles(files, Measured); // asserts the rerun is cached and no Roslyn object is carried
        var read = run.Result.Results.Single().TrackedSteps[TrackingNames.MeasurementFiles];
        Assert.Equal(new[] { "/project/bench/run.json" }, read.SelectMany(s => s.Outputs).Select(o => ((Parsing.Measurements.MeasurementFile)o.Value).Path));
    }

    [Fact]
    public void Editing_one_result_file_among_several_rereads_that_file_alone_and_replans_its_deployment()
    {
        var before = AtLoad(Build(Plain));
        var a = new InMemoryAdditionalText("/project/bench/a.json", VllmResult(before, 1.2));
        var b = new InMemoryAdditionalText("/project/bench/b.json", VllmResult(before, 1.2));
        var c = new InMemoryAdditionalText("/project/bench/c.json", VllmResult(before, 1.2));
        var first = GeneratorHarness.RunWithFiles(new AdditionalText[] { a, b, c }, Measured);

        var edited = new InMemoryAdditionalText("/project/bench/b.json", VllmResult(before, 1.3));
        var rerun = first.Driver.ReplaceAdditionalText(b, edited).RunGenerators(TestCompilation.Create(Measured)).GetRunResult().Results.Single();
        var reads = rerun.TrackedSteps[TrackingNames.MeasurementFiles].SelectMany(s => s.Outputs)
            .Select(o => (((Parsing.Measurements.MeasurementFile)o.Value).Path, o.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(3, reads.Count);
        Assert.All(reads.Where(r => r.Path != "/project/bench/b.json"), r => Assert.True(r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Contains(reads, r => r.Path == "/project/bench/b.json" && r.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        Assert.Contains(rerun.TrackedSteps[TrackingNames.Plans].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    private static string[] Reported(params (string Path, string Text)[] files) =>
        FullBuild.Run(new[] { ("Project.cs", Measured) }, files).Diagnostics
            .Where(d => d.Id is "DS1014" or "DS4006")
            .Select(d => d.Id + " " + d.Severity + ": " + d.GetMessage(CultureInfo.InvariantCulture))
            .OrderBy(s => s, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Malformed_foreign_mismatched_and_disagreeing_files_each_get_their_diagnostic_at_the_Measurements_argument()
    {
        var before = AtLoad(Build(Plain));
        var malformed = Assert.Single(Reported(("/project/bench/run.json", "{\"completed\": 3,")));
        Assert.StartsWith("DS1014 Error: Deployment 'Assistant': bench/run.json(1): ", malformed);

        var foreign = Assert.Single(Reported(("/project/bench/run.json", "name,value\nfoo,1\n")));
        Assert.StartsWith("DS1014 Error: Deployment 'Assistant': bench/run.json(1): ", foreign);

        var missing = Assert.Single(Reported());
        Assert.Contains("no file among the project's AdditionalFiles matches 'bench/*.json'", missing);

        var mismatched = Assert.Single(Reported(("/project/bench/run.json", VllmResult(before, 1.2, modelId: "Qwen/Qwen2.5-72B-Instruct"))));
        Assert.Equal("DS1014 Warning: Deployment 'Assistant': bench/run.json(1): 'model': run skipped: the run is of 'Qwen/Qwen2.5-72B-Instruct', " +
            "the deployment's model is 'Llama 3.1 70B' (nvidia/Llama-3.1-70B-Instruct-FP8)", mismatched);

        var disagreeing = Reported(("/project/bench/run.json", VllmResult(before, 1.6)));
        Assert.Equal(3, disagreeing.Length); // TTFT, TPOT and throughput, each beyond the model's band for this vLLM plan (about 32%)
        Assert.All(disagreeing, d => Assert.StartsWith("DS4006 Warning: Deployment 'Assistant': measured ", d));
        Assert.Contains(disagreeing, d => d.Contains("measured TPOT 60% above the model's in bench/run.json", StringComparison.Ordinal));

        Assert.Empty(Reported(("/project/bench/run.json", VllmResult(before, 1.1)))); // within the band: nothing to say

        // Many disagreeing runs: one diagnostic per quantity, naming the run furthest from the model and counting the rest.
        var many = Reported(("/project/bench/a.json", VllmResult(before, 1.4)), ("/project/bench/b.json", VllmResult(before, 1.6)),
            ("/project/bench/c.json", VllmResult(before, 1.5)));
        Assert.Equal(3, many.Length);
        var tpot = Assert.Single(many, d => d.Contains("measured TPOT", StringComparison.Ordinal));
        Assert.Contains("measured TPOT 60% above the model's in bench/b.json", tpot);
        Assert.EndsWith("; 2 more runs differ beyond the band in TPOT", tpot);
    }
}
