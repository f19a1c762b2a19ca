using System;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Cost
{
    /// <summary>What real kernels reach on one GPU generation, as fractions of its datasheet peaks.</summary>
    /// <param name="Matmul">Share of the dense tensor-core rate that large matrix products reach.</param>
    /// <param name="WeightStream">Share of the HBM bandwidth at which weights stream.</param>
    /// <param name="KvStream">Share of the HBM bandwidth at which the KV cache is read in decode attention.</param>
    /// <param name="Collective">Share of the per-direction link bandwidth that all-reduces, all-to-alls and pipeline hand-offs reach.</param>
    public sealed record GenerationEfficiency(double Matmul, double WeightStream, double KvStream, double Collective);

    /// <summary>
    /// A serving engine's own work per iteration: its runtime (scheduling, launches, sampling), not the hardware's.
    /// </summary>
    /// <param name="StepOverheadSeconds">Fixed work per engine iteration, s.</param>
    /// <param name="StepSecondsPerSequence">Work per sequence in each iteration, s.</param>
    public sealed record EngineRuntime(double StepOverheadSeconds, double StepSecondsPerSequence);

    /// <summary>
    /// The relative half-width of an estimate's band: the cross-validated error of the calibrated corner, and what
    /// each axis of extrapolation adds, combined in quadrature. Set from the leave-one-group-out errors that
    /// <c>dotnet run --project tools/DeploySpec.Calibration -- crossvalidate</c> prints (docs/accuracy.md).
    /// </summary>
    /// <param name="Calibrated">Median leave-one-group-out error over every calibration measurement.</param>
    /// <param name="GpuGeneration">Median error on a GPU left out of the fit (the worst of H100, H200, B200).</param>
    /// <param name="Precision">Median error on the FP4 (B200) rows left out of the fit.</param>
    /// <param name="ModelSize">Median error on a model size left out of the fit (the worst of 8B, 70B).</param>
    /// <param name="Lengths">Median error on the latency rows left out of the fit (lengths and loads the throughput rows lack).</param>
    /// <param name="Parallelism">No group tests it: the largest of the errors above.</param>
    /// <param name="Architecture">No group tests it: the largest of the errors above.</param>
    public sealed record UncertaintyBand(double Calibrated, double GpuGeneration, double Precision, double ModelSize, double Lengths,
        double Parallelism, double Architecture)
    {
        /// <summary>The band of a plan extrapolated along <paramref name="axes"/>.</summary>
        public double For(ExtrapolationAxes axes)
        {
            double sum = Calibrated * Calibrated;
            if ((axes & ExtrapolationAxes.GpuGeneration) != 0) sum += GpuGeneration * GpuGeneration;
            if ((axes & ExtrapolationAxes.Precision) != 0) sum += Precision * Precision;
            if ((axes & ExtrapolationAxes.ModelSize) != 0) sum += ModelSize * ModelSize;
            if ((axes & ExtrapolationAxes.Lengths) != 0) sum += Lengths * Lengths;
            if ((axes & ExtrapolationAxes.Parallelism) != 0) sum += Parallelism * Parallelism;
            if ((axes & ExtrapolationAxes.Architecture) != 0) sum += Architecture * Architecture;
            return Math.Sqrt(sum);
        }
    }

    /// <summary>
    /// The fitted factors of the cost model: per GPU generation, the fractions of datasheet peaks that real kernels
    /// reach (hardware), the GEMM half-saturation size and the collectives' efficiency and latency (shared), and the
    /// serving engine's own work per iteration (runtime; measured on TensorRT-LLM, the only engine in the data, and
    /// used for every engine). <see cref="Default"/> holds what the calibration tool (tools/DeploySpec.Calibration)
    /// fits on ../shared/calibration (and ONLY that); a test refits and checks they have not drifted.
    /// </summary>
    public sealed record CostCalibration(
        GenerationEfficiency Hopper,
        GenerationEfficiency Blackwell,
        double MatmulHalfSaturationTokens,
        double CollectiveLatencySeconds,
        EngineRuntime TensorRtLlm,
        UncertaintyBand Band)
    {
        /// <summary>
        /// The runtime overheads of <paramref name="engine"/>. Every calibration measurement ran on TensorRT-LLM, so
        /// its figures are the only ones fitted, and vLLM and SGLang use them too (docs/accuracy.md says so).
        /// </summary>
        public EngineRuntime Runtime(ServingEngine engine) => TensorRtLlm;

        /// <summary>The efficiencies of <paramref name="gpu"/>'s generation: Blackwell's for Blackwell GPUs, Hopper's for every other (flagged as extrapolated where not measured).</summary>
        public GenerationEfficiency For(GpuSpec gpu) => gpu.Generation == GpuGeneration.Blackwell ? Blackwell : Hopper;

        /// <summary>
        /// Fitted by <c>dotnet run --project tools/DeploySpec.Calibration -- fit</c> on all three files of
        /// ../shared/calibration and the seed's ratios (docs/accuracy.md shows the fit, its residuals and the
        /// cross-validation that sets the band).
        /// </summary>
        public static CostCalibration Default { get; } = new(
            Hopper: new GenerationEfficiency(Matmul: 0.5645833639269359, WeightStream: 0.8999999999995656, KvStream: 0.8999999999995361, Collective: 0.6210899296283414),
            Blackwell: new GenerationEfficiency(Matmul: 0.5752684720535428, WeightStream: 0.8999999999999999, KvStream: 0.3371871517539595, Collective: 0.4041017085737153),
            MatmulHalfSaturationTokens: 1.100030866733332E-26,
            CollectiveLatencySeconds: 1.000000000562092E-06,
            TensorRtLlm: new EngineRuntime(StepOverheadSeconds: 0.006156799465587321, StepSecondsPerSequence: 1.0000000549715314E-08),
            Band: new UncertaintyBand(Calibrated: 0.136, GpuGeneration: 0.548, Precision: 0.548,
                ModelSize: 0.206, Lengths: 0.043, Parallelism: 0.548, Architecture: 0.548));
    }

    /// <summary>Where a plan lies against the calibration data (docs/accuracy.md lists what was measured).</summary>
    public static class CalibrationDomain
    {
        /// <summary>The axes along which <paramref name="degrees"/> of <paramref name="deployment"/> lie outside the measurements.</summary>
        public static ExtrapolationAxes Axes(DeploymentSpec deployment, Degrees degrees)
        {
            var axes = ExtrapolationAxes.None;
            var model = deployment.Model;
            var gpu = GpuCatalog.Of(deployment.Cluster);
            if (!gpu.IsMeasured)
            {
                axes |= ExtrapolationAxes.GpuGeneration;
            }

            bool fp8 = model.Weights == Precision.Fp8 && model.KvCache == Precision.Fp8;
            bool measuredHere = gpu.Measured(model.Weights) && model.KvCache == Precision.Fp8;
            if (!fp8 && !measuredHere)
            {
                axes |= ExtrapolationAxes.Precision;
            }

            double parameters = ModelMath.TotalParameters(model);
            if (parameters < 7e9 || parameters > 75e9)
            {
                axes |= ExtrapolationAxes.ModelSize;
            }

            if (model.IsMoe || model.IsMla || model.SlidingWindow > 0 || model.AttentionChunkSize > 0 || model.HasRecurrentLayers || model.HybridPattern.Length > 0)
            {
                axes |= ExtrapolationAxes.Architecture;
            }

            if (deployment.InputTokens < 128 || deployment.InputTokens > 20_000 || deployment.OutputTokens > 4_096)
            {
                axes |= ExtrapolationAxes.Lengths;
            }

            if (degrees.TensorParallel > 8 || degrees.PipelineParallel > 1 || degrees.TensorParallel * degrees.PipelineParallel > deployment.Cluster.GpusPerNode)
            {
                axes |= ExtrapolationAxes.Parallelism;
            }

            return axes;
        }
    }
}
