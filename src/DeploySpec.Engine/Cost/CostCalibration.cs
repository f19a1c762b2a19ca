namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// The efficiency factors of the cost model: fractions of datasheet peaks that real kernels reach, and fixed
    /// latencies. <see cref="Default"/> holds the values fitted by the calibration tool (tools/DeploySpec.Calibration) on the
    /// measurements in docs/calibration.md (and ONLY those); a test refits and checks they have not drifted.
    /// </summary>
    public sealed record CostCalibration(
        double MatmulEfficiency,
        double WeightStreamEfficiency,
        double KvStreamEfficiency,
        double CollectiveBandwidthEfficiency,
        double CollectiveLatencySeconds,
        double StepOverheadSeconds,
        double StepSecondsPerSequence)
    {
        /// <summary>
        /// Fitted by <c>Calibrator.Fit(CalibrationData.TrtLlmOfflineMaxThroughput())</c> (docs/accuracy.md shows
        /// the fit and its residuals). Weight streaming sits at the 0.90 ceiling of measured device copies; the fixed step overhead at its 10 µs floor
        /// (the data puts the engine's per-iteration work on the sequences, ~5.6 µs each).
        /// </summary>
        public static CostCalibration Default { get; } = new(
            MatmulEfficiency: 0.595271830370316,
            WeightStreamEfficiency: 0.8999999999999979,
            KvStreamEfficiency: 0.7980734458980041,
            CollectiveBandwidthEfficiency: 0.7751967714501118,
            CollectiveLatencySeconds: 1.8137657834694205E-05,
            StepOverheadSeconds: 1E-05,
            StepSecondsPerSequence: 5.642988290490742E-06);
    }
}
