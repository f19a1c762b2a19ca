using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Planning;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Parsing
{
    /// <summary>
    /// Project-wide defaults set in MSBuild (made visible to the compiler by the package's build props):
    /// DeploySpecMemoryFraction, DeploySpecMaxBatchSize, DeploySpecMaxBatchedTokens, DeploySpecSafetyMarginGiB,
    /// DeploySpecPricePerGpuHour. A
    /// deployment's (or its cluster's) own value wins.
    /// Value-equatable so the generator can cache it; problems are kept for the analyzer to report.
    /// </summary>
    public sealed record PlanningDefaults(double MemoryFraction, int MaxBatchSize, int MaxBatchedTokens, double SafetyMarginGiB, double PricePerGpuHour, EquatableArray<string> Problems)
    {
        public const string MemoryFractionProperty = "DeploySpecMemoryFraction";
        public const string MaxBatchSizeProperty = "DeploySpecMaxBatchSize";
        public const string MaxBatchedTokensProperty = "DeploySpecMaxBatchedTokens";
        public const string SafetyMarginProperty = "DeploySpecSafetyMarginGiB";
        public const string PricePerGpuHourProperty = "DeploySpecPricePerGpuHour";

        public static PlanningDefaults None { get; } = new(0, 0, 0, 0, 0, EquatableArray<string>.Empty);

        public static PlanningDefaults From(AnalyzerConfigOptions options)
        {
            var problems = new List<string>();
            double fraction = Number(options, MemoryFractionProperty, 0, 0.999999, problems);
            int batch = WholeNumber(options, MaxBatchSizeProperty, 1_000_000, problems);
            int tokens = WholeNumber(options, MaxBatchedTokensProperty, Engine.Vocabulary.DeploymentVocabulary.MaxTokens, problems);
            double margin = Number(options, SafetyMarginProperty, 0, 1024, problems);
            double price = Number(options, PricePerGpuHourProperty, 0, Engine.Vocabulary.ClusterVocabulary.MaxPricePerGpuHour, problems);
            return new PlanningDefaults(fraction, batch, tokens, margin, price, problems.ToEquatableArray());
        }

        /// <summary>The deployment with every setting it leaves at 0 taken from these defaults.</summary>
        public DeploymentSpec Apply(DeploymentSpec deployment) => deployment with
        {
            MemoryFraction = deployment.MemoryFraction > 0 ? deployment.MemoryFraction : MemoryFraction,
            MaxBatchSize = deployment.MaxBatchSize > 0 ? deployment.MaxBatchSize : MaxBatchSize,
            MaxBatchedTokens = deployment.MaxBatchedTokens > 0 ? deployment.MaxBatchedTokens : MaxBatchedTokens,
            SafetyMarginGiB = deployment.SafetyMarginGiB > 0 ? deployment.SafetyMarginGiB : SafetyMarginGiB,
            Cluster = deployment.Cluster.PricePerGpuHour > 0 || PricePerGpuHour <= 0 ? deployment.Cluster : deployment.Cluster with { PricePerGpuHour = PricePerGpuHour },
        };

        /// <summary>A whole number from 0 to <paramref name="max"/> (0 when unset or invalid, with the problem noted).</summary>
        private static int WholeNumber(AnalyzerConfigOptions options, string property, int max, List<string> problems)
        {
            double value = Number(options, property, 0, max, problems);
            if (value != System.Math.Floor(value))
            {
                problems.Add(Format("MSBuild property {0} must be a whole number, but is {1}", property, value));
                return 0;
            }

            return (int)value;
        }

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
