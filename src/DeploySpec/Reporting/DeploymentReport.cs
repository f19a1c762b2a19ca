using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DeploySpec.Reporting
{
    /// <summary>
    /// Everything a deployment's generated members know, for reports: the facts, the plans with their evaluator,
    /// the winners, the frontier and the rejected candidates. Generated code builds one per deployment.
    /// </summary>
    public sealed class DeploymentReport
    {
        /// <summary>Creates a report.</summary>
        public DeploymentReport(
            DeploymentFacts facts,
            IReadOnlyList<PartitionPlan> plans,
            Func<PartitionPlan, int, PerformanceEstimate> estimate,
            PartitionPlan minLatency,
            PartitionPlan maxThroughput,
            PartitionPlan recommended,
            bool recommendedMeetsTargets,
            IReadOnlyList<FrontierPoint> frontier,
            IReadOnlyList<PlanRejection> rejected)
        {
            Facts = facts ?? throw new ArgumentNullException(nameof(facts));
            Plans = plans ?? throw new ArgumentNullException(nameof(plans));
            Estimate = estimate ?? throw new ArgumentNullException(nameof(estimate));
            MinLatency = minLatency;
            MaxThroughput = maxThroughput;
            Recommended = recommended;
            RecommendedMeetsTargets = recommendedMeetsTargets;
            Frontier = frontier ?? throw new ArgumentNullException(nameof(frontier));
            Rejected = rejected ?? throw new ArgumentNullException(nameof(rejected));
        }

        /// <summary>What the deployment was planned for.</summary>
        public DeploymentFacts Facts { get; }
        /// <summary>Every plan that fits, best first.</summary>
        public IReadOnlyList<PartitionPlan> Plans { get; }
        /// <summary>The deployment's generated evaluator.</summary>
        public Func<PartitionPlan, int, PerformanceEstimate> Estimate { get; }
        /// <summary>The fastest plan per user.</summary>
        public PartitionPlan MinLatency { get; }
        /// <summary>The plan with the most throughput at capacity.</summary>
        public PartitionPlan MaxThroughput { get; }
        /// <summary>The recommended plan.</summary>
        public PartitionPlan Recommended { get; }
        /// <summary>Whether the recommended plan meets the latency targets.</summary>
        public bool RecommendedMeetsTargets { get; }
        /// <summary>The Pareto frontier.</summary>
        public IReadOnlyList<FrontierPoint> Frontier { get; }
        /// <summary>Candidates that are not plans, and why.</summary>
        public IReadOnlyList<PlanRejection> Rejected { get; }

        /// <summary>The load points of one plan: 1, 2, 4, ... requests in flight, up to its capacity.</summary>
        public IReadOnlyList<PerformanceEstimate> Sweep(PartitionPlan plan)
        {
            var points = new List<PerformanceEstimate>();
            int capacity = Math.Max(1, plan.MaxConcurrency);
            for (int n = 1; ; n = n >= capacity / 2 ? capacity : n * 2)
            {
                points.Add(Estimate(plan, n));
                if (n >= capacity)
                {
                    break;
                }
            }

            return points;
        }

        /// <summary>The report as Markdown: winners, every plan with its memory and estimates, rejected plans, frontier.</summary>
        public string ToMarkdown()
        {
            var f = Facts;
            var md = new StringBuilder();
            void Line(string text = "") => md.Append(text).Append('\n');

            Line("# Deployment " + f.Name);
            Line();
            Line($"{f.ModelName} ({F(f.Weights)} weights, {F(f.KvCache)} KV cache, checkpoint `{f.Checkpoint}`) on {f.TotalGpus} x {f.GpuLabel} " +
                 $"({f.Nodes} node{(f.Nodes == 1 ? "" : "s")} of {f.GpusPerNode}); {f.InputTokens} input / {f.OutputTokens} output tokens per request, " +
                 $"context up to {f.ContextTokens} tokens; memory sized as {DeploySpec.Serving.ServingEngineProfile.For(f.Engine).DisplayName} does, batches of up to {f.MaxBatchSize} per replica{(f.MaxBatchedTokens > 0 ? $" and {f.MaxBatchedTokens} tokens per iteration" : "")}.");
            Line();
            Line($"Objective: {f.Objective}. Targets: {Target(f.TargetStatistic, "TTFT", f.MaxTimeToFirstTokenMs)}, {Target(f.TargetStatistic, "TPOT", f.MaxTimePerOutputTokenMs)}" +
                 (f.RequestsPerSecond > 0 ? $", judged at {N(f.RequestsPerSecond, 2)} requests/s (queueing included)." : "."));
            Line();
            Line(f.PricePerGpuHour > 0
                ? $"Price: ${N(f.PricePerGpuHour, 3)} per GPU-hour ({f.PriceSource}); $/Mtok is US dollars per million output tokens, every GPU of the plan paid for."
                : $"Price: {f.PriceSource}.");
            Line();
            if (f.Speculation != Speculation.None)
            {
                string draft = f.Speculation == Speculation.DraftModel ? $" (draft `{f.DraftCheckpoint}`)" : "";
                Line($"Speculative decoding: {f.Speculation}{draft}, {f.SpeculativeTokens} draft tokens per verify step, acceptance {N(f.AcceptanceRate, 2)} per token, " +
                     $"{N(f.AcceptedTokensPerStep, 2)} tokens per verify step expected. The weights below include the drafter's, the KV cache holds its KV too; " +
                     "the gain shrinks with load, as the verify step's k + 1 tokens per sequence turn decode compute-bound (docs/cost-model.md).");
                Line();
            }

            Line("## Winners");
            Line();
            var fastest = Estimate(MinLatency, 1);
            var busiest = Estimate(MaxThroughput, MaxThroughput.MaxConcurrency);
            Line($"- **Min latency: {MinLatency}**: {N(fastest.OutputTokensPerSecondPerUser, 1)} tok/s per user (TPOT {N(fastest.TimePerOutputTokenMs, 2)} ms, TTFT {N(fastest.TimeToFirstTokenMs, 1)} ms) for one request.");
            Line($"- **Max throughput: {MaxThroughput}**: {N(busiest.OutputTokensPerSecond, 0)} tok/s ({N(busiest.OutputTokensPerSecondPerGpu, 1)} per GPU) with {busiest.Concurrency} requests in flight.");
            Line(RecommendedMeetsTargets
                ? $"- **Recommended: {Recommended}**: the best plan for the {f.Objective} objective within the latency targets."
                : $"- **Recommended: {Recommended}**: no plan meets the latency targets; this is the fastest per user.");
            Line();
            Line("## Plans");
            Line();
            Line("Memory is per GPU on the most loaded GPU, in GiB (2^30 bytes); capacity is what CUDA reports for the GPU (catalog).");
            Line();
            Line(f.MaxTimeToFirstTokenMs > 0 || f.MaxTimePerOutputTokenMs > 0
                ? $"Goodput is the highest rate of requests arriving at random (Poisson) that a plan serves with its {Statistic(f.TargetStatistic)} TTFT and TPOT within the targets, in requests/s (docs/cost-model.md, \"Goodput\")" +
                  (f.Objective == Objective.MinLatency ? "." : f.Objective == Objective.MinCost && f.PricePerGpuHour > 0
                      ? "; plans that meet the targets rank by the price of a request at goodput."
                      : "; plans that meet the targets rank by goodput per GPU.")
                : "Goodput is the highest rate of requests arriving at random (Poisson) a plan sustains, in requests/s: with no latency target, its capacity (docs/cost-model.md, \"Goodput\").");
            Line();
            Line("| plan | weights | KV cache | activations | reserve | capacity | engine memory setting | max in flight | TTFT ms @1 | TPOT ms @1 | tok/s/user @1 | tok/s @max | tok/s/GPU @max | $/Mtok @max | goodput req/s | band | provenance |");
            Line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var plan in Plans)
            {
                var m = plan.Pool.MemoryPerGpu;
                var one = Estimate(plan, 1);
                var peak = Estimate(plan, plan.MaxConcurrency);
                string tags = (plan.Equals(MinLatency) ? " (min latency)" : "") + (plan.Equals(MaxThroughput) ? " (max throughput)" : "") + (plan.Equals(Recommended) ? " (recommended)" : "");
                Line($"| {plan}{tags} | {N(m.WeightsGiB, 1)} | {N(m.KvCacheGiB, 1)} | {N(m.ActivationsGiB, 1)} | {N(m.ReserveGiB, 1)} | {N(m.CapacityGiB, 2)} | " +
                     $"{N(plan.Pool.EngineMemoryFraction, 4)} | {plan.MaxConcurrency} | {N(one.TimeToFirstTokenMs, 1)} | {N(one.TimePerOutputTokenMs, 2)} | " +
                     $"{N(one.OutputTokensPerSecondPerUser, 1)} | {N(peak.OutputTokensPerSecond, 0)} | {N(peak.OutputTokensPerSecondPerGpu, 1)} | {Dollars(peak)} | {Goodput(plan)} | " +
                     $"{Band(one)} | {Provenance(one)} |");
            }

            if (ModeComparison() is { } comparison)
            {
                Line();
                Line("## Aggregated and disaggregated");
                Line();
                Line("A disaggregated plan is a prefill pool and a decode pool (DP = workers); each request's KV cache moves from the one to the other over the link between them (docs/disaggregated.md). Memory is per GPU of each pool's most loaded GPU, in GiB.");
                Line();
                Line("| plan | prefill:decode workers | GPUs | prefill weights / KV GiB | decode weights / KV GiB | KV transfer ms | TTFT ms @1 | TPOT ms @1 | TPOT ms @max | tok/s/GPU @max | $/Mtok @max |");
                Line("|---|---|---|---|---|---|---|---|---|---|---|");
                foreach (var plan in Plans)
                {
                    if (plan.Prefill is not { } prefill)
                    {
                        continue;
                    }

                    var one = Estimate(plan, 1);
                    var peak = Estimate(plan, plan.MaxConcurrency);
                    Line($"| {plan} | {plan.Ratio} | {plan.GpuCount} | {N(prefill.MemoryPerGpu.WeightsGiB, 1)} / {N(prefill.MemoryPerGpu.KvCacheGiB, 1)} | " +
                         $"{N(plan.Pool.MemoryPerGpu.WeightsGiB, 1)} / {N(plan.Pool.MemoryPerGpu.KvCacheGiB, 1)} | {N(plan.KvTransferMs, 2)} | {N(one.TimeToFirstTokenMs, 1)} | " +
                         $"{N(one.TimePerOutputTokenMs, 2)} | {N(peak.TimePerOutputTokenMs, 2)} | {N(peak.OutputTokensPerSecondPerGpu, 1)} | {Dollars(peak)} |");
                }

                Line();
                Line(comparison);
            }

            Line();
            Line("## Rejected candidates");
            Line();
            if (Rejected.Count == 0)
            {
                Line("None: every TP x PP x DP split of the cluster is a plan.");
            }
            else
            {
                Line("| candidate | why it is not a plan |");
                Line("|---|---|");
                foreach (var r in Rejected)
                {
                    Line($"| {r.Plan} | {r.Reason.Replace("|", "\\|")} |");
                }
            }

            Line();
            Line("## Pareto frontier");
            Line();
            Line("Operating points no other plan and load beat on both per-user speed and throughput per GPU, fastest per user first.");
            Line();
            Line("Each figure carries the band shown: the median error the cost model showed on measurements left out of its fit, wider where it extrapolates (a typical error, not a bound).");
            Line();
            Line("| plan | requests in flight | tok/s per user | tok/s per GPU | TTFT ms | TPOT ms | $/Mtok | band |");
            Line("|---|---|---|---|---|---|---|---|");
            foreach (var p in Frontier)
            {
                Line($"| {p.Plan} | {p.Concurrency} | {N(p.OutputTokensPerSecondPerUser, 1)} | {N(p.OutputTokensPerSecondPerGpu, 1)} | {N(p.Estimate.TimeToFirstTokenMs, 1)} | {N(p.Estimate.TimePerOutputTokenMs, 2)} | {Dollars(p.Estimate)} | {Band(p.Estimate)} |");
            }

            if (f.Measurements is { } measured)
            {
                Line();
                Line("## Measured on this project");
                Line();
                Line($"The estimates above are calibrated on this project's measurements: {measured.Runs.Count} benchmark run{(measured.Runs.Count == 1 ? "" : "s")} " +
                     $"of this deployment. Prefill terms x{N(measured.TimeToFirstTokenFactor, 3)} (TTFT), decode terms x{N(measured.TimePerOutputTokenFactor, 3)} (TPOT); " +
                     $"measured / predicted throughput before correction {N(measured.ThroughputFactor, 3)}; each factor bounded to x{N(1 / MeasurementCalibration.MaxFactor, 3)} - x{N(MeasurementCalibration.MaxFactor, 2)}. " +
                     $"Corrected error on these runs: {N(measured.Residual * 100, 1)}% RMS (docs/measurements.md).");
                Line();
                Line("| file | plan | in / out | load | TTFT ms measured / before / after | TPOT ms measured / before / after | tok/s measured / before / after |");
                Line("|---|---|---|---|---|---|---|");
                foreach (var run in measured.Runs)
                {
                    string file = (run.Line > 1 ? run.File + ":" + run.Line.ToString(CultureInfo.InvariantCulture) : run.File).Replace("|", "\\|");
                    Line($"| {file} | {run.Plan} ({run.PlanSource}) | {run.InputTokens} / {run.OutputTokens} | {run.Load} | " +
                         $"{Compare(run.TimeToFirstTokenMs, 1)} | {Compare(run.TimePerOutputTokenMs, 2)} | {Compare(run.OutputTokensPerSecond, 0)} |");
                }
            }

            Line();
            Line("Provenance: GPU memory, bandwidth and FLOPS are datasheet values (memory as CUDA reports it); memory per GPU follows the");
            Line("engine's published sizing rules; times and throughputs are estimates of DeploySpec's cost model, calibrated on published");
            Line("TensorRT-LLM measurements (docs/accuracy.md). They are not measurements of this deployment.");
            return md.ToString();
        }

        /// <summary>
        /// Which serving mode wins and why, with the numbers: the best aggregated plan against the best disaggregated
        /// one (each the first of its mode in the objective's order); null when the plans are all of one mode.
        /// </summary>
        public string? ModeComparison()
        {
            PartitionPlan? aggregated = null, disaggregated = null;
            foreach (var plan in Plans)
            {
                if (plan.Mode == ServingMode.Aggregated)
                {
                    aggregated ??= plan;
                }
                else
                {
                    disaggregated ??= plan;
                }
            }

            if (aggregated is null || disaggregated is null)
            {
                return null;
            }

            var a = Estimate(aggregated, aggregated.MaxConcurrency);
            var d = Estimate(disaggregated, disaggregated.MaxConcurrency);
            var a1 = Estimate(aggregated, 1);
            var d1 = Estimate(disaggregated, 1);
            bool disaggregatedWins = Recommended.Mode == ServingMode.Disaggregated;
            string why = disaggregatedWins
                ? $"its decode workers never run another request's prompt, so TPOT at capacity is {N(d.TimePerOutputTokenMs, 2)} ms against {N(a.TimePerOutputTokenMs, 2)} ms, " +
                  "and the prefill pool is sized to keep them fed"
                : d.OutputTokensPerSecondPerGpu < a.OutputTokensPerSecondPerGpu
                    ? $"splitting the GPUs costs more than the prefill interference it removes: {N(d.OutputTokensPerSecondPerGpu, 1)} tok/s per GPU at capacity against {N(a.OutputTokensPerSecondPerGpu, 1)}, " +
                      $"with the KV transfer ({N(disaggregated.KvTransferMs, 2)} ms) and the prefill queue in every TTFT ({N(d1.TimeToFirstTokenMs, 1)} ms against {N(a1.TimeToFirstTokenMs, 1)} ms at one request)"
                    : $"per GPU it does as well or better ({N(d.OutputTokensPerSecondPerGpu, 1)} against {N(a.OutputTokensPerSecondPerGpu, 1)} tok/s at capacity), but the {Facts.Objective} objective and the targets rank the aggregated plan first " +
                      $"(TTFT at one request {N(a1.TimeToFirstTokenMs, 1)} ms against {N(d1.TimeToFirstTokenMs, 1)} ms, TPOT {N(a1.TimePerOutputTokenMs, 2)} against {N(d1.TimePerOutputTokenMs, 2)} ms)";
            return $"**{(disaggregatedWins ? "Disaggregated" : "Aggregated")} wins** for the {Facts.Objective} objective: best disaggregated {disaggregated} ({disaggregated.Ratio} workers, KV transfer {N(disaggregated.KvTransferMs, 2)} ms) " +
                   $"against best aggregated {aggregated}; {why}.";
        }

        /// <summary>"0.412": US dollars per million output tokens, or "-" without a price.</summary>
        public static string Dollars(PerformanceEstimate estimate) =>
            estimate.CostPerMillionOutputTokens > 0 ? N(estimate.CostPerMillionOutputTokens, estimate.CostPerMillionOutputTokens < 10 ? 3 : 2) : "-";

        /// <summary>"±14%": the estimate's band.</summary>
        public static string Band(PerformanceEstimate estimate) => "\u00b1" + (estimate.Uncertainty * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

        /// <summary>"calibrated", "extrapolated along GPU generation, serving mode (not measured)", or "calibrated on this project's measurements".</summary>
        public static string Provenance(PerformanceEstimate estimate) => estimate.Provenance switch
        {
            EstimateProvenance.Calibrated => "calibrated",
            EstimateProvenance.CalibratedOnProjectMeasurements => estimate.ExtrapolatedAlong == ExtrapolationAxes.None
                ? "calibrated on this project's measurements"
                : "calibrated on this project's measurements (model extrapolated along " + estimate.ExtrapolatedAlong.Describe(estimate.NotMeasured) + ")",
            _ => "extrapolated along " + estimate.ExtrapolatedAlong.Describe(estimate.NotMeasured),
        };

        /// <summary>"412.4 / 380.1 (-7.8%) / 405.0 (-1.8%)": measured, then each prediction with its error; "-" when not measured.</summary>
        private static string Compare(MeasuredFigure? figure, int decimals) => figure is null
            ? "-"
            : $"{N(figure.Measured, decimals)} / {N(figure.Before, decimals)} ({Percent(figure.ErrorBefore)}) / {N(figure.After, decimals)} ({Percent(figure.ErrorAfter)})";

        private static string Percent(double error) => (error >= 0 ? "+" : "") + (error * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        /// <summary>The Pareto frontier as an SVG chart (see <see cref="FrontierChart"/>).</summary>
        public string ToSvg() => FrontierChart.Render(this);

        /// <summary>"P90 TTFT &lt;= 500.0 ms" (no prefix for the mean), or "no TTFT target".</summary>
        private static string Target(LatencyStatistic statistic, string name, double ms) =>
            ms > 0 ? (statistic == LatencyStatistic.Mean ? "" : statistic + " ") + name + " <= " + N(ms, 1) + " ms" : "no " + name + " target";

        /// <summary>"mean", "P90", "P99".</summary>
        private static string Statistic(LatencyStatistic statistic) => statistic == LatencyStatistic.Mean ? "mean" : statistic.ToString();

        /// <summary>"12.3", "0.512": a plan's goodput in requests/s to about three significant digits (at least one decimal); "0" when it meets no target.</summary>
        public static string Goodput(PartitionPlan plan)
        {
            double goodput = plan.GoodputRequestsPerSecond;
            return goodput > 0 ? N(goodput, Math.Max(1, Math.Min(6, 2 - (int)Math.Floor(Math.Log10(goodput))))) : "0";
        }

        private static string F(Precision p) => p.ToString().ToUpperInvariant();

        internal static string N(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
