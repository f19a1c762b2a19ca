using System;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace DeploySpec.Calibration
{
    /// <summary>
    /// Least squares on a residual vector by Math.NET Numerics' Levenberg-Marquardt minimiser, with a forward-difference
    /// Jacobian (one residual evaluation per parameter and step). A residual vector is a "model" of zero observations.
    /// </summary>
    public static class LevenbergMarquardt
    {
        public const int MaxIterations = 200;

        public static double[] Minimize(Func<double[], double[]> residuals, double[] start)
        {
            int m = residuals(start).Length;
            var zeros = Vector<double>.Build.Dense(m);
            var indices = Vector<double>.Build.Dense(m, i => i);
            var objective = ObjectiveFunction.NonlinearModel(
                (p, _) => Vector<double>.Build.DenseOfArray(residuals(p.ToArray())), indices, zeros, accuracyOrder: 1);
            var minimizer = new LevenbergMarquardtMinimizer(maximumIterations: MaxIterations);
            var result = minimizer.FindMinimum(objective, Vector<double>.Build.DenseOfArray(start));
            return result.MinimizingPoint.ToArray();
        }
    }
}
