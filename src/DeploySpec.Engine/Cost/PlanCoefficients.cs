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

        /// <summary>True when every coefficient is a finite number and the plan holds at least one request.</summary>
        public bool IsFinite
        {
            get
            {
                double[] values =
                {
                    GemmSecondsPerSequence, DenseWeightSeconds, ExpertWeightSeconds, ExpertMissProbability,
                    AttentionSecondsPerSequence, CollectiveSecondsPerSequence, CollectiveLatencySeconds, HopLatencySeconds,
                    HopSecondsPerSequence, StepOverheadSeconds, StepSecondsPerSequence, StagePrefillSeconds, PrefillLatencySeconds,
                };
                foreach (double v in values)
                {
                    if (double.IsNaN(v) || double.IsInfinity(v))
                    {
                        return false;
                    }
                }

                return MaxConcurrency >= 1;
            }
        }
    }
}
