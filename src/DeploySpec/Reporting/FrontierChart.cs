using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DeploySpec.Reporting
{
    /// <summary>
    /// Draws throughput per GPU against per-user speed on log-log axes (both span decades): every plan's load
    /// sweep in grey, the Pareto frontier in blue, the min-latency, max-throughput and recommended plans marked.
    /// Plain SVG 1.1, deterministic, culture-invariant.
    /// </summary>
    internal static class FrontierChart
    {
        private const double Width = 1040, Height = 600, Left = 90, Right = 330, Top = 60, Bottom = 70;

        /// <summary>The chart of <paramref name="report"/> as an SVG document.</summary>
        public static string Render(DeploymentReport report)
        {
            var sweeps = report.Plans.Select(p => (Plan: p, Points: report.Sweep(p))).ToList();
            var band = report.Frontier.Select(f => f.Estimate).ToList();
            var upper = band.Select(e => Scaled(e, 1 + e.Uncertainty)).ToList();
            var lower = band.Select(e => Scaled(e, Math.Max(0.05, 1 - e.Uncertainty))).ToList();
            var all = sweeps.SelectMany(s => s.Points).Concat(upper).Concat(lower).ToList();
            double xMin = all.Min(p => p.OutputTokensPerSecondPerUser), xMax = all.Max(p => p.OutputTokensPerSecondPerUser);
            double yMin = all.Min(p => p.OutputTokensPerSecondPerGpu), yMax = all.Max(p => p.OutputTokensPerSecondPerGpu);
            var x = new LogAxis(xMin, xMax, Left, Width - Right);
            var y = new LogAxis(yMin, yMax, Height - Bottom, Top);

            var svg = new StringBuilder();
            void Line(string text) => svg.Append(text).Append('\n');
            Line($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">");
            Line("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
            var f = report.Facts;
            Line($"<text x=\"{N(Left)}\" y=\"26\" font-size=\"16\" font-weight=\"bold\">{Escape(f.Name)}: {Escape(f.ModelName)} on {f.TotalGpus} x {Escape(f.GpuLabel)}, {f.InputTokens} in / {f.OutputTokens} out</text>");
            Line($"<text x=\"{N(Left)}\" y=\"44\" fill=\"#555\">Throughput per GPU against speed per user, every plan from 1 request to capacity. DeploySpec cost-model estimates, not measurements.</text>");

            // grid and ticks
            foreach (double t in x.Ticks())
            {
                double px = x.Map(t);
                Line($"<line x1=\"{N(px)}\" y1=\"{N(Top)}\" x2=\"{N(px)}\" y2=\"{N(Height - Bottom)}\" stroke=\"#e5e5e5\"/>");
                Line($"<text x=\"{N(px)}\" y=\"{N(Height - Bottom + 18)}\" text-anchor=\"middle\">{Tick(t)}</text>");
            }

            foreach (double t in y.Ticks())
            {
                double py = y.Map(t);
                Line($"<line x1=\"{N(Left)}\" y1=\"{N(py)}\" x2=\"{N(Width - Right)}\" y2=\"{N(py)}\" stroke=\"#e5e5e5\"/>");
                Line($"<text x=\"{N(Left - 8)}\" y=\"{N(py + 4)}\" text-anchor=\"end\">{Tick(t)}</text>");
            }

            Line($"<rect x=\"{N(Left)}\" y=\"{N(Top)}\" width=\"{N(Width - Left - Right)}\" height=\"{N(Height - Top - Bottom)}\" fill=\"none\" stroke=\"#888\"/>");
            Line($"<text x=\"{N((Left + Width - Right) / 2)}\" y=\"{N(Height - 22)}\" text-anchor=\"middle\" font-size=\"13\">output tokens/s per user (log scale)</text>");
            Line($"<text transform=\"translate(24 {N((Top + Height - Bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">output tokens/s per GPU (log scale)</text>");

            // every plan's sweep
            foreach (var (plan, points) in sweeps)
            {
                bool recommended = plan.Equals(report.Recommended);
                string color = recommended ? "#8e44ad" : "#b0b0b0";
                Line($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{(recommended ? "2" : "1")}\" points=\"{Points(points, x, y)}\"/>");
                foreach (var p in points)
                {
                    Line($"<circle cx=\"{N(x.Map(p.OutputTokensPerSecondPerUser))}\" cy=\"{N(y.Map(p.OutputTokensPerSecondPerGpu))}\" r=\"2.5\" fill=\"{color}\"/>");
                }
            }

            // the band the frontier lies in (the estimates' uncertainty on both axes), then the frontier
            string bandPoints = Points(upper, x, y) + " " + Points(Enumerable.Reverse(lower).ToList(), x, y);
            Line($"<polygon fill=\"#1f6fd1\" fill-opacity=\"0.12\" stroke=\"none\" points=\"{bandPoints}\"><title>uncertainty band of the frontier (\u00b1{N(band.Max(e => e.Uncertainty) * 100)}%)</title></polygon>");
            var frontier = report.Frontier.Select(p => p.Estimate).ToList();
            Line($"<polyline fill=\"none\" stroke=\"#1f6fd1\" stroke-width=\"2.5\" points=\"{Points(frontier, x, y)}\"/>");
            foreach (var p in frontier)
            {
                Line($"<circle cx=\"{N(x.Map(p.OutputTokensPerSecondPerUser))}\" cy=\"{N(y.Map(p.OutputTokensPerSecondPerGpu))}\" r=\"4\" fill=\"#1f6fd1\"/>");
            }

            // winners
            var fastest = report.Estimate(report.MinLatency, 1);
            var busiest = report.Estimate(report.MaxThroughput, report.MaxThroughput.MaxConcurrency);
            Marker(svg, x, y, fastest, "#1e9e4a", "min latency: " + report.MinLatency + " @1");
            Marker(svg, x, y, busiest, "#e67e22", "max throughput: " + report.MaxThroughput + " @" + busiest.Concurrency.ToString(CultureInfo.InvariantCulture));

            // legend
            double lx = Width - Right + 20, ly = Top + 10;
            Legend(svg, lx, ly, "#1f6fd1", "Pareto frontier");
            Legend(svg, lx, ly + 22, "#b0b0b0", "a plan, 1 request to capacity");
            Legend(svg, lx, ly + 44, "#8e44ad", "recommended: " + report.Recommended);
            Legend(svg, lx, ly + 66, "#1e9e4a", "min latency: " + report.MinLatency);
            Legend(svg, lx, ly + 88, "#e67e22", "max throughput: " + report.MaxThroughput);
            Line("</svg>");
            return svg.ToString();
        }

        private static void Marker(StringBuilder svg, LogAxis x, LogAxis y, PerformanceEstimate p, string color, string label)
        {
            double px = x.Map(p.OutputTokensPerSecondPerUser), py = y.Map(p.OutputTokensPerSecondPerGpu);
            svg.Append($"<rect x=\"{N(px - 6)}\" y=\"{N(py - 6)}\" width=\"12\" height=\"12\" fill=\"{color}\" transform=\"rotate(45 {N(px)} {N(py)})\"/>\n");
            // Labels go toward the middle of the plot so they stay inside it, with a white halo over the lines.
            bool right = px < (Left + Width - Right) / 2;
            double ly = py < Top + 40 ? py + 22 : py - 12;
            svg.Append($"<text x=\"{N(right ? px + 12 : px - 12)}\" y=\"{N(ly)}\" text-anchor=\"{(right ? "start" : "end")}\" fill=\"{color}\" font-weight=\"bold\" stroke=\"white\" stroke-width=\"4\" paint-order=\"stroke\">{Escape(label)}</text>\n");
        }

        private static void Legend(StringBuilder svg, double x, double y, string color, string label)
        {
            svg.Append($"<rect x=\"{N(x)}\" y=\"{N(y - 9)}\" width=\"14\" height=\"10\" fill=\"{color}\"/>\n");
            svg.Append($"<text x=\"{N(x + 20)}\" y=\"{N(y)}\">{Escape(label)}</text>\n");
        }

        /// <summary>The estimate with per-user speed and throughput per GPU scaled by <paramref name="factor"/> (a band edge).</summary>
        private static PerformanceEstimate Scaled(PerformanceEstimate e, double factor) =>
            e with { TimePerOutputTokenMs = e.TimePerOutputTokenMs / factor, OutputTokensPerSecond = e.OutputTokensPerSecond * factor, OutputTokensPerSecondPerGpu = e.OutputTokensPerSecondPerGpu * factor };

        private static string Points(IEnumerable<PerformanceEstimate> points, LogAxis x, LogAxis y) =>
            string.Join(" ", points.Select(p => N(x.Map(p.OutputTokensPerSecondPerUser)) + "," + N(y.Map(p.OutputTokensPerSecondPerGpu))));

        private static string Tick(double value) => value >= 1
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);

        private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

        /// <summary>A base-10 log axis from a little below the minimum to a little above the maximum.</summary>
        private sealed class LogAxis
        {
            private readonly double _low, _high, _from, _to;

            public LogAxis(double min, double max, double from, double to)
            {
                min = Math.Max(min, 1e-6);
                max = Math.Max(max, min * 1.0001);
                _low = Math.Log10(min) - 0.08;
                _high = Math.Log10(max) + 0.08;
                _from = from;
                _to = to;
            }

            public double Map(double value) => _from + (Math.Log10(Math.Max(value, 1e-9)) - _low) / (_high - _low) * (_to - _from);

            /// <summary>1, 2 and 5 times the powers of ten inside the axis (1 and 10s only when they would crowd).</summary>
            public IEnumerable<double> Ticks()
            {
                bool crowded = _high - _low > 3;
                for (int e = (int)Math.Floor(_low); e <= (int)Math.Ceiling(_high); e++)
                {
                    foreach (double m in crowded ? new[] { 1.0 } : new[] { 1.0, 2.0, 5.0 })
                    {
                        double v = m * Math.Pow(10, e);
                        double l = Math.Log10(v);
                        if (l >= _low && l <= _high)
                        {
                            yield return v;
                        }
                    }
                }
            }
        }
    }
}
