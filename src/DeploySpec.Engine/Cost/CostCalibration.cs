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
    /// <param name="MatmulHalfSaturationTokens">
    /// Tokens at which a matrix product reaches half its large-matrix rate: a product of m tokens runs at m / (m + this)
    /// of it (partly filled tensor-core tiles and waves at small m).
    /// </param>
    public sealed record GenerationEfficiency(double Matmul, double WeightStream, double KvStream, double Collective, double MatmulHalfSaturationTokens);

    /// <summary>
    /// A serving engine's own work per iteration (its runtime: scheduling, launches, sampling), and how its expert
    /// kernels compare with TensorRT-LLM's, on which the expert efficiencies are fitted.
    /// </summary>
    /// <param name="StepOverheadSeconds">Fixed work per engine iteration, s.</param>
    /// <param name="StepSecondsPerSequence">Work per sequence in each iteration, s.</param>
    /// <param name="ExpertTimeFactor">The engine's routed-expert time (compute and weight streaming) over TensorRT-LLM's: its fused-MoE kernels; 1 for TensorRT-LLM.</param>
    public sealed record EngineRuntime(double StepOverheadSeconds, double StepSecondsPerSequence, double ExpertTimeFactor = 1.0);

    /// <summary>
    /// What mixture-of-experts layers reach beside the dense model's efficiencies, fitted on the MoE rows of the
    /// calibration data: routed tokens do not spread evenly (the busiest expert of a layer sets its time) and grouped
    /// expert GEMMs run on few tokens per expert. Each MoE layer's fixed time per iteration is not a factor of its own:
    /// it is <see cref="CostCalibration.MoeLayerLatencySeconds"/> (<see cref="CostModel.RoutingStepsPerMoeLayer"/> x the collective latency).
    /// </summary>
    /// <param name="ComputeFactor">Expert matrix-product time over its even-load, dense-rate time (at least 1): load imbalance and grouped-GEMM efficiency together.</param>
    /// <param name="WeightStream">Share of the HBM bandwidth at which routed-expert weights stream (scattered, per-expert tiles).</param>
    public sealed record ExpertEfficiency(double ComputeFactor, double WeightStream);

    /// <summary>
    /// What the cross-validation says of one axis (docs/accuracy.md): the median held-out error of calibration
    /// configurations of this axis's kind when other configurations of the kind were in the fit (a plan of the kind
    /// inside the data), and the median held-out error of the axis's whole group left out of the fit (a plan beyond
    /// the data along the axis). Null where no calibration row can say: "not measured".
    /// </summary>
    /// <param name="InData">Held-out error of configurations of this kind, others of the kind fitted (ten folds by configuration).</param>
    /// <param name="Beyond">Held-out error of the axis's group left out whole (leave one group out; the worst group of the axis).</param>
    public sealed record AxisError(double? InData, double? Beyond);

    /// <summary>
    /// Finer kinds of plan, inside an axis's kind, on which the model is measurably further off than on the rest of the
    /// kind (docs/accuracy.md, ten folds): such a plan carries their held-out error where it is the larger.
    /// </summary>
    [Flags]
    public enum BandTraits
    {
        /// <summary>None of them.</summary>
        None = 0,
        /// <summary>Experts over more than <see cref="CalibrationDomain.NarrowGroup"/> attention-data-parallel ranks (DEP8); refines expert parallelism.</summary>
        WideExpertGroup = 1,
        /// <summary>A model replica or expert group of more than <see cref="CalibrationDomain.NarrowGroup"/> GPUs joined by PCIe only; refines the GPU kind.</summary>
        WidePcieGroup = 2,
        /// <summary>Mixture-of-experts with grouped-query (not latent) attention: Qwen3, Llama 4, Mixtral; refines the architecture kind.</summary>
        GroupedQueryExperts = 4,
    }

    /// <summary>
    /// The relative half-width of an estimate's band, from held-out errors only (docs/accuracy.md). A plan inside the
    /// data gets the held-out error of configurations like it: the calibrated corner's, or the larger error of the kinds
    /// it belongs to (pipeline-parallel, mixture-of-experts, a serving engine other than TensorRT-LLM, ...). Each axis
    /// along which it lies beyond the data adds that axis's leave-the-group-out error in quadrature. An axis no row can
    /// measure adds nothing and is reported as not measured (<see cref="Unmeasured"/>), never another axis's error.
    /// </summary>
    /// <param name="Calibrated">Median held-out error over every configuration, ten folds by configuration.</param>
    /// <param name="GpuGeneration">A GPU other than Hopper; beyond: a GPU left out of the fit (the worst GPU).</param>
    /// <param name="Precision">Weights other than FP8; beyond: a weight format left out of the fit (the worst format).</param>
    /// <param name="ModelSize">A model above 100 B parameters; beyond: a size group left out of the fit (the worst).</param>
    /// <param name="Lengths">Beyond: the latency rows left out (lengths and loads the throughput rows lack).</param>
    /// <param name="Parallelism">Pipeline parallelism; beyond: the worse of the PP &gt; 1 rows and the TP8 rows left out.</param>
    /// <param name="ExpertParallelism">Experts over more GPUs than the attention TP group (EP &gt; TP); beyond: those rows left out.</param>
    /// <param name="Architecture">Mixture-of-experts (latent, chunked attention); beyond: the MoE rows left out.</param>
    /// <param name="Engine">vLLM or SGLang; beyond: an engine's rows left out (the worst engine other than TensorRT-LLM).</param>
    /// <param name="WideExpertGroup">
    /// Held-out error (ten folds) of the configurations whose experts span more than
    /// <see cref="CalibrationDomain.NarrowGroup"/> attention-data-parallel ranks (DEP8; <see cref="BandTraits.WideExpertGroup"/>).
    /// Null where no such row was in the fit.
    /// </param>
    /// <param name="WidePcieGroup">
    /// Held-out error (ten folds) of the configurations whose model replica or expert group spans more than
    /// <see cref="CalibrationDomain.NarrowGroup"/> GPUs joined by PCIe only (eight RTX PRO 6000; <see cref="BandTraits.WidePcieGroup"/>).
    /// Null where no such row was in the fit.
    /// </param>
    /// <param name="GroupedQueryExperts">
    /// Held-out error (ten folds) of the mixture-of-experts configurations whose attention is not latent (Qwen3, Llama 4,
    /// Mixtral; <see cref="BandTraits.GroupedQueryExperts"/>). Null where no such row was in the fit.
    /// </param>
    public sealed record UncertaintyBand(double Calibrated, AxisError GpuGeneration, AxisError Precision, AxisError ModelSize, AxisError Lengths,
        AxisError Parallelism, AxisError ExpertParallelism, AxisError Architecture, AxisError Engine, double? WideExpertGroup = null,
        double? WidePcieGroup = null, double? GroupedQueryExperts = null)
    {
        /// <summary>
        /// The band of a plan of the kinds <paramref name="kinds"/> lying beyond the data along <paramref name="beyond"/>,
        /// with the finer kinds <paramref name="traits"/> (each counts where its axis lies inside the data).
        /// </summary>
        public double For(ExtrapolationAxes kinds, ExtrapolationAxes beyond, BandTraits traits = BandTraits.None)
        {
            double inside = Calibrated, sum = 0;
            foreach (var (axis, error) in Axes)
            {
                if ((beyond & axis) != 0)
                {
                    if (error.Beyond is double e)
                    {
                        sum += e * e;
                    }
                }
                else if ((kinds & axis) != 0 && error.InData is double d)
                {
                    inside = Math.Max(inside, d);
                }
            }

            foreach (var (trait, error) in Traits)
            {
                if ((traits & trait) != 0 && (kinds & ~beyond & CalibrationDomain.Refines(trait)) != 0 && error is double t)
                {
                    inside = Math.Max(inside, t);
                }
            }

            return Math.Sqrt(inside * inside + sum);
        }

        /// <summary>Each finer kind and its held-out error.</summary>
        private (BandTraits Trait, double? Error)[] Traits => new[]
        {
            (BandTraits.WideExpertGroup, WideExpertGroup),
            (BandTraits.WidePcieGroup, WidePcieGroup),
            (BandTraits.GroupedQueryExperts, GroupedQueryExperts),
        };

        /// <summary>The axes of <paramref name="beyond"/> that no calibration group measures: the band cannot say how far off the model is along them.</summary>
        public ExtrapolationAxes Unmeasured(ExtrapolationAxes beyond)
        {
            var unmeasured = beyond & NeverMeasured;
            foreach (var (axis, error) in Axes)
            {
                if ((beyond & axis) != 0 && error.Beyond is null)
                {
                    unmeasured |= axis;
                }
            }

            return unmeasured;
        }

        /// <summary>Axes no group of calibration rows can measure, whatever the fit: layer kinds no row ran, and serving modes.</summary>
        public const ExtrapolationAxes NeverMeasured = ExtrapolationAxes.LayerKind | ExtrapolationAxes.ServingMode;

        private (ExtrapolationAxes Axis, AxisError Error)[] Axes => new[]
        {
            (ExtrapolationAxes.GpuGeneration, GpuGeneration),
            (ExtrapolationAxes.Precision, Precision),
            (ExtrapolationAxes.ModelSize, ModelSize),
            (ExtrapolationAxes.Lengths, Lengths),
            (ExtrapolationAxes.Parallelism, Parallelism),
            (ExtrapolationAxes.ExpertParallelism, ExpertParallelism),
            (ExtrapolationAxes.Architecture, Architecture),
            (ExtrapolationAxes.Engine, Engine),
        };
    }

    /// <summary>
    /// The fitted factors of the cost model: per GPU generation, the fractions of datasheet peaks that real kernels
    /// reach and the GEMM half-saturation size (hardware), the collectives' latency (shared), what
    /// expert layers reach (<see cref="Experts"/>), and each serving engine's own work per iteration (runtime), fitted
    /// on that engine's rows. <see cref="Default"/> holds what the calibration tool (tools/DeploySpec.Calibration)
    /// fits; a test refits and checks they have not drifted.
    /// </summary>
    /// <param name="Hopper">Hopper's efficiencies (H100, H200; also every GPU outside Blackwell).</param>
    /// <param name="Blackwell">Data-centre Blackwell's efficiencies (B200, B300, GB200, GB300).</param>
    /// <param name="BlackwellRtx">Workstation Blackwell's efficiencies (RTX PRO 6000); null when no such row was in the fit (data-centre Blackwell's apply).</param>
    /// <param name="CollectiveLatencySeconds">Fixed latency of an all-reduce over eight GPUs (smaller groups take <see cref="CostModel.AllReduceLatencyShare"/> of it), of each exchange between expert-parallel GPUs, each pipeline hand-off and each MoE routing step, s.</param>
    /// <param name="TensorRtLlm">TensorRT-LLM's runtime (most calibration rows ran on it).</param>
    /// <param name="Band">The band estimates carry, from the cross-validation.</param>
    /// <param name="Experts">What expert layers reach; null when no mixture-of-experts row was in the fit (dense efficiencies apply).</param>
    /// <param name="Vllm">vLLM's runtime; null when no vLLM row was in the fit (TensorRT-LLM's applies, and the estimate says the engine was not measured).</param>
    /// <param name="Sglang">SGLang's runtime; null when no SGLang row was in the fit.</param>
    public sealed record CostCalibration(
        GenerationEfficiency Hopper,
        GenerationEfficiency Blackwell,
        GenerationEfficiency? BlackwellRtx,
        double CollectiveLatencySeconds,
        ExpertEfficiency? Experts,
        EngineRuntime TensorRtLlm,
        EngineRuntime? Vllm,
        EngineRuntime? Sglang,
        UncertaintyBand Band)
    {
        /// <summary>Each MoE layer's fixed time per iteration, whatever the batch: its routing steps at the collective latency, s.</summary>
        public double MoeLayerLatencySeconds => CostModel.RoutingStepsPerMoeLayer * CollectiveLatencySeconds;

        /// <summary>The runtime overheads of <paramref name="engine"/>: its own where its rows were in the fit, else TensorRT-LLM's.</summary>
        public EngineRuntime Runtime(ServingEngine engine) => engine switch
        {
            ServingEngine.Vllm => Vllm ?? TensorRtLlm,
            ServingEngine.Sglang => Sglang ?? TensorRtLlm,
            _ => TensorRtLlm,
        };

        /// <summary>True when <paramref name="engine"/>'s own rows were in the fit.</summary>
        public bool Measured(ServingEngine engine) => engine switch
        {
            ServingEngine.Vllm => Vllm is not null,
            ServingEngine.Sglang => Sglang is not null,
            _ => true,
        };

        /// <summary>The efficiencies of <paramref name="gpu"/>'s generation: Blackwell's for data-centre Blackwell, the RTX parts' own where fitted (else Blackwell's), Hopper's for every other GPU (flagged as extrapolated where not measured).</summary>
        public GenerationEfficiency For(GpuSpec gpu) => gpu.Generation switch
        {
            GpuGeneration.Blackwell => Blackwell,
            GpuGeneration.BlackwellRtx => BlackwellRtx ?? Blackwell,
            _ => Hopper,
        };

        /// <summary>
        /// Fitted by <c>dotnet run -c Release --project tools/DeploySpec.Calibration -- fit</c> on ../shared/calibration, the
        /// published rows in tools/DeploySpec.Calibration/published (each with its source) and the seed's ratios
        /// (docs/accuracy.md shows the fit, its residuals and the cross-validation that sets the band).
        /// </summary>
        public static CostCalibration Default { get; } = new(
            Hopper: new GenerationEfficiency(Matmul: 0.6144420786571996, WeightStream: 0.6254442869768869, KvStream: 0.892350544559271, Collective: 0.6214455664931285, MatmulHalfSaturationTokens: 125.22916901195704),
            Blackwell: new GenerationEfficiency(Matmul: 0.4648188262157208, WeightStream: 0.7144385380991927, KvStream: 0.5719893628911717, Collective: 0.4681883828288449, MatmulHalfSaturationTokens: 135.8577972949868),
            BlackwellRtx: new GenerationEfficiency(Matmul: 0.6112806216673109, WeightStream: 0.5677438335735422, KvStream: 0.8686257251192002, Collective: 0.3676033683811345, MatmulHalfSaturationTokens: 210.20125142762197),
            CollectiveLatencySeconds: 3.863283536807373E-05,
            Experts: new ExpertEfficiency(ComputeFactor: 3.2975964386074117, WeightStream: 0.6696220921825021),
            TensorRtLlm: new EngineRuntime(StepOverheadSeconds: 0.00012368393203419792, StepSecondsPerSequence: 9.782218784774854E-06),
            Vllm: new EngineRuntime(StepOverheadSeconds: 0.0007097346668857312, StepSecondsPerSequence: 2.9427817028375973E-06, ExpertTimeFactor: 1.268140964596434),
            Sglang: new EngineRuntime(StepOverheadSeconds: 6.552500324231116E-05, StepSecondsPerSequence: 9.171170251571878E-06, ExpertTimeFactor: 0.9425582040748017),
            Band: new UncertaintyBand(Calibrated: 0.076,
                GpuGeneration: new(InData: 0.075, Beyond: 0.149),
                Precision: new(InData: 0.075, Beyond: 0.142),
                ModelSize: new(InData: 0.089, Beyond: 0.137),
                Lengths: new(InData: null, Beyond: 0.089),
                Parallelism: new(InData: 0.062, Beyond: 0.097),
                ExpertParallelism: new(InData: 0.072, Beyond: 0.094),
                Architecture: new(InData: 0.091, Beyond: 0.122),
                Engine: new(InData: 0.114, Beyond: 0.149),
                WideExpertGroup: 0.075,
                WidePcieGroup: 0.088,
                GroupedQueryExperts: 0.085));
    }

    /// <summary>
    /// Where a plan lies against the calibration data (docs/accuracy.md lists what was measured): the kinds it belongs
    /// to, and the axes along which it lies beyond every measurement.
    /// </summary>
    public static class CalibrationDomain
    {
        /// <summary>Largest measured tensor- and pipeline-parallel degrees (TP8, PP8; expert parallelism up to 8 with attention data parallelism).</summary>
        public const int MeasuredDegree = 8;

        /// <summary>
        /// The widest groups whose measured configurations the model reproduces as well as the rest: expert groups over
        /// up to four attention-data-parallel ranks (DEP2, DEP4), and up to four GPUs joined by PCIe only. Wider ones
        /// (DEP8, eight RTX PRO 6000) have their own held-out errors (<see cref="BandTraits"/>).
        /// </summary>
        public const int NarrowGroup = 4;

        /// <summary>
        /// The GPUs of the largest group of <paramref name="degrees"/> that talks over PCIe only (no NVLink): a model
        /// replica (TP x PP) or an expert group (EP, where experts spread beyond the TP group); 1 where NVLink joins it.
        /// </summary>
        public static int PcieGroupGpus(ClusterSpec cluster, Degrees degrees)
        {
            int span = Math.Max(degrees.TensorParallel * degrees.PipelineParallel,
                degrees.ExpertParallel > degrees.TensorParallel ? degrees.ExpertParallel : 1);
            return span > 1 && LinkCatalog.IsPcie(Hardware.Topology.GroupLink(cluster, span)) ? span : 1;
        }

        /// <summary>The axis whose kind <paramref name="trait"/> (one flag) refines.</summary>
        public static ExtrapolationAxes Refines(BandTraits trait) => trait switch
        {
            BandTraits.WideExpertGroup => ExtrapolationAxes.ExpertParallelism,
            BandTraits.WidePcieGroup => ExtrapolationAxes.GpuGeneration,
            BandTraits.GroupedQueryExperts => ExtrapolationAxes.Architecture,
            _ => ExtrapolationAxes.None,
        };

        /// <summary>The finer kinds (<see cref="BandTraits"/>) <paramref name="degrees"/> of <paramref name="deployment"/> belong to.</summary>
        public static BandTraits Traits(DeploymentSpec deployment, Degrees degrees)
        {
            var traits = BandTraits.None;
            if (ExpertRanks(degrees) > NarrowGroup)
            {
                traits |= BandTraits.WideExpertGroup;
            }

            if (PcieGroupGpus(deployment.Cluster, degrees) > NarrowGroup)
            {
                traits |= BandTraits.WidePcieGroup;
            }

            if (deployment.Model.IsMoe && !deployment.Model.IsMla)
            {
                traits |= BandTraits.GroupedQueryExperts;
            }

            return traits;
        }

        /// <summary>The attention-data-parallel ranks one expert group of <paramref name="degrees"/> spans: EP / TP where experts spread beyond the attention's TP group, else 1.</summary>
        public static int ExpertRanks(Degrees degrees) =>
            degrees.ExpertParallel > degrees.TensorParallel ? degrees.ExpertParallel / degrees.TensorParallel : 1;

        /// <summary>
        /// The kinds <paramref name="degrees"/> of <paramref name="deployment"/> belong to, each an axis whose band has
        /// its own held-out error: a GPU other than Hopper, weights other than FP8, a model above 100 B parameters,
        /// pipeline parallelism, experts over attention-data-parallel ranks, any layer other than dense grouped-query
        /// attention, a serving engine other than TensorRT-LLM.
        /// </summary>
        public static ExtrapolationAxes Kinds(DeploymentSpec deployment, Degrees degrees)
        {
            var kinds = ExtrapolationAxes.None;
            var model = deployment.Model;
            if (GpuCatalog.Of(deployment.Cluster).Generation != GpuGeneration.Hopper)
            {
                kinds |= ExtrapolationAxes.GpuGeneration;
            }

            if (model.Weights != Precision.Fp8)
            {
                kinds |= ExtrapolationAxes.Precision;
            }

            if (ModelMath.TotalParameters(model) > 100e9)
            {
                kinds |= ExtrapolationAxes.ModelSize;
            }

            if (degrees.PipelineParallel > 1)
            {
                kinds |= ExtrapolationAxes.Parallelism;
            }

            if (model.IsMoe && degrees.ExpertParallel > degrees.TensorParallel)
            {
                kinds |= ExtrapolationAxes.ExpertParallelism;
            }

            if (HasMeasuredKindOfLayer(model))
            {
                kinds |= ExtrapolationAxes.Architecture;
            }

            if (deployment.Engine != ServingEngine.TensorRtLlm)
            {
                kinds |= ExtrapolationAxes.Engine;
            }

            return kinds;
        }

        /// <summary>The axes along which <paramref name="degrees"/> of <paramref name="deployment"/> lie beyond every measurement.</summary>
        public static ExtrapolationAxes Axes(DeploymentSpec deployment, Degrees degrees, CostCalibration calibration)
        {
            var axes = ExtrapolationAxes.None;
            var model = deployment.Model;
            var gpu = GpuCatalog.Of(deployment.Cluster);
            if (!gpu.IsMeasured)
            {
                axes |= ExtrapolationAxes.GpuGeneration;
            }

            // A measured GPU with a measured weight format; the KV cache in FP8 (every TensorRT-LLM row) or BF16 (the vLLM and SGLang rows).
            if (!gpu.Measured(model.Weights) || (model.KvCache != Precision.Fp8 && model.KvCache != Precision.Bf16))
            {
                axes |= ExtrapolationAxes.Precision;
            }

            double parameters = ModelMath.TotalParameters(model);
            if (parameters < 7e9 || parameters > 700e9)
            {
                axes |= ExtrapolationAxes.ModelSize;
            }

            if (!calibration.Measured(deployment.Engine))
            {
                axes |= ExtrapolationAxes.Engine;
            }

            // Measured: dense grouped-query attention; with MoE rows in the fit also routed experts, latent attention
            // (DeepSeek) and chunked local attention (Llama 4). Never measured: windows, recurrent and hybrid layers, an
            // axis of their own that no group's error stands for.
            if (HasMeasuredKindOfLayer(model) && !(calibration.Experts is not null && model.IsMoe))
            {
                axes |= ExtrapolationAxes.Architecture;
            }

            if (HasUnmeasuredLayers(model))
            {
                axes |= ExtrapolationAxes.LayerKind;
            }

            if (deployment.InputTokens < 32 || deployment.InputTokens > 32_768 || deployment.OutputTokens > 32_768)
            {
                axes |= ExtrapolationAxes.Lengths;
            }

            int replicaGpus = degrees.GpuCount / degrees.DataParallel;
            if (degrees.TensorParallel > MeasuredDegree || degrees.PipelineParallel > MeasuredDegree
                || !Hardware.Topology.InScaleUpDomain(deployment.Cluster, replicaGpus))
            {
                axes |= ExtrapolationAxes.Parallelism;
            }

            // Experts over attention-data-parallel ranks spread wider than any measured expert group: over more than 8
            // GPUs, or beyond one NVLink domain (experts within the TP group lie within the replica, judged above).
            if (degrees.ExpertParallel > degrees.TensorParallel
                && (degrees.ExpertParallel > MeasuredDegree || !Hardware.Topology.InScaleUpDomain(deployment.Cluster, degrees.ExpertParallel)))
            {
                axes |= ExtrapolationAxes.ExpertParallelism;
            }

            return axes;
        }

        /// <summary>Routed experts, latent attention or chunked local attention: the kinds the MoE rows run (DeepSeek, Llama 4).</summary>
        private static bool HasMeasuredKindOfLayer(Models.ModelArchitecture model) => model.IsMoe || model.IsMla || model.AttentionChunkSize > 0;

        /// <summary>Sliding windows, recurrent (linear attention, state-space) or hybrid layers: no calibration row ran any.</summary>
        private static bool HasUnmeasuredLayers(Models.ModelArchitecture model) =>
            model.SlidingWindow > 0 || model.HasRecurrentLayers || model.HybridPattern.Length > 0;
    }
}
