using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// Whether a declared cluster or deployment can be planned at all. Shared by the analyzers (which report each
    /// problem at its argument) and the generator (which declines a spec with any), so they never disagree.
    /// </summary>
    public static class SpecValidation
    {
        public const int MaxGpusPerNode = 1024;
        public const int MaxNodes = 16_384;
        public const int MaxTokens = 10_000_000;

        public static IReadOnlyList<SpecProblem> Validate(ClusterSpec cluster)
        {
            var problems = new List<SpecProblem>();
            if (!GpuCatalog.Contains(cluster.Gpu))
            {
                problems.Add(new SpecProblem(nameof(ClusterSpec.Gpu), Format("Gpu value {0} is not in the catalog", (int)cluster.Gpu)));
            }

            Range(problems, nameof(ClusterSpec.GpusPerNode), cluster.GpusPerNode, 1, MaxGpusPerNode);
            Range(problems, nameof(ClusterSpec.Nodes), cluster.Nodes, 1, MaxNodes);
            if (!System.Enum.IsDefined(typeof(Link), cluster.IntraNodeLink))
            {
                problems.Add(new SpecProblem(nameof(ClusterSpec.IntraNodeLink), Format("IntraNodeLink value {0} is not a known link", (int)cluster.IntraNodeLink)));
            }

            if (!System.Enum.IsDefined(typeof(Link), cluster.InterNodeLink))
            {
                problems.Add(new SpecProblem(nameof(ClusterSpec.InterNodeLink), Format("InterNodeLink value {0} is not a known link", (int)cluster.InterNodeLink)));
            }

            return problems;
        }

        /// <summary>Problems of the deployment's own settings (its model and cluster are validated separately).</summary>
        public static IReadOnlyList<SpecProblem> ValidateSettings(DeploymentSpec deployment)
        {
            var problems = new List<SpecProblem>();
            Range(problems, nameof(DeploymentSpec.InputTokens), deployment.InputTokens, 1, MaxTokens);
            Range(problems, nameof(DeploymentSpec.OutputTokens), deployment.OutputTokens, 1, MaxTokens);
            Range(problems, nameof(DeploymentSpec.MaxContext), deployment.MaxContext, 0, MaxTokens);
            Range(problems, nameof(DeploymentSpec.Concurrency), deployment.Concurrency, 0, 100_000_000);
            if (deployment.MaxContext > 0 && deployment.InputTokens > 0 && deployment.OutputTokens > 0 &&
                deployment.MaxContext < (long)deployment.InputTokens + deployment.OutputTokens)
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.MaxContext), Format(
                    "MaxContext {0} is shorter than one request of InputTokens + OutputTokens = {1}",
                    deployment.MaxContext, (long)deployment.InputTokens + deployment.OutputTokens)));
            }

            Range(problems, nameof(DeploymentSpec.TensorParallel), deployment.TensorParallel, 0, MaxGpusPerNode * MaxNodes);
            Range(problems, nameof(DeploymentSpec.PipelineParallel), deployment.PipelineParallel, 0, MaxGpusPerNode * MaxNodes);
            Range(problems, nameof(DeploymentSpec.ExpertParallel), deployment.ExpertParallel, 0, MaxGpusPerNode * MaxNodes);
            Range(problems, nameof(DeploymentSpec.MaxBatchSize), deployment.MaxBatchSize, 0, 1_000_000);
            Target(problems, nameof(DeploymentSpec.MaxTimeToFirstTokenMs), deployment.MaxTimeToFirstTokenMs);
            Target(problems, nameof(DeploymentSpec.MaxTimePerOutputTokenMs), deployment.MaxTimePerOutputTokenMs);
            if (!(deployment.SafetyMarginGiB >= 0 && deployment.SafetyMarginGiB <= 1024))
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.SafetyMarginGiB), Format(
                    "SafetyMarginGiB must be between 0 and 1024 GiB, but is {0}", deployment.SafetyMarginGiB)));
            }

            if (!(deployment.MemoryFraction >= 0 && deployment.MemoryFraction < 1))
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.MemoryFraction), Format(
                    "MemoryFraction must be in [0, 1) (0 = the engine's default), but is {0}", deployment.MemoryFraction)));
            }

            if (!System.Enum.IsDefined(typeof(Objective), deployment.Objective))
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.Objective), Format("Objective value {0} is not known", (int)deployment.Objective)));
            }

            if (!System.Enum.IsDefined(typeof(ServingEngine), deployment.Engine))
            {
                problems.Add(new SpecProblem(nameof(DeploymentSpec.Engine), Format("Engine value {0} is not known", (int)deployment.Engine)));
            }

            return problems;
        }

        public static bool IsValidPrecision(Precision precision) => System.Enum.IsDefined(typeof(Precision), precision);

        private static void Range(List<SpecProblem> problems, string property, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                problems.Add(new SpecProblem(property, Format("{0} must be between {1} and {2}, but is {3}", property, min, max, value)));
            }
        }

        private static void Target(List<SpecProblem> problems, string property, double value)
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                problems.Add(new SpecProblem(property, Format("{0} must be a finite number of milliseconds >= 0 (0 = no target), but is {1}", property, value)));
            }
        }

        private static string Format(string format, params object[] args) =>
            string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
