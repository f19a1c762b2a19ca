using System;

namespace DeploySpec.Calibration
{
    /// <summary>
    /// Nelder-Mead simplex minimisation (standard coefficients 1, 2, 0.5, 0.5). Deterministic: the same function
    /// and start give the same answer bit for bit.
    /// </summary>
    public static class NelderMead
    {
        public static double[] Minimize(Func<double[], double> f, double[] start, double step, int maxIterations, double tolerance)
        {
            int n = start.Length;
            var simplex = new double[n + 1][];
            var values = new double[n + 1];
            for (int i = 0; i <= n; i++)
            {
                simplex[i] = (double[])start.Clone();
                if (i > 0)
                {
                    simplex[i][i - 1] += step;
                }

                values[i] = f(simplex[i]);
            }

            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                Array.Sort(values, simplex);
                if (Math.Abs(values[n] - values[0]) <= tolerance * (Math.Abs(values[0]) + tolerance))
                {
                    break;
                }

                var centroid = new double[n];
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        centroid[j] += simplex[i][j] / n;
                    }
                }

                double[] Along(double t)
                {
                    var x = new double[n];
                    for (int j = 0; j < n; j++)
                    {
                        x[j] = centroid[j] + t * (simplex[n][j] - centroid[j]);
                    }

                    return x;
                }

                var reflected = Along(-1.0);
                double fr = f(reflected);
                if (fr < values[0])
                {
                    var expanded = Along(-2.0);
                    double fe = f(expanded);
                    if (fe < fr)
                    {
                        simplex[n] = expanded;
                        values[n] = fe;
                    }
                    else
                    {
                        simplex[n] = reflected;
                        values[n] = fr;
                    }

                    continue;
                }

                if (fr < values[n - 1])
                {
                    simplex[n] = reflected;
                    values[n] = fr;
                    continue;
                }

                var contracted = fr < values[n] ? Along(-0.5) : Along(0.5);
                double fc = f(contracted);
                if (fc < Math.Min(fr, values[n]))
                {
                    simplex[n] = contracted;
                    values[n] = fc;
                    continue;
                }

                for (int i = 1; i <= n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        simplex[i][j] = simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]);
                    }

                    values[i] = f(simplex[i]);
                }
            }

            Array.Sort(values, simplex);
            return simplex[0];
        }
    }
}
