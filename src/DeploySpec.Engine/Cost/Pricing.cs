using System.Globalization;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// What a plan costs to run: the cluster's price per GPU-hour (declared, the MSBuild default, or the catalog's
    /// reference price) and the cost of a million output tokens at a throughput. Prices are inputs, not our model.
    /// </summary>
    public static class Pricing
    {
        private const double SecondsPerHour = 3600;

        /// <summary>US dollars per GPU-hour for <paramref name="cluster"/>: its own (or the MSBuild default), else the GPU's reference price, else 0 (none).</summary>
        public static double PerGpuHour(ClusterSpec cluster) =>
            cluster.PricePerGpuHour > 0 ? cluster.PricePerGpuHour : GpuCatalog.Of(cluster).ReferencePrice?.UsdPerGpuHour ?? 0;

        /// <summary>Where <see cref="PerGpuHour"/> comes from, as reports print it.</summary>
        public static string Source(ClusterSpec cluster) =>
            cluster.PricePerGpuHour > 0 ? "set by [Cluster(PricePerGpuHour)] or DeploySpecPricePerGpuHour"
            : GpuCatalog.Of(cluster).ReferencePrice is { } reference ? "reference price: " + reference.Source
            : "none: set [Cluster(PricePerGpuHour = ...)] or the MSBuild property DeploySpecPricePerGpuHour";

        /// <summary>
        /// US dollars per million output tokens when <paramref name="gpus"/> GPUs at <paramref name="usdPerGpuHour"/>
        /// produce <paramref name="outputTokensPerSecond"/>; 0 when there is no price or no output.
        /// </summary>
        public static double CostPerMillionOutputTokens(double usdPerGpuHour, int gpus, double outputTokensPerSecond) =>
            usdPerGpuHour > 0 && outputTokensPerSecond > 0 && !double.IsInfinity(outputTokensPerSecond)
                ? usdPerGpuHour * gpus / SecondsPerHour / outputTokensPerSecond * 1e6
                : 0;

        /// <summary>"$4.92/GPU-h" (culture-invariant).</summary>
        public static string Text(double usdPerGpuHour) => "$" + usdPerGpuHour.ToString("0.###", CultureInfo.InvariantCulture) + "/GPU-h";
    }

    /// <summary>A published price per GPU-hour and where it was published (docs/hardware.md).</summary>
    public sealed record GpuPrice(double UsdPerGpuHour, string Source);
}
