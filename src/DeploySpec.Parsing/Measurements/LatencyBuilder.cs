using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Engine.Measurements;

namespace DeploySpec.Parsing.Measurements
{
    /// <summary>Collects one latency's figures, in milliseconds, as a reader finds them.</summary>
    internal sealed class LatencyBuilder
    {
        private readonly Dictionary<double, double> _percentiles = new();
        private LatencyStatistics _statistics = new();

        public void Mean(double ms) => _statistics = _statistics with { MeanMs = ms };

        public void Median(double ms) => _statistics = _statistics with { MedianMs = ms };

        public void Std(double ms) => _statistics = _statistics with { StdMs = ms };

        public void Min(double ms) => _statistics = _statistics with { MinMs = ms };

        public void Max(double ms) => _statistics = _statistics with { MaxMs = ms };

        public void Percentile(double rank, double ms) => _percentiles[rank] = ms;

        /// <summary>The figures found, or null when there were none.</summary>
        public LatencyStatistics? Build()
        {
            var built = _statistics with { Percentiles = new PercentileList(Percentiles()) };
            return built.IsEmpty ? null : built;
        }

        private IEnumerable<Percentile> Percentiles()
        {
            foreach (var pair in _percentiles)
            {
                yield return new Percentile(pair.Key, pair.Value);
            }
        }

        /// <summary>The rank of a percentile written "p99", "p99.9" or "99.9" (0 to 100), or null.</summary>
        public static double? Rank(string text)
        {
            string digits = text.StartsWith("p", System.StringComparison.Ordinal) ? text.Substring(1) : text;
            if (digits.Length == 0 || digits[0] is < '0' or > '9' || digits[digits.Length - 1] is < '0' or > '9')
            {
                return null;
            }

            return double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rank) && rank >= 0 && rank <= 100
                ? rank
                : null;
        }
    }
}
