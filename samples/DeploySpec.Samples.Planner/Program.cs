using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeploySpec;
using DeploySpec.Samples.Planner;
using Spectre.Console;

// Every figure below comes from members the DeploySpec generator wrote at compile time: no planning happens here.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0)
{
    System.Console.Error.WriteLine($"Unknown argument '{args[0]}'. Usage: dotnet run --project samples/DeploySpec.Samples.Planner (the accuracy page: dotnet run --project tools/DeploySpec.Calibration -- accuracy)");
    return 2;
}

if (AnsiConsole.Profile.Width < 240)
{
    AnsiConsole.Profile.Width = 240; // redirected output defaults to 80 columns, too narrow for the plan table
}

Show("Chat: Llama 3.1 405B FP8 on 8 x H200 SXM, 2048 in / 128 out", Chat.Report);
SeedRatios();
Show("Assistant: Llama 3.1 70B FP8 on 8 x H100 SXM, 1024 in / 512 out, P90 TTFT <= 1000 ms, P90 TPOT <= 40 ms (goodput: the most requests/s within them)", Assistant.Report);
Show("Reasoner: DeepSeek-V3 FP8 on 2 x 8 H200 SXM, 4096 in / 1024 out", Reasoner.Report);
Show("Rack: Llama 3.1 405B FP8 on one GB200 NVL72 rack (18 trays x 4, one NVLink domain), TP8 pinned", Rack.Report);
Show("Hybrid: Qwen3-Next-80B-A3B (BF16, from its config.json) on 8 x H200 SXM, 8192 in / 1024 out", Hybrid.Report);
ShowMeasured("Measured: Llama 3.1 70B FP8 on 8 x H100 at TP8, corrected by the project's benchmark files", Measured.Facts, Measured.Recommended, Measured.Estimate);
ShowRates("Assistant", Assistant.Facts, Assistant.Recommended, Assistant.EstimateAtRate);
Show("Speculative: Llama 3.1 70B FP8 on 8 x H100 SXM with EAGLE-3 (3 draft tokens), 1024 in / 512 out, min latency", Speculative.Report);
ShowSpeculation("Speculative", new Speculative.__DeploySpec(), Speculative.Facts, Speculative.MinLatency);
WriteReports(Chat.Report, Assistant.Report, Reasoner.Report, Rack.Report, Hybrid.Report, Measured.Report, Speculative.Report);
ShowLaunch("Chat", Chat.Facts, Chat.Recommended);
ShowLaunch("Reasoner", Reasoner.Facts, Reasoner.Recommended);
var reasonerAggregated = Reasoner.Plans.First(p => p.Mode == ServingMode.Aggregated);
AnsiConsole.MarkupLine($"[bold]Kubernetes LeaderWorkerSet for Reasoner on vLLM[/], its best aggregated plan {reasonerAggregated}:");
AnsiConsole.WriteLine(DeploySpec.Launch.EngineLaunch.LeaderWorkerSet(ServingEngine.Vllm, Reasoner.Facts, reasonerAggregated));
AnsiConsole.MarkupLine("[grey]Memory in GiB (2^30 bytes) per GPU on the most loaded GPU; capacity is what CUDA reports (datasheet catalog).[/]");
AnsiConsole.MarkupLine("[grey]Times and throughputs are DeploySpec cost-model estimates, fitted to published TensorRT-LLM, vLLM and SGLang runs; the band is the held-out error (docs/accuracy.md).[/]");
return 0;

// One deployment's plans from its generated report: the best ones first (aggregated and disaggregated side by side;
// the Markdown report lists every plan), the winners, the frontier and, when both serving modes have plans, which wins and why.
static void Show(string title, DeploySpec.Reporting.DeploymentReport report)
{
    const int Rows = 14;
    AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
    var table = new Table().Border(TableBorder.Rounded);
    table.AddColumn(new TableColumn("plan (prefill + decode pools: DP = workers)"));
    foreach (var column in new[] { "P:D", "GPUs", "weights GiB", "KV GiB", "max in flight", "KV xfer ms", "TTFT ms @1", "tok/s/user @1", "tok/s @max", "tok/s/GPU @max", "$/Mtok @max", "goodput req/s", "band" })
    {
        table.AddColumn(new TableColumn(column).RightAligned().NoWrap());
    }

    table.AddColumn(new TableColumn(""));
    var estimate = report.Estimate;
    foreach (var plan in report.Plans.Take(Rows))
    {
        var one = estimate(plan, 1);
        var peak = estimate(plan, plan.MaxConcurrency);
        var m = plan.Pool.MemoryPerGpu;
        var tags = new List<string>();
        if (plan.Equals(report.MinLatency)) tags.Add("min latency");
        if (plan.Equals(report.MaxThroughput)) tags.Add("max throughput");
        if (plan.Equals(report.Recommended)) tags.Add(report.RecommendedMeetsTargets ? "recommended" : "recommended (misses targets)");
        table.AddRow(plan.ToString(), plan.Ratio, plan.GpuCount.ToString(CultureInfo.InvariantCulture), F(m.WeightsGiB, 1), F(m.KvCacheGiB, 1),
            plan.MaxConcurrency.ToString(CultureInfo.InvariantCulture), plan.Prefill is null ? "" : F(plan.KvTransferMs, 2), F(one.TimeToFirstTokenMs, 0),
            F(one.OutputTokensPerSecondPerUser, 1), F(peak.OutputTokensPerSecond, 0), F(peak.OutputTokensPerSecondPerGpu, 1),
            Markup.Escape(DeploySpec.Reporting.DeploymentReport.Dollars(peak)), F(plan.GoodputRequestsPerSecond, 2),
            Markup.Escape(DeploySpec.Reporting.DeploymentReport.Band(one)), string.Join(", ", tags));
    }

    AnsiConsole.Write(table);
    if (report.Plans.Count > Rows)
    {
        AnsiConsole.MarkupLine($"[grey]{report.Plans.Count - Rows} more plans in artifacts/reports/{Markup.Escape(report.Facts.Name)}.md.[/]");
    }

    AnsiConsole.MarkupLine($"Min latency: [green]{report.MinLatency}[/] at {F(estimate(report.MinLatency, 1).OutputTokensPerSecondPerUser, 1)} tok/s per user; " +
                           $"max throughput: [green]{report.MaxThroughput}[/] at {F(estimate(report.MaxThroughput, report.MaxThroughput.MaxConcurrency).OutputTokensPerSecond, 0)} tok/s; " +
                           $"recommended: [green]{report.Recommended}[/]{(report.RecommendedMeetsTargets ? "" : " [red](no plan meets the targets)[/]")}");
    if (report.ModeComparison() is { } comparison)
    {
        AnsiConsole.MarkupLine(Markup.Escape(comparison.Replace("**", "")));
    }

    AnsiConsole.MarkupLine("Pareto frontier (tok/s per user -> tok/s per GPU, TTFT): " + Markup.Escape(string.Join("  ",
        report.Frontier.Select(f => $"{f.Plan}@{f.Concurrency}: {F(f.OutputTokensPerSecondPerUser, 1)} -> {F(f.OutputTokensPerSecondPerGpu, 1)}, {F(f.Estimate.TimeToFirstTokenMs, 0)} ms"))));
    var first = estimate(report.Recommended, 1);
    AnsiConsole.MarkupLine($"Band: [yellow]{Markup.Escape(DeploySpec.Reporting.DeploymentReport.Band(first))}[/] on every figure of the recommended plan ({Markup.Escape(DeploySpec.Reporting.DeploymentReport.Provenance(first))}).");
    AnsiConsole.WriteLine();
}

// A deployment whose [Deployment(Measurements = ...)] names benchmark result files: the matched runs, measured against
// the model before and after the bounded correction (the files in samples/benchmarks are examples written in the tools'
// formats, not a real run).
static void ShowMeasured(string title, DeploymentFacts facts, PartitionPlan plan, System.Func<PartitionPlan, int, PerformanceEstimate> estimate)
{
    AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
    if (facts.Measurements is not { } measured)
    {
        AnsiConsole.MarkupLine("[red]no benchmark run matched[/]");
        return;
    }

    AnsiConsole.MarkupLine(Markup.Escape($"{measured} (each factor bounded to x{F(1 / MeasurementCalibration.MaxFactor, 2)}-x{F(MeasurementCalibration.MaxFactor, 2)})"));
    var table = new Table().Border(TableBorder.Rounded);
    foreach (var column in new[] { "run", "load", "TTFT ms measured / before / after", "TPOT ms measured / before / after", "tok/s measured / before / after" })
    {
        table.AddColumn(new TableColumn(column).NoWrap());
    }

    foreach (var run in measured.Runs)
    {
        table.AddRow(Markup.Escape(run.Line > 1 ? run.File + ":" + run.Line.ToString(CultureInfo.InvariantCulture) : run.File), run.Load,
            Figure(run.TimeToFirstTokenMs, 1), Figure(run.TimePerOutputTokenMs, 2), Figure(run.OutputTokensPerSecond, 0));
    }

    AnsiConsole.Write(table);
    var one = estimate(plan, 1);
    AnsiConsole.MarkupLine($"{plan} at one request: TTFT {F(one.TimeToFirstTokenMs, 0)} ms, TPOT {F(one.TimePerOutputTokenMs, 2)} ms, {Markup.Escape(DeploySpec.Reporting.DeploymentReport.Band(one))} ({Markup.Escape(DeploySpec.Reporting.DeploymentReport.Provenance(one))})");
    AnsiConsole.WriteLine();

    static string Figure(MeasuredFigure? f, int decimals) => f is null ? "-" : $"{F(f.Measured, decimals)} / {F(f.Before, decimals)} / {F(f.After, decimals)}";
}

// Operators size by arrival rate: the recommended plan at shares of its capacity (queueing included; saturated past it).
static void ShowRates(string name, DeploymentFacts facts, PartitionPlan plan, System.Func<PartitionPlan, double, PerformanceEstimate> atRate)
{
    double capacity = atRate(plan, double.MaxValue).OutputTokensPerSecond / facts.OutputTokens; // requests per second at saturation
    AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)} by arrival rate[/] on {plan} (capacity {F(capacity, 2)} requests/s):");
    foreach (double share in new[] { 0.25, 0.5, 0.8, 0.95, 1.1 })
    {
        var e = atRate(plan, share * capacity);
        AnsiConsole.MarkupLine(e.Saturated
            ? $"  {F(share * capacity, 2)} req/s: [red]saturated[/]: the queue grows without bound (TPOT {F(e.TimePerOutputTokenMs, 1)} ms at capacity)"
            : $"  {F(share * capacity, 2)} req/s: TTFT {F(e.TimeToFirstTokenMs, 0)} ms, TPOT {F(e.TimePerOutputTokenMs, 1)} ms, {e.Concurrency} in flight on average, {Markup.Escape(Band(e))}");
    }

    AnsiConsole.WriteLine();
}

// Where speculative decoding pays: the engine folds the same split twice, with the deployment's spec as generated
// and with speculation off (SpeculationPayoff), and compares TPOT at equal requests in flight.
static void ShowSpeculation(string name, DeploySpec.Engine.Planning.IDeploymentData data, DeploymentFacts facts, PartitionPlan plan)
{
    var spec = DeploySpec.Engine.Planning.CompiledDeployment.Restore(data.Spec, data.Table).Spec;
    var degrees = new DeploySpec.Engine.Planning.Degrees(plan.Pool.TensorParallel, plan.Pool.PipelineParallel, plan.Pool.DataParallel, plan.Pool.ExpertParallel);
    var payoff = DeploySpec.Engine.Cost.SpeculationPayoff.Of(spec, degrees);
    if (payoff is null)
    {
        return;
    }

    AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/] on {plan}: {facts.Speculation}, {facts.SpeculativeTokens} draft tokens, acceptance {F(facts.AcceptanceRate, 2)}, " +
                           $"{F(facts.AcceptedTokensPerStep, 2)} tokens per verify step expected.");
    AnsiConsole.MarkupLine($"  TPOT at one request: [yellow]{F(payoff.TpotWithMs, 2)} ms[/] with speculation, {F(payoff.TpotWithoutMs, 2)} ms without ([yellow]{F(payoff.SpeedupAtOneRequest, 2)}x[/]).");
    AnsiConsole.MarkupLine(payoff.CrossoverConcurrency is int crossover
        ? $"  It stops helping at [yellow]{crossover} requests in flight[/]: from there the verify step's {facts.SpeculativeTokens + 1} tokens per sequence cost more than the {F(facts.AcceptedTokensPerStep, 2)} accepted save."
        : $"  It still helps at the {payoff.ComparedUpTo} requests both variants hold: the verify step reads each sequence's KV once for {facts.SpeculativeTokens + 1} tokens, and at this context KV reads dominate the step.");
    AnsiConsole.MarkupLine($"  Capacity: {payoff.CapacityWith} requests with the drafter's weights and KV, {payoff.CapacityWithout} without.");

    // The same plan at lower acceptance rates (a harder workload than chat): where the gain ends moves to lower loads.
    foreach (double acceptance in new[] { 0.6, 0.5 })
    {
        var weaker = DeploySpec.Engine.Cost.SpeculationPayoff.Of(spec with { AcceptanceRate = acceptance }, degrees)!;
        AnsiConsole.MarkupLine($"  At acceptance {F(acceptance, 2)}: TPOT {F(weaker.TpotWithMs, 2)} ms at one request ({F(weaker.SpeedupAtOneRequest, 2)}x), " +
                               (weaker.CrossoverConcurrency is int at ? $"no gain from [yellow]{at} requests in flight[/]." : $"still a gain at {weaker.ComparedUpTo} in flight."));
    }

    AnsiConsole.WriteLine();
}

static void SeedRatios()
{
    var tp8 = Chat.Plans.Single(p => p.Pool.TensorParallel == 8 && p.Pool.PipelineParallel == 1);
    var pp8 = Chat.Plans.Single(p => p.Pool.TensorParallel == 1 && p.Pool.PipelineParallel == 8);
    double latency = Chat.Estimate(tp8, 1).OutputTokensPerSecondPerUser / Chat.Estimate(pp8, 1).OutputTokensPerSecondPerUser;
    double throughput = Chat.Estimate(pp8, pp8.MaxConcurrency).OutputTokensPerSecond / Chat.Estimate(tp8, tp8.MaxConcurrency).OutputTokensPerSecond;
    AnsiConsole.MarkupLine($"[bold]Seed check[/]: TP8 / PP8 per-user speed at one request = [yellow]{F(latency, 2)}x[/] (NVIDIA published 5.6x); " +
                           $"PP8 / TP8 node throughput at max load = [yellow]{F(throughput, 2)}x[/] (published 1.5x).");
    AnsiConsole.WriteLine();
}

static void WriteReports(params DeploySpec.Reporting.DeploymentReport[] reports)
{
    string directory = System.IO.Path.Combine("artifacts", "reports");
    System.IO.Directory.CreateDirectory(directory);
    foreach (var report in reports)
    {
        string markdown = System.IO.Path.Combine(directory, report.Facts.Name + ".md");
        string svg = System.IO.Path.Combine(directory, report.Facts.Name + "-frontier.svg");
        System.IO.File.WriteAllText(markdown, report.ToMarkdown());
        System.IO.File.WriteAllText(svg, report.ToSvg());
        AnsiConsole.MarkupLine($"Wrote [link]{Markup.Escape(markdown)}[/] and [link]{Markup.Escape(svg)}[/]");
    }

    AnsiConsole.WriteLine();
}

static void ShowLaunch(string name, DeploymentFacts facts, PartitionPlan plan)
{
    foreach (var engine in new[] { ServingEngine.Vllm, ServingEngine.TensorRtLlm, ServingEngine.Sglang })
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/], recommended plan {plan}, on [bold]{DeploySpec.Serving.ServingEngineProfile.For(engine).DisplayName}[/]:");
        AnsiConsole.WriteLine(DeploySpec.Launch.EngineLaunch.For(engine, facts, plan).ToString());
    }
}

static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

static string Band(PerformanceEstimate e) => DeploySpec.Reporting.DeploymentReport.Band(e) + (e.Provenance == EstimateProvenance.Extrapolated ? " (extrapolated)" : "");
