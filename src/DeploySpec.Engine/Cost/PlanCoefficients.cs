namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// Everything the evaluator needs about one plan of one deployment, folded to numbers (seconds, counts).
    /// The bottleneck pipeline stage sets the pace; a micro-batch of m sequences costs on it
    /// <c>T(m) = max(m*GemmSecondsPerSequence, DenseWeightSeconds + ExpertWeightSeconds*(1 - ExpertMissProbability^m))
    ///  + m*(AttentionSecondsPerSequence + CollectiveSecondsPerSequence) + CollectiveLatencySeconds</c>.
    /// See <see cref="CostFormula"/>.
    /// </summary>
    public sealed record PlanCoefficients(
        int Replicas,
        int Stages,
        int GpuCount,
        int MaxConcurrency,
        int OutputTokens,
        double GemmSecondsPerSequence,
        double DenseWeightSeconds,
        double ExpertWeightSeconds,
        double ExpertMissProbability,
        double AttentionSecondsPerSequence,
        double CollectiveSecondsPerSequence,
        double CollectiveLatencySeconds,
        double HopLatencySeconds,
        double HopSecondsPerSequence,
        double StepOverheadSeconds,
        double StepSecondsPerSequence,
        double StagePrefillSeconds,
        double PrefillLatencySeconds)
    {
        public bool HasExperts => ExpertWeightSeconds > 0;
    }
}
