using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Planning;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Parsing
{
    /// <summary>
    /// Project-wide defaults set in MSBuild (made visible to the compiler by the package's build props):
    /// DeploySpecMemoryFraction, DeploySpecMaxBatchSize, DeploySpecSafetyMarginGiB, DeploySpecPricePerGpuHour. A
    /// deployment's (or its cluster's) own value wins.
    /// Value-equatable so the generator can cache it; problems are kept for the analyzer to report.
    /// </summary>
    public sealed record PlanningDefaults(double MemoryFraction, int MaxBatchSize, double SafetyMarginGiB, double PricePerGpuHour, EquatableArray<string> Problems)
    {
        public const string MemoryFractionProperty = "DeploySpecMemoryFraction";
        public const string MaxBatchSizeProperty = "DeploySpecMaxBatchSize";
        public const string SafetyMarginProperty = "DeploySpecSafetyMarginGiB";
        public const string PricePerGpuHourProperty = "DeploySpecPricePerGpuHour";

        public static PlanningDefaults None { get; } = new(0, 0, 0, 0, EquatableArray<string>.Empty);

        public static PlanningDefaults From(AnalyzerConfigOptions options)
        {
            var problems = new List<string>();
            double fraction = Number(options, MemoryFractionProperty, 0, 0.999999, problems);
            double batch = Number(options, MaxBatchSizeProperty, 0, 1_000_000, problems);
            if (batch != System.Math.Floor(batch))
            {
                problems.Add(Format("MSBuild property {0} must be a whole number, but is {1}", MaxBatchSizeProperty, batch));
                batch = 0;
            }

            double margin = Number(options, SafetyMarginProperty, 0, 1024, problems);
            double price = Number(options, PricePerGpuHourProperty, 0, Engine.Vocabulary.ClusterVocabulary.MaxPricePerGpuHour, problems);
            return new PlanningDefaults(fraction, (int)batch, margin, price, problems.ToEquatableArray());
        }

        /// <summary>The deployment with every setting it leaves at 0 taken from these defaults.</summary>
        public DeploymentSpec Apply(DeploymentSpec deployment) => deployment with
        {
            MemoryFraction = deployment.MemoryFraction > 0 ? deployment.MemoryFraction : MemoryFraction,
            MaxBatchSize = deployment.MaxBatchSize > 0 ? deployment.MaxBatchSize : MaxBatchSize,
            SafetyMarginGiB = deployment.SafetyMarginGiB > 0 ? deployment.SafetyMarginGiB : SafetyMarginGiB,
            Cluster = deployment.Cluster.PricePerGpuHour > 0 || PricePerGpuHour <= 0 ? deployment.Cluster : deployment.Cluster with { PricePerGpuHour = PricePerGpuHour },
        };

        private static double Number(AnalyzerConfigOptions options, string property, double min, double max, List<string> problems)
        {
            if (!options.TryGetValue("build_property." + property, out var text) || string.IsNullOrWhiteSpace(text))
            {
                return 0;
            }

            if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < min || value > max)
            {
                problems.Add(Format("MSBuild property {0} must be a number between {1} and {2}, but is '{3}'", property, min, max, text));
                return 0;
            }

            return value;
        }

        private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
