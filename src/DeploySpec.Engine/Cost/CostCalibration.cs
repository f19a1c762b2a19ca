namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// The efficiency factors of the cost model: fractions of datasheet peaks that real kernels reach, and fixed
    /// latencies. <see cref="Default"/> holds the values fitted by <see cref="Calibration.Calibrator"/> on the
    /// measurements in docs/calibration.md (and ONLY those); a test refits and checks they have not drifted.
    /// </summary>
    public sealed record CostCalibration(
        double MatmulEfficiency,
        double WeightStreamEfficiency,
        double KvStreamEfficiency,
        double CollectiveBandwidthEfficiency,
        double CollectiveLatencySeconds,
        double StepOverheadSeconds)
    {
        /// <summary>
        /// Fitted by <c>Calibrator.Fit(CalibrationData.TrtLlmOfflineMaxThroughput())</c> (docs/accuracy.md shows
        /// the fit and its residuals). Both bandwidth efficiencies sit at the 0.90 ceiling of measured device copies.
        /// </summary>
        public static CostCalibration Default { get; } = new(
            MatmulEfficiency: 0.5637284019803763,
            WeightStreamEfficiency: 0.8999999999999999,
            KvStreamEfficiency: 0.8999999999996071,
            CollectiveBandwidthEfficiency: 0.6597622895196118,
            CollectiveLatencySeconds: 6.631033585225975E-06,
            StepOverheadSeconds: 0.004295314542564447);
    }
}
