using System.Collections.Generic;
using System.Threading;
using DeploySpec.Reporting;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// What generated code holds for one deployment: the spec as resolved at compile time (<see cref="SpecCodec"/>)
    /// and the compile-time plan table (<see cref="CompiledDeployment.Encode"/>), as string constants.
    /// </summary>
    public interface IDeploymentData
    {
        /// <summary>The spec, as <see cref="SpecCodec.Encode"/> writes it.</summary>
        string Spec { get; }

        /// <summary>The plan table, as <see cref="CompiledDeployment.Encode"/> writes it.</summary>
        string Table { get; }
    }

    /// <summary>
    /// The base class the generator gives a [Deployment] class (one that declares no base class of its own): the
    /// planned members once, here, instead of a dozen members written into every deployment, which is what the
    /// compiler paid for in every build (docs/performance.md). A deployment class <c>Chat</c> gets
    /// <c>partial class Chat : GeneratedDeployment&lt;Chat.__DeploySpec&gt;</c> and a nested struct holding its two
    /// strings; <c>Chat.Plans</c>, <c>Chat.Estimate(...)</c> and the rest resolve to the static members below, and
    /// each closed type (one per deployment) restores its own table on first use. A deployment the generator could not
    /// plan (its spec has errors, or nothing fits) gets the members too, so that code using them compiles and the build
    /// shows only the DeploySpec error; they then throw <see cref="System.InvalidOperationException"/>, saying why.
    /// </summary>
    /// <typeparam name="TData">The deployment's generated data.</typeparam>
    public abstract class GeneratedDeployment<TData>
        where TData : struct, IDeploymentData
    {
        private static CompiledDeployment? _table;

        /// <summary>For the generated partial class; a deployment class is not meant to be instantiated.</summary>
        protected GeneratedDeployment()
        {
        }

        /// <summary>The compiled table (restored on first use, once; safe under concurrent first use).</summary>
        private static CompiledDeployment Table => Volatile.Read(ref _table) ?? Load();

        /// <summary>Every plan that fits, best first for the objective (latency targets met first).</summary>
        public static IReadOnlyList<PartitionPlan> Plans => Table.Plans;

        /// <summary>The plan with the lowest time per output token for one request.</summary>
        public static PartitionPlan MinLatency => Table.MinLatency;

        /// <summary>The plan with the most output tokens per second at capacity.</summary>
        public static PartitionPlan MaxThroughput => Table.MaxThroughput;

        /// <summary>The best plan for the objective within the latency targets, or the fastest per user when none meets them.</summary>
        public static PartitionPlan Recommended => Table.Recommended;

        /// <summary>True when <see cref="Recommended"/> meets the latency targets.</summary>
        public static bool RecommendedMeetsTargets => Table.RecommendedMeetsTargets;

        /// <summary>Pareto frontier of tokens/s per GPU against per user, fastest per user first.</summary>
        public static IReadOnlyList<FrontierPoint> Frontier => Table.Frontier;

        /// <summary>The model, cluster, workload and engine settings as resolved at compile time.</summary>
        public static DeploymentFacts Facts => Table.Facts;

        /// <summary>Every candidate split that is not a plan, and why.</summary>
        public static IReadOnlyList<PlanRejection> RejectedPlans => Table.RejectedPlans;

        /// <summary>Everything above, for reports.</summary>
        public static DeploymentReport Report => Table.Report;

        /// <summary>Markdown report: winners, each plan's memory per GPU and estimates, rejections, frontier.</summary>
        public static string ToMarkdown() => Table.Report.ToMarkdown();

        /// <summary>SVG chart of throughput per GPU against per-user speed, frontier and winners marked.</summary>
        public static string FrontierSvg() => Table.Report.ToSvg();

        /// <summary>TTFT, TPOT and throughput of one of <see cref="Plans"/> with that many requests in flight. O(1), allocation-free.</summary>
        /// <exception cref="System.ArgumentException">The plan is not one of <see cref="Plans"/>.</exception>
        public static PerformanceEstimate Estimate(PartitionPlan plan, int concurrency) => Table.Estimate(plan, concurrency);

        /// <summary>The same when requests arrive at that rate (per second): queueing included, <see cref="PerformanceEstimate.Saturated"/> past capacity.</summary>
        /// <exception cref="System.ArgumentException">The plan is not one of <see cref="Plans"/>.</exception>
        public static PerformanceEstimate EstimateAtRate(PartitionPlan plan, double requestsPerSecond) => Table.EstimateAtRate(plan, requestsPerSecond);

        private static CompiledDeployment Load()
        {
            var data = default(TData);
            var table = CompiledDeployment.Restore(data.Spec, data.Table);
            return Interlocked.CompareExchange(ref _table, table, null) ?? table;
        }
    }
}
