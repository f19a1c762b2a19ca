using System;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// Folds a deployment and a plan into <see cref="CostCoefficients"/> (docs/cost-model.md). Every term is a
    /// roofline: work over an achievable rate (datasheet peak x calibrated efficiency), so no estimate can beat a
    /// physical bound.
    /// <list type="bullet">
    /// <item>Matrix products: max(FLOPs / matmul rate, streamed weight bytes / HBM bandwidth); routed experts are
    /// streamed only when some token is sent to them, and each MoE layer takes a floor of time per iteration
    /// (its routing steps, <see cref="RoutingStepsPerMoeLayer"/>), whatever the batch.</item>
    /// <item>Decode attention: max(FLOPs, KV bytes at the mean context) per sequence; prefill attention: the causal
    /// quadratic FLOPs (windowed layers capped at the window). Recurrent layers (Gated DeltaNet, Mamba2): their state
    /// read and written per token as bandwidth work, about 6 FLOPs per state element; an estimate outside the
    /// calibration data.</item>
    /// <item>Tensor parallelism: two ring all-reduces of the hidden state per layer over the group's slowest link;
    /// expert parallelism: two all-to-alls per MoE layer; pipeline: one hand-off of the hidden state per stage.</item>
    /// <item>Speculative decoding (k draft tokens): each iteration verifies k + 1 tokens per sequence (matrix-product
    /// compute, attention compute, collectives and hand-offs per sequence x (k + 1); weights and KV read once), the
    /// drafter's k passes add to the engine's step (<see cref="DraftCost"/>), and a sequence gains E tokens per
    /// iteration (<see cref="CostCoefficients.AcceptedTokensPerStep"/>).</item>
    /// </list>
    /// </summary>
    public static class CostModel
    {
        /// <summary>
        /// Synchronising steps a MoE layer adds per iteration, whatever the batch, each with the fixed latency of a
        /// collective (<see cref="CostCalibration.CollectiveLatencySeconds"/>): its routing, dispatch (top-k, then every
        /// token copied into its experts' order, a count and a scan over all experts before any grouped GEMM can start)
        /// and combine (each token's expert outputs gathered back and summed by their weights). Over an expert-parallel
        /// group the exchanges between GPUs come on top. Fitted free, the floor once came to 2.01 collective latencies
        /// (58.5 µs against 29.1 µs, docs/calibration.md), and tied to them a fit without MoE rows still knows it. Since
        /// each used expert pays the GEMMs' half-saturation count (<see cref="CostCoefficients.ExpertSaturationSeconds"/>),
        /// part of what a second step held, dispatch and combine fit best as one step: loss 11.91 (two) -> 11.85 (one),
        /// groups left out pooled 10.8% -> 10.5%; three steps: 12.10.
        /// </summary>
        public const int RoutingStepsPerMoeLayer = 1;

        /// <summary>
        /// GPUs in the all-reduce whose fixed latency <see cref="CostCalibration.CollectiveLatencySeconds"/> is: eight, a
        /// whole HGX node's tensor-parallel group (the calibration's TP8 rows).
        /// </summary>
        public const int ReferenceAllReduceRanks = 8;

        /// <summary>
        /// The share of <see cref="CostCalibration.CollectiveLatencySeconds"/> an all-reduce over <paramref name="ranks"/>
        /// GPUs takes: its synchronising rounds, log2(ranks) as recursive doubling needs them (Thakur, Rabenseifner and
        /// Gropp, "Optimization of Collective Communication Operations in MPICH", 2005), over the eight-GPU all-reduce's
        /// three. TP2 pays a third of TP8's fixed latency, TP4 two thirds, TP16 four thirds. One latency for every group
        /// size put TP2 and TP4 at TP8's: against it the fit's loss is 12.48 -> 12.12 (docs/calibration.md).
        /// </summary>
        public static double AllReduceLatencyShare(int ranks) =>
            ranks <= 1 ? 0.0 : Math.Log(ranks, 2) / Math.Log(ReferenceAllReduceRanks, 2);

        private const double ActivationBytes = 2.0; // BF16 hidden states on the wire

        public static CostCoefficients Specialize(DeploymentSpec deployment, Degrees degrees, MemoryBreakdown memory, CostCalibration calibration)
        {
            var model = deployment.Model;
            var cluster = deployment.Cluster;
            var gpu = GpuCatalog.Of(cluster);
            var engine = Serving.ServingEngineProfile.For(deployment.Engine);
            var layout = StageLayout.Create(model.Layers, degrees.PipelineParallel);
            int tp = degrees.TensorParallel, ep = degrees.ExpertParallel;
            int stage = BottleneckStage(model, layout, tp, ep);

            var efficiency = calibration.For(gpu);
            var runtime = calibration.Runtime(deployment.Engine);
            double matmulRate = gpu.MatmulFlopsPerSecond(model.Weights) * efficiency.Matmul;
            // 16-bit matrix products: attention's own (QK^T, PV) and the weights a quantised checkpoint keeps in 16 bits
            // (LM head, MoE routers, norms: ModelMath.AuxiliaryBytesPerParameter), which multiply at the BF16 rate, not
            // the quantised weights' rate.
            double bf16Rate = gpu.Bf16FlopsPerSecond * efficiency.Matmul;
            double weightRate = gpu.MemoryBandwidthBytesPerSecond * efficiency.WeightStream;
            double kvRate = gpu.MemoryBandwidthBytesPerSecond * efficiency.KvStream;
            double saturation = efficiency.MatmulHalfSaturationTokens;
            var speculation = SpeculativeDecoding.Of(deployment);
            double verified = speculation.DraftTokens + 1.0; // tokens per sequence each iteration runs through the model (1 without speculation)

            // ---- matrix products on the bottleneck stage, per GPU ----
            double linear = ModelMath.LinearBytesPerParameter(model), aux = ModelMath.AuxiliaryBytesPerParameter(model);
            double denseParams = 0, routedParams = 0, activeExpertParams = 0, auxParams = 0;
            int first = layout.FirstLayer(stage), count = layout.LayerCount(stage), moeLayers = 0;
            for (int i = first; i < first + count; i++)
            {
                var layer = Layer.Of(model, i);
                denseParams += layer.AttentionShardedParameters / tp + layer.AttentionReplicatedParameters;
                auxParams += layer.NormParameters;
                denseParams += layer.ShardedFfnParameters / tp;
                if (layer.Ffn == FfnKind.Experts)
                {
                    moeLayers++;
                    auxParams += layer.RouterParameters;
                    routedParams += layer.RoutedExpertParameters / Math.Max(tp, ep);
                    activeExpertParams += layer.ActiveExpertParameters / tp;
                }
            }

            bool lastStage = stage == layout.Stages - 1;
            double lmHeadParams = lastStage ? (double)model.VocabSize * model.HiddenSize / tp : 0;
            // Routed experts: the busiest expert and few tokens per grouped GEMM (fitted on the MoE rows; 1 without them).
            // The engine's own fused-MoE kernels scale both (TensorRT-LLM's are the reference the expert efficiencies are fitted on).
            double expertCompute = (calibration.Experts?.ComputeFactor ?? 1.0) * runtime.ExpertTimeFactor;
            double expertRate = gpu.MemoryBandwidthBytesPerSecond * (calibration.Experts?.WeightStream ?? efficiency.WeightStream) / runtime.ExpertTimeFactor;
            double promptTokenSeconds = 2.0 * (denseParams + activeExpertParams * expertCompute) / matmulRate + 2.0 * auxParams / bf16Rate;
            double denseStreamBytes = denseParams * linear + auxParams * aux + lmHeadParams * aux;
            double routedStreamBytes = routedParams * linear;

            double gemmSecondsPerSequence = promptTokenSeconds + 2.0 * lmHeadParams / bf16Rate;
            double denseWeightSeconds = denseStreamBytes / weightRate;
            double expertWeightSeconds = routedStreamBytes / expertRate;
            // Each routed expert some token uses runs a grouped-GEMM problem of its own few tokens: it pays the half-saturation
            // count once, at the dense GEMMs' own count (no factor of its own), in decode and in each prompt chunk alike.
            double expertSaturationSeconds = model.IsMoe ? saturation * 2.0 * routedParams / matmulRate : 0.0;
            int expertGroupReplicas = Math.Max(1, ep / tp);
            double missProbability = model.IsMoe
                ? Math.Pow(1.0 - model.ActiveExperts / (double)model.Experts, expertGroupReplicas)
                : 1.0;
            // Whole experts on each GPU of an expert-parallel group: the GPU whose experts the tokens hit most sets the
            // step (tensor-parallel experts split every expert evenly over the group instead).
            double imbalanceSpread = model.IsMoe && ep > 1
                ? ExpectedLargestStandardNormal(ep) / Math.Sqrt(Math.Max(1.0, model.Experts / (double)ep))
                : 0.0;

            // ---- decode attention at the mean context of a request in flight ----
            double meanContext = deployment.InputTokens + deployment.OutputTokens / 2.0;
            // Recurrent layers read their state (counted in the sequence's bytes) and write it back: once more.
            double kvBytes = ModelMath.KvBytesPerSequencePerGpu(model, layout, stage, tp, meanContext)
                + ModelMath.StateBytesPerSequencePerGpu(model, layout, stage, tp);
            double attentionFlops = AttentionDecodeFlops(model, layout, stage, tp, meanContext);
            // A verify step's k + 1 queries read each sequence's KV once: only the compute part grows.
            double attentionSecondsPerSequence = Math.Max(verified * attentionFlops / bf16Rate, kvBytes / kvRate);

            // ---- collectives ----
            double collectiveLatency = 0, collectivePerSequence = 0, allReduceLatency = 0, allReducePerSequence = 0;
            if (tp > 1)
            {
                var link = Topology.GroupLink(cluster, tp);
                double latency = AllReduceLatencyShare(tp) * calibration.CollectiveLatencySeconds + LinkCatalog.ExtraLatencySeconds(link);
                double rate = Topology.UnidirectionalBytesPerSecond(cluster, link) * efficiency.Collective;
                double ringBytes = 2.0 * (tp - 1) / tp * model.HiddenSize * ActivationBytes;
                collectiveLatency += 2 * count * latency;
                collectivePerSequence += 2 * count * ringBytes / rate;
                allReduceLatency = latency;
                allReducePerSequence = ringBytes / rate;
            }

            // Experts spread over more GPUs than the tensor-parallel group (expert parallelism across data-parallel
            // attention) take each token to its experts' GPUs and back, two exchanges per MoE layer, as the engine does
            // it: an all-to-all sends a token once per routed expert, to (ep - 1)/ep of them on other GPUs; an all-gather
            // (with a reduce-scatter back) sends every token to each of the other ep/tp - 1 attention ranks. Experts
            // split within the TP group see every token already and ride on its all-reduce.
            if (ep > tp && moeLayers > 0)
            {
                var link = Topology.GroupLink(cluster, ep);
                double latency = calibration.CollectiveLatencySeconds + LinkCatalog.ExtraLatencySeconds(link);
                double rate = Topology.UnidirectionalBytesPerSecond(cluster, link) * efficiency.Collective;
                double exchangeBytes = engine.MoeExchange(ep, model.ActiveExperts, gpu.ScaleUpSpansNodes) == Serving.MoeExchange.AllToAll
                    ? 2.0 * model.ActiveExperts * model.HiddenSize * ActivationBytes * (ep - 1) / ep
                    : ((double)ep / tp - 1.0) * model.HiddenSize * (engine.MoeDispatchBytesPerElement(model.Weights) + ActivationBytes);
                collectiveLatency += 2 * moeLayers * latency;
                collectivePerSequence += moeLayers * exchangeBytes / rate;
            }

            // ---- the stage's fixed time per iteration: its collectives, and each MoE layer's routing steps ----
            double stageLatency = collectiveLatency + moeLayers * calibration.MoeLayerLatencySeconds;

            // ---- pipeline hand-offs ----
            double hopLatency = 0, hopPerSequence = 0;
            if (layout.Stages > 1)
            {
                var link = Topology.GroupLink(cluster, tp * layout.Stages);
                hopLatency = calibration.CollectiveLatencySeconds + LinkCatalog.ExtraLatencySeconds(link);
                hopPerSequence = model.HiddenSize * ActivationBytes /
                    (Topology.UnidirectionalBytesPerSecond(cluster, link) * efficiency.Collective);
            }

            // ---- prefill of one request on the bottleneck stage (chunked by the engine's token budget) ----
            double prompt = deployment.InputTokens;
            double chunks = Math.Ceiling(prompt / MemoryModel.MaxBatchedTokens(deployment));
            double chunkTokens = prompt / chunks;
            double chunkExpertShare = model.IsMoe ? CostEvaluator.ExpertShare(1.0 - Math.Pow(missProbability, chunkTokens), imbalanceSpread) : 0;
            double chunkExpertBytes = routedStreamBytes * chunkExpertShare;
            double chunkGemm = Math.Max((chunkTokens + saturation) * promptTokenSeconds + expertSaturationSeconds * chunkExpertShare,
                (denseStreamBytes - lmHeadParams * aux) / weightRate + chunkExpertBytes / expertRate);
            double lmHead = Math.Max(2.0 * lmHeadParams / bf16Rate, lmHeadParams * aux / weightRate);
            double prefillAttention = AttentionPrefillFlops(model, layout, stage, tp, prompt) / bf16Rate;
            double stagePrefill = chunks * (chunkGemm + stageLatency) + lmHead + prefillAttention + prompt * collectivePerSequence;
            // A prompt that joins iterations other requests are decoding in adds its tokens' compute only: those
            // iterations stream the weights and pay the collectives' fixed latency anyway, and its tokens join their
            // large matrix products (no half-saturation of its own). This is what other requests' prompts cost a busy
            // replica (the decodes' slowdown and the prefill queue); an idle replica pays the whole stagePrefill.
            double batchedPrefill = prompt * (promptTokenSeconds + collectivePerSequence) + 2.0 * lmHeadParams / bf16Rate + prefillAttention;
            double prefillLatency = layout.Stages * stagePrefill
                + (layout.Stages - 1) * (hopLatency + prompt * hopPerSequence)
                + chunks * runtime.StepOverheadSeconds + runtime.StepSecondsPerSequence;

            // ---- the drafter: k passes per iteration on the last stage, with the model's TP (none without speculation) ----
            var draft = DraftCost.Of(deployment, tp);
            int k = speculation.DraftTokens;
            double draftStepSeconds = k * (draft.StreamBytesPerToken / weightRate + 2 * draft.Layers * allReduceLatency);
            double draftGemmPerToken = draft.FlopsPerToken / matmulRate + draft.Bf16FlopsPerToken / bf16Rate;
            double draftSecondsPerSequence = k * (draftGemmPerToken + draft.KvBytesPerToken * meanContext / kvRate
                + 2 * draft.Layers * allReducePerSequence);
            double draftPrefill = prompt * draftGemmPerToken; // the drafter reads the prompt too (compute-bound)
            stagePrefill += draftPrefill;
            batchedPrefill += draftPrefill;
            prefillLatency += draftPrefill;

            var axes = CalibrationDomain.Axes(deployment, degrees, calibration);
            var kinds = CalibrationDomain.Kinds(deployment, degrees);
            double uncertainty = calibration.Band.For(kinds, axes, CalibrationDomain.Traits(deployment, degrees));
            var notMeasured = calibration.Band.Unmeasured(axes);
            if (speculation.IsOn)
            {
                // No calibration row ran speculative decoding: the plan lies beyond the data along the serving mode, and
                // the band holds no error for it (no group of rows measures it).
                axes |= ExtrapolationAxes.ServingMode;
                notMeasured |= ExtrapolationAxes.ServingMode;
            }

            var coefficients = new CostCoefficients(
                Replicas: degrees.DataParallel,
                Stages: layout.Stages,
                GpuCount: degrees.GpuCount,
                MaxConcurrency: Units.Requests(memory.RequestsPerReplica, degrees.DataParallel),
                OutputTokens: deployment.OutputTokens,
                GemmSecondsPerSequence: verified * gemmSecondsPerSequence,
                DenseWeightSeconds: denseWeightSeconds,
                ExpertWeightSeconds: expertWeightSeconds,
                ExpertIdleDecayPerToken: 0.0 - Math.Log(Math.Max(missProbability, double.Epsilon)), // finite even when every expert is active
                AttentionSecondsPerSequence: attentionSecondsPerSequence,
                CollectiveSecondsPerSequence: verified * collectivePerSequence,
                StageLatencySeconds: stageLatency,
                HopLatencySeconds: hopLatency,
                HopSecondsPerSequence: verified * hopPerSequence,
                StepOverheadSeconds: runtime.StepOverheadSeconds + draftStepSeconds,
                StepSecondsPerSequence: runtime.StepSecondsPerSequence + draftSecondsPerSequence,
                StagePrefillSeconds: batchedPrefill,
                PrefillLatencySeconds: prefillLatency,
                PrefillChunks: chunks,
                GemmSaturationSequences: saturation / verified, // half saturation is in tokens: fewer sequences of k + 1 tokens reach it
                Uncertainty: uncertainty,
                ExtrapolatedAlong: axes,
                NotMeasured: notMeasured,
                PricePerHour: Pricing.PerGpuHour(deployment.Cluster) * degrees.GpuCount,
                AcceptedTokensPerStep: speculation.AcceptedTokensPerStep,
                ExpertImbalanceSpread: imbalanceSpread,
                ExpertSaturationSeconds: expertSaturationSeconds);
            return Correct(coefficients, deployment.Correction);
        }

        /// <summary>
        /// The expected largest of <paramref name="count"/> independent standard normal draws (0 for one draw; 1.42 for
        /// eight, 2.07 for 32): E[max] = the integral of x count phi(x) Phi(x)^(count-1), by Simpson's rule on [-9, 9].
        /// </summary>
        public static double ExpectedLargestStandardNormal(int count)
        {
            if (count <= 1)
            {
                return 0.0;
            }

            // Planning asks for the same few group sizes again and again: computed once each (a race only recomputes).
            if (count < LargestStandardNormal.Length)
            {
                double known = LargestStandardNormal[count];
                return known > 0 ? known : LargestStandardNormal[count] = IntegrateLargestStandardNormal(count);
            }

            return IntegrateLargestStandardNormal(count);
        }

        private static readonly double[] LargestStandardNormal = new double[1025];

        private static double IntegrateLargestStandardNormal(int count)
        {
            const int Steps = 720;
            const double From = -9.0, To = 9.0, H = (To - From) / Steps;
            double sum = 0;
            for (int i = 0; i <= Steps; i++)
            {
                double x = From + i * H;
                double density = Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);
                double f = x * count * density * Math.Pow(StandardNormalCdf(x), count - 1);
                sum += (i == 0 || i == Steps ? 1 : i % 2 == 1 ? 4 : 2) * f;
            }

            return sum * H / 3.0;
        }

        /// <summary>Phi(x), the standard normal distribution function (erfc by Numerical Recipes' Chebyshev fit, |error| below 1.2e-7).</summary>
        private static double StandardNormalCdf(double x)
        {
            double z = Math.Abs(x) / Math.Sqrt(2.0);
            double t = 1.0 / (1.0 + 0.5 * z);
            double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
        }

        /// <summary>
        /// A disaggregated plan's decode pool: the same coefficients without prefill work (its workers receive each
        /// request's KV cache instead of computing it), so no other request's prompt interleaves with its decodes.
        /// </summary>
        public static CostCoefficients DecodeOnly(in CostCoefficients c) =>
            c with { StagePrefillSeconds = 0, PrefillLatencySeconds = 0, PrefillChunks = 1 };

        /// <summary>
        /// Time to move one request's KV cache (its prompt's tokens, recurrent state included) from a prefill worker to a
        /// decode worker: each decode GPU receives its own shard over its own link, in parallel (RDMA into the decode
        /// worker's pages, as NIXL and Mooncake do), over NVLink when both pools sit in one NVLink domain, else over the
        /// network between nodes, at the fitted collective efficiency, after the prefill (not overlapped layer by layer).
        /// </summary>
        public static double KvTransferSeconds(DeploymentSpec deployment, Degrees prefill, Degrees decode, CostCalibration calibration)
        {
            var model = deployment.Model;
            var cluster = deployment.Cluster;
            var whole = StageLayout.Create(model.Layers, 1);
            double bytesPerDecodeGpu = ModelMath.KvBytesPerSequencePerGpu(model, whole, 0, decode.TensorParallel, deployment.InputTokens)
                + ModelMath.StateBytesPerSequencePerGpu(model, whole, 0, decode.TensorParallel);
            var link = Topology.GroupLink(cluster, prefill.GpuCount + decode.GpuCount);
            double rate = Topology.UnidirectionalBytesPerSecond(cluster, link) * calibration.For(GpuCatalog.Of(cluster)).Collective;
            return calibration.CollectiveLatencySeconds + LinkCatalog.ExtraLatencySeconds(link) + bytesPerDecodeGpu / rate;
        }

        /// <summary>
        /// The coefficients corrected with the project's own measurements (docs/measurements.md): the decode
        /// iteration's terms (matrix products, weight and KV streaming, collectives, hand-offs, the engine's step)
        /// scaled by the time-per-output-token factor, the prefill terms by the time-to-first-token factor; the band
        /// no narrower than the model's own for the plan nor than the corrected residual. Unchanged without a correction.
        /// </summary>
        public static CostCoefficients Correct(in CostCoefficients c, MeasuredCorrection? correction)
        {
            if (correction is null)
            {
                return c;
            }

            double decode = correction.TimePerOutputTokenFactor, prefill = correction.TimeToFirstTokenFactor;
            return c with
            {
                GemmSecondsPerSequence = c.GemmSecondsPerSequence * decode,
                DenseWeightSeconds = c.DenseWeightSeconds * decode,
                ExpertWeightSeconds = c.ExpertWeightSeconds * decode,
                ExpertSaturationSeconds = c.ExpertSaturationSeconds * decode,
                AttentionSecondsPerSequence = c.AttentionSecondsPerSequence * decode,
                CollectiveSecondsPerSequence = c.CollectiveSecondsPerSequence * decode,
                StageLatencySeconds = c.StageLatencySeconds * decode,
                HopLatencySeconds = c.HopLatencySeconds * decode,
                HopSecondsPerSequence = c.HopSecondsPerSequence * decode,
                StepOverheadSeconds = c.StepOverheadSeconds * decode,
                StepSecondsPerSequence = c.StepSecondsPerSequence * decode,
                StagePrefillSeconds = c.StagePrefillSeconds * prefill,
                PrefillLatencySeconds = c.PrefillLatencySeconds * prefill,
                Uncertainty = Math.Max(c.Uncertainty, correction.Residual),
                CalibratedOnMeasurements = true,
            };
        }

        /// <summary>The stage that streams the most weight bytes per GPU (ties go to the later stage, which has the LM head).</summary>
        public static int BottleneckStage(ModelArchitecture model, StageLayout layout, int tp, int ep)
        {
            int best = 0;
            double bestBytes = double.MinValue;
            for (int s = 0; s < layout.Stages; s++)
            {
                double bytes = ModelMath.WeightBytesPerGpu(model, layout, s, tp, ep);
                if (s == 0)
                {
                    bytes -= ModelMath.EmbeddingParameters(model) * ModelMath.AuxiliaryBytesPerParameter(model) / tp;
                }

                if (bytes >= bestBytes)
                {
                    best = s;
                    bestBytes = bytes;
                }
            }

            return best;
        }

        /// <summary>Decode attention FLOPs of one sequence at <paramref name="context"/> tokens on one GPU of a stage, recurrent layers' state updates included (an uncalibrated estimate).</summary>
        public static double AttentionDecodeFlops(ModelArchitecture model, StageLayout layout, int stage, int tp, double context) =>
            layout.Sum(model, stage, layer => layer.DecodeFlopsPerPosition(tp) * layer.AttendedTokens(context) + layer.StateFlopsPerToken(tp));

        /// <summary>Causal prefill attention FLOPs of one prompt on one GPU of a stage (windowed layers capped, chunked layers per chunk, recurrent layers one state update per token).</summary>
        public static double AttentionPrefillFlops(ModelArchitecture model, StageLayout layout, int stage, int tp, double prompt) =>
            layout.Sum(model, stage, layer => layer.PrefillFlopsPerPair(tp) * layer.CausalPairs(prompt) + layer.StateFlopsPerToken(tp) * prompt);
    }
}
