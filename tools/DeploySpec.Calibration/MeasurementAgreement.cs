using System;
using System.Collections.Generic;
using System.Linq;

namespace DeploySpec.Calibration
{
    /// <summary>
    /// How far the published measurements agree with each other: pairs of offline maximum-throughput figures of one
    /// configuration (engine, model, weights, GPU, GPU count, split) whose input and output lengths differ by at most
    /// <see cref="LengthTolerance"/> but are not equal (1000/1000 beside 1024/1024, 1000/2000 beside 1024/2048). Within
    /// one page the two figures differ by the lengths only; across pages (releases) also by the software. The
    /// cross-release spread is a floor under the error of any model that, like DeploySpec's, does not know the release.
    /// </summary>
    public static class MeasurementAgreement
    {
        /// <summary>Largest relative difference of input and of output length for two figures to count as near twins.</summary>
        public const double LengthTolerance = 0.03;

        /// <summary>Two near-twin figures: <see cref="First"/> at the shorter lengths.</summary>
        public sealed record Pair(PointResult First, PointResult Second)
        {
            /// <summary>True when both figures come from the same page (one release).</summary>
            public bool SameSource => First.Point.Source == Second.Point.Source;

            /// <summary>Measured second over measured first, minus one.</summary>
            public double MeasuredDifference => Second.Point.Measured / First.Point.Measured - 1.0;

            /// <summary>The model's second over its first, minus one (what the length difference alone accounts for).</summary>
            public double PredictedDifference => Second.Predicted / First.Predicted - 1.0;
        }

        /// <summary>Every near-twin pair among the published offline throughput figures of <paramref name="points"/>, in a stable order.</summary>
        public static IReadOnlyList<Pair> Pairs(IEnumerable<PointResult> points)
        {
            var offline = points
                .Where(p => p.Point.IsOfflineThroughput && CalibrationData.PublishedFiles.Contains(p.Point.File))
                .ToList();
            var pairs = new List<Pair>();
            foreach (var group in offline.GroupBy(p => Configuration(p.Point), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var rows = group.OrderBy(p => p.Point.Deployment.InputTokens).ThenBy(p => p.Point.Deployment.OutputTokens).ToList();
                for (int i = 0; i < rows.Count; i++)
                {
                    for (int j = i + 1; j < rows.Count; j++)
                    {
                        if (NearTwins(rows[i].Point, rows[j].Point))
                        {
                            pairs.Add(new Pair(rows[i], rows[j]));
                        }
                    }
                }
            }

            return pairs;
        }

        /// <summary>The configuration a figure measures, lengths aside.</summary>
        public static string Configuration(CalibrationPoint p)
        {
            var d = p.Deployment;
            return string.Join("|", d.Engine, d.Model.Name, d.Model.Weights, p.GpuGroup, d.Cluster.TotalGpus, d.TensorParallel, d.PipelineParallel, Math.Max(1, d.ExpertParallel));
        }

        private static bool NearTwins(CalibrationPoint a, CalibrationPoint b)
        {
            int ai = a.Deployment.InputTokens, bi = b.Deployment.InputTokens, ao = a.Deployment.OutputTokens, bo = b.Deployment.OutputTokens;
            return (ai != bi || ao != bo) && Close(ai, bi) && Close(ao, bo);
        }

        private static bool Close(int x, int y) => Math.Abs(x - y) <= LengthTolerance * Math.Max(x, y);
    }
}
