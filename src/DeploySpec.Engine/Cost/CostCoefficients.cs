using System;

namespace DeploySpec.Engine.Cost
{
    /// <summary>
    /// Everything the steady-state evaluator (<see cref="CostEvaluator"/>) needs about one plan of one deployment,
    /// folded by the engine's cost model to counts and seconds (docs/cost-model.md). The bottleneck pipeline stage
    /// sets the pace; a micro-batch of m sequences costs on it
    /// <c>T(m) = max(m*GemmSecondsPerSequence, DenseWeightSeconds + ExpertWeightSeconds*ExpertShare(1 - exp(-m*ExpertIdleDecayPerToken), ExpertImbalanceSpread))
    ///  + m*(AttentionSecondsPerSequence + CollectiveSecondsPerSequence) + StageLatencySeconds</c>.
    /// Generated code does not hold them: <c>CompiledDeployment</c> derives each plan's from the spec on first use.
    /// </summary>
    /// <param name="Replicas">Data-parallel replicas.</param>
    /// <param name="Stages">Pipeline stages per replica.</param>
    /// <param name="GpuCount">GPUs of the plan.</param>
    /// <param name="MaxConcurrency">Requests the whole plan holds at once.</param>
    /// <param name="OutputTokens">Output tokens per request.</param>
    /// <param name="GemmSecondsPerSequence">Matrix-product compute time of one sequence's decode step on the bottleneck stage, s.</param>
    /// <param name="DenseWeightSeconds">Time to stream the stage's dense (always used) weights once, s.</param>
    /// <param name="ExpertWeightSeconds">Time to stream all the stage's routed-expert weights once, s (0 for dense models).</param>
    /// <param name="ExpertIdleDecayPerToken">
    /// Minus the natural log of the probability that one token leaves a given expert shard idle (0 for dense models):
    /// m tokens leave it idle with probability exp(-m x this), which evaluates faster than a power. Never negative.
    /// </param>
    /// <param name="AttentionSecondsPerSequence">Decode attention of one sequence at the mean context, s.</param>
    /// <param name="CollectiveSecondsPerSequence">Bandwidth part of the stage's all-reduces and all-to-alls per sequence, s.</param>
    /// <param name="StageLatencySeconds">Fixed time of the stage per step, whatever the batch: its collectives' latency and its MoE layers' routing and expert kernels, s.</param>
    /// <param name="HopLatencySeconds">Fixed latency of one pipeline hand-off, s.</param>
    /// <param name="HopSecondsPerSequence">Bandwidth part of one pipeline hand-off per sequence, s.</param>
    /// <param name="StepOverheadSeconds">The engine's fixed work per iteration, s.</param>
    /// <param name="StepSecondsPerSequence">The engine's work per sequence per iteration (scheduling, sampling), s.</param>
    /// <param name="StagePrefillSeconds">What one prompt adds to the bottleneck stage's busy iterations (its tokens' compute, attention and collectives; the iterations stream the weights anyway), s.</param>
    /// <param name="PrefillLatencySeconds">Time to first token of one request on an idle plan, s.</param>
    /// <param name="PrefillChunks">Iterations one prompt's prefill takes (chunked by the engine's token budget); each also carries the other requests' decodes.</param>
    /// <param name="GemmSaturationSequences">
    /// Tokens per matrix product at which the GEMMs reach half their large-matrix rate: a micro-batch of m sequences
    /// costs (m + this) x <see cref="GemmSecondsPerSequence"/> of compute (small batches do not reach the peak).
    /// </param>
    /// <param name="Uncertainty">Relative half-width of the estimate's band (0.15 = plus or minus 15%).</param>
    /// <param name="ExtrapolatedAlong">The axes along which the plan lies outside the calibration data.</param>
    /// <param name="NotMeasured">The axes of <paramref name="ExtrapolatedAlong"/> no calibration row exercises (the band holds no error for them).</param>
    /// <param name="CalibratedOnMeasurements">True when corrected with the project's own benchmark results (<see cref="CostModel.Correct"/>).</param>
    /// <param name="PricePerHour">US dollars per hour for the plan's GPUs (<see cref="Pricing"/>; 0 = no price).</param>
    /// <param name="AcceptedTokensPerStep">
    /// Tokens each sequence gains per decode iteration: 1, or with speculative decoding E, the expected accepted draft
    /// tokens plus the verify step's own (<see cref="SpeculationMethod.ExpectedTokensPerStep"/>). A count, not a time:
    /// the iteration's terms above already hold the verify step over k + 1 tokens and the drafter's work.
    /// </param>
    /// <param name="ExpertImbalanceSpread">
    /// How far the busiest GPU of an expert-parallel group lies above the mean share of its experts that some token
    /// uses, in standard deviations of that share: c_g / sqrt(n), with c_g the expected largest of g standard normal
    /// draws (g GPUs in the group) and n the experts each holds (0 without expert parallelism: tensor-parallel experts
    /// split every expert evenly). A step streams the busiest GPU's experts, share p + this x sqrt(p (1 - p)) of them
    /// at most 1, where p is the share a token-count of m leaves active (<see cref="CostEvaluator.ExpertShare"/>).
    /// </param>
    /// <param name="ExpertSaturationSeconds">
    /// Compute time of the GEMMs' half-saturation count over the bottleneck GPU's routed experts, s: each expert some
    /// token uses runs a grouped-GEMM problem of its own few tokens, so it pays the half-saturation tokens once
    /// (half-saturation tokens x 2 x its parameters / the matmul rate), not once for the k active experts' worth. A step
    /// pays the share of its experts that its tokens use, as it streams them (<see cref="ExpertWeightSeconds"/>).
    /// </param>
    public readonly record struct CostCoefficients(
        int Replicas,
        int Stages,
        int GpuCount,
        int MaxConcurrency,
        int OutputTokens,
        double GemmSecondsPerSequence,
        double DenseWeightSeconds,
        double ExpertWeightSeconds,
        double ExpertIdleDecayPerToken,
        double AttentionSecondsPerSequence,
        double CollectiveSecondsPerSequence,
        double StageLatencySeconds,
        double HopLatencySeconds,
        double HopSecondsPerSequence,
        double StepOverheadSeconds,
        double StepSecondsPerSequence,
        double StagePrefillSeconds,
        double PrefillLatencySeconds,
        double PrefillChunks = 1,
        double GemmSaturationSequences = 0,
        double Uncertainty = 0,
        ExtrapolationAxes ExtrapolatedAlong = ExtrapolationAxes.None,
        bool CalibratedOnMeasurements = false,
        ExtrapolationAxes NotMeasured = ExtrapolationAxes.None,
        double PricePerHour = 0,
        double AcceptedTokensPerStep = 1,
        double ExpertImbalanceSpread = 0,
        double ExpertSaturationSeconds = 0)
    {
        /// <summary>True for mixture-of-experts plans (routed experts are streamed on demand).</summary>
        public bool HasExperts => ExpertWeightSeconds > 0;

        /// <summary>True when every coefficient is a finite, non-negative number and the plan holds at least one request.</summary>
        public bool IsFinite =>
            Valid(GemmSecondsPerSequence) && Valid(DenseWeightSeconds) && Valid(ExpertWeightSeconds) && Valid(ExpertIdleDecayPerToken) &&
            Valid(AttentionSecondsPerSequence) && Valid(CollectiveSecondsPerSequence) && Valid(StageLatencySeconds) &&
            Valid(HopLatencySeconds) && Valid(HopSecondsPerSequence) && Valid(StepOverheadSeconds) && Valid(StepSecondsPerSequence) &&
            Valid(StagePrefillSeconds) && Valid(PrefillLatencySeconds) && Valid(GemmSaturationSequences) && Valid(Uncertainty) && Valid(PricePerHour) &&
            Valid(ExpertImbalanceSpread) && Valid(ExpertSaturationSeconds) &&
            PrefillChunks >= 1 && !double.IsInfinity(PrefillChunks) && MaxConcurrency >= 1 &&
            AcceptedTokensPerStep >= 1 && !double.IsInfinity(AcceptedTokensPerStep);

        private static bool Valid(double value) => value >= 0 && !double.IsInfinity(value);
    }

    /// <summary>
    /// What the evaluator needs about one plan: the coefficients of its pool, and for a disaggregated plan those of its
    /// prefill pool and the time to move one request's KV cache from a prefill worker to a decode worker.
    /// </summary>
    /// <param name="Pool">The pool that decodes (an aggregated plan's only pool, which also prefills).</param>
    /// <param name="Prefill">A disaggregated plan's prefill pool (default, with no replicas, for an aggregated plan).</param>
    /// <param name="KvTransferSeconds">Time to send one request's KV cache from its prefill worker to its decode worker, s (0 when aggregated).</param>
    public readonly record struct PlanCosts(CostCoefficients Pool, CostCoefficients Prefill = default, double KvTransferSeconds = 0)
    {
        /// <summary>True when prefill and decode run on separate pools.</summary>
        public bool IsDisaggregated => Prefill.Replicas > 0;

        /// <summary>Requests the plan holds at once (its decode pool's).</summary>
        public int MaxConcurrency => Pool.MaxConcurrency;

        /// <summary>True when every coefficient of every pool is finite and non-negative.</summary>
        public bool IsFinite => Pool.IsFinite && (!IsDisaggregated || (Prefill.IsFinite && KvTransferSeconds >= 0 && !double.IsInfinity(KvTransferSeconds)));
    }

    /// <summary>
    /// The closed-form evaluator, the one copy of it: a steady state of continuous batching (docs/cost-model.md).
    /// The engine plans with it and generated code calls it with each plan's <see cref="CostCoefficients"/>.
    /// With b requests in flight on a replica of PP stages, n = min(b, PP) micro-batches of m = b/n sequences:
    /// <list type="bullet">
    /// <item>TPOT(b) = [PP*T(m) + (PP-1)*hop(m) + step(b)] / E + (b-1)/OSL * stage prefill (others' prompts interleave),
    /// where step(b) = fixed + per-sequence x b is the engine's own work each iteration (scheduling, sampling) and E
    /// the tokens a sequence gains per iteration (1; more with speculative decoding, whose iterations are dearer).
    /// The prefill term is per output token already: a request lasts OSL/E iterations, so each carries E times the
    /// prefill share and E tokens.</item>
    /// <item>TTFT(b) = idle prefill + chunks x PP x (b-1)/n x per-sequence decode work (the others' decodes ride along
    /// with each prompt chunk) + half an iteration (the one in flight) + the M/D/1 wait for other prompts'
    /// prefill, rho/(2(1-rho)) x stage prefill with rho = the others' arrival rate x stage prefill.</item>
    /// <item>replica throughput = b*OSL / (TTFT + (OSL-1)*TPOT) by Little's law; past capacity the extra requests
    /// queue (closed loop), and by arrival rate an M/M/c wait (Sakasegawa) diverges as the rate nears capacity.</item>
    /// <item>Percentiles (P90, P99; docs/cost-model.md, "Percentiles"): with Poisson arrivals each queue wait W has the
    /// tail P(W &gt; t) = P_wait exp(-(c mu - lambda) t), P_wait = its mean x (c mu - lambda), so its p-quantile is
    /// max(0, ln(P_wait / (1-p)) / (c mu - lambda)); TTFT_p = TTFT's deterministic part + the waits' p-quantiles, never
    /// below the mean. At a rate the count in flight is about Poisson with mean b, so TPOT_p = TPOT(min(slots, b + z_p sqrt b));
    /// in a closed loop b is fixed and TPOT_p = TPOT.</item>
    /// </list>
    /// Allocation-free.
    /// </summary>
    public static class CostEvaluator
    {
        /// <summary>Largest share of time the bottleneck stage may spend on others' prefill in the queueing term.</summary>
        private const double MaxPrefillUtilisation = 0.95;

        /// <summary>ln(1 / (1 - p)) at p = 0.90 and p = 0.99: how far past P_wait the tail of a wait reaches its quantile.</summary>
        private const double LogTailP90 = 2.302585092994046, LogTailP99 = 4.605170185988092;

        /// <summary>The standard normal's 0.90 and 0.99 quantiles: a Poisson count of mean b is at its percentile near b + z sqrt(b).</summary>
        public const double NormalQuantileP90 = 1.2816, NormalQuantileP99 = 2.3263;

        /// <summary>
        /// A queue wait with Poisson arrivals, as the evaluator carries it to the estimate's percentiles: its mean, s; the
        /// probability that a request waits at all, P_wait; and the queue's drain time 1 / (c mu - lambda), s. Its tail is
        /// an M/M/c queue's, P(W &gt; t) = P_wait exp(-t / drain time), so the mean is P_wait x drain time (the
        /// approximation that gave the mean gives P_wait) and the p-quantile is max(0, ln(P_wait / (1 - p)) x drain time):
        /// 0 while P_wait &lt;= 1 - p, when most requests do not wait at all. Held as a probability and a time, not a
        /// rate, so neither the evaluator nor the quantiles divide by the rate (divisions are most of its cost).
        /// </summary>
        private readonly struct QueueWait
        {
            public readonly double Mean, Probability, DrainSeconds;

            public QueueWait(double mean, double probability, double drainSeconds)
            {
                Mean = mean;
                Probability = probability;
                DrainSeconds = drainSeconds;
            }

            /// <summary>The wait of mean <paramref name="meanSeconds"/>, s, of a queue drained at <paramref name="drainPerSecond"/> = c mu - lambda, 1/s.</summary>
            public static QueueWait OfMean(double meanSeconds, double drainPerSecond) =>
                drainPerSecond > 0 ? new QueueWait(meanSeconds, meanSeconds * drainPerSecond, 1.0 / drainPerSecond) : new QueueWait(meanSeconds, 0, 0);

            /// <summary>The 90th and 99th percentiles of the wait, s (its mean, or 0, where the tail is not defined: no wait, an infinite one, or no drain). One logarithm for both.</summary>
            public void Quantiles(out double p90Seconds, out double p99Seconds)
            {
                if (!(Probability > 0) || !(DrainSeconds > 0) || double.IsInfinity(Mean))
                {
                    p90Seconds = p99Seconds = Mean > 0 ? Mean : 0;
                    return;
                }

                double logWaiting = Math.Log(Probability);
                p90Seconds = Math.Max(0, (logWaiting + LogTailP90) * DrainSeconds);
                p99Seconds = Math.Max(0, (logWaiting + LogTailP99) * DrainSeconds);
            }
        }

        /// <summary>
        /// The share of its routed experts the busiest GPU of an expert-parallel group streams when each expert is used
        /// with probability <paramref name="used"/>: the mean share plus <paramref name="spread"/> standard deviations
        /// of a binomial share (<see cref="CostCoefficients.ExpertImbalanceSpread"/>), at most all of them.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static double ExpertShare(double used, double spread) =>
            spread > 0 ? Math.Min(1.0, used + spread * Math.Sqrt(used * (1.0 - used))) : used;

        /// <summary>Cost of one micro-batch of <paramref name="m"/> sequences on the bottleneck stage, in seconds.</summary>
        public static double StageSeconds(in CostCoefficients c, double m)
        {
            double weights = c.DenseWeightSeconds, expertSaturation = 0;
            if (c.HasExperts)
            {
                double share = ExpertShare(1.0 - Math.Exp(-m * c.ExpertIdleDecayPerToken), c.ExpertImbalanceSpread);
                weights += c.ExpertWeightSeconds * share;
                expertSaturation = c.ExpertSaturationSeconds * share;
            }

            double gemm = Math.Max((m + c.GemmSaturationSequences) * c.GemmSecondsPerSequence + expertSaturation, weights);
            return gemm + m * (c.AttentionSecondsPerSequence + c.CollectiveSecondsPerSequence) + c.StageLatencySeconds;
        }

        /// <summary>
        /// Time per output token with <paramref name="b"/> (at least 1) requests in flight on one replica, in
        /// micro-batches of <paramref name="m"/> sequences, s.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static double Tpot(in CostCoefficients c, double b, double m)
        {
            double iteration = c.Stages * StageSeconds(c, m)
                + (c.Stages - 1) * (c.HopLatencySeconds + m * c.HopSecondsPerSequence)
                + c.StepOverheadSeconds + b * c.StepSecondsPerSequence;
            // Without speculative decoding E = 1: no division (divisions are most of what an estimate costs).
            return (c.AcceptedTokensPerStep == 1.0 ? iteration : iteration / c.AcceptedTokensPerStep)
                + (b - 1.0) / c.OutputTokens * c.StagePrefillSeconds;
        }

        /// <summary>Time per output token with <paramref name="b"/> (at least 1) requests in flight on one replica, s.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static double Tpot(in CostCoefficients c, double b) => Tpot(c, b, c.Stages == 1 ? b : b / Math.Min(b, c.Stages));

        /// <summary>Time to first token with <paramref name="b"/> (at least 1) requests in flight on one replica, before any admission queue, s.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static double Ttft(in CostCoefficients c, double b, double tpot) => Ttft(c, b, tpot, out _);

        /// <summary>
        /// Time to first token with <paramref name="b"/> (at least 1) requests in flight on one replica, before any
        /// admission queue, s; <paramref name="prefillWait"/> is its M/D/1 wait for other prompts (mean and tail).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static double Ttft(in CostCoefficients c, double b, double tpot, out QueueWait prefillWait)
        {
            double others = b - 1.0;
            if (others <= 0)
            {
                prefillWait = default;
                return c.PrefillLatencySeconds;
            }

            double othersPerMicroBatch = c.Stages == 1 ? others : others / Math.Min(b, c.Stages);
            double decodePerSequence = c.AttentionSecondsPerSequence + c.CollectiveSecondsPerSequence + c.StepSecondsPerSequence;
            double rideAlong = c.PrefillChunks * c.Stages * othersPerMicroBatch * decodePerSequence;
            double inFlight = tpot * (others * c.AcceptedTokensPerStep / (2.0 * b * c.Stages)); // one iteration is E tokens' time
            // M/D/1 wait for other prompts: rho/(2(1-rho)) x stage prefill S with rho = busy / response, busy = others x S
            // capped below the response (past it the admission queue, not this term, governs). Its tail: drain time
            // S/(1-rho), and P_wait = the mean over it = rho/2. Written so that one division waits on TPOT.
            double response = c.PrefillLatencySeconds + (c.OutputTokens - 1) * tpot;
            double busy = Math.Min(others * c.StagePrefillSeconds, MaxPrefillUtilisation * response);
            double perIdle = c.StagePrefillSeconds / (response - busy);
            prefillWait = new QueueWait(0.5 * busy * perIdle, 0.5 * busy / response, response * perIdle);
            return c.PrefillLatencySeconds + rideAlong + inFlight + prefillWait.Mean;
        }

        /// <summary>The plan's estimate with <paramref name="concurrency"/> requests in flight in the whole deployment (closed loop).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
        public static PerformanceEstimate Evaluate(in CostCoefficients c, int concurrency)
        {
            if (concurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "Concurrency must be at least 1.");
            }

            double admitted = Math.Min(concurrency, c.MaxConcurrency);
            double replicas = Math.Min(c.Replicas, admitted);
            double b = admitted / replicas;
            double tpot = Tpot(c, b);
            double ttft = Ttft(c, b, tpot, out QueueWait prefillWait);
            double throughput = replicas * b * c.OutputTokens / (ttft + (c.OutputTokens - 1) * tpot);
            if (concurrency > c.MaxConcurrency)
            {
                ttft += (concurrency - (double)c.MaxConcurrency) * c.OutputTokens / throughput; // a closed loop's queue: no spread
            }

            // b is fixed: TPOT has no spread; TTFT's only wait with a tail is the one for other prompts' prefill.
            prefillWait.Quantiles(out double wait90, out double wait99);
            double steady = ttft - prefillWait.Mean;
            return Estimate(c, concurrency, ttft, steady + wait90, steady + wait99, tpot, tpot, tpot, throughput, false);
        }

        /// <summary>An estimate of one pool from its times in seconds (percentiles floored at the means).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static PerformanceEstimate Estimate(in CostCoefficients c, int concurrency, double ttft, double ttft90, double ttft99,
            double tpot, double tpot90, double tpot99, double throughput, bool saturated) =>
            new PerformanceEstimate(concurrency, ttft * 1e3, tpot * 1e3, throughput, throughput / c.GpuCount,
                saturated, c.Uncertainty, c.ExtrapolatedAlong, c.CalibratedOnMeasurements, c.NotMeasured, CostPerMillion(c.PricePerHour, throughput),
                Math.Max(ttft, ttft90) * 1e3, Math.Max(ttft, ttft99) * 1e3, Math.Max(tpot, tpot90) * 1e3, Math.Max(tpot, tpot99) * 1e3);

        /// <summary>
        /// TPOT at the 90th and 99th percentiles of the number in flight on a replica when requests arrive at random:
        /// about Poisson with mean <paramref name="b"/> (an M/G/infinity pool), so b + z sqrt(b), capped at the slots.
        /// </summary>
        private static void TpotQuantiles(in CostCoefficients c, double b, double slots, out double p90, out double p99)
        {
            double spread = Math.Sqrt(b);
            p90 = Tpot(c, Math.Max(1.0, Math.Min(slots, b + NormalQuantileP90 * spread)));
            p99 = Tpot(c, Math.Max(1.0, Math.Min(slots, b + NormalQuantileP99 * spread)));
        }

        /// <summary>Requests per second one replica of an aggregated pool completes at capacity, its slots all busy; <paramref name="fullTpot"/> its TPOT there, s.</summary>
        private static double ReplicaCapacity(in CostCoefficients c, double slots, out double fullTpot)
        {
            fullTpot = Tpot(c, slots);
            return slots / (Ttft(c, slots, fullTpot) + (c.OutputTokens - 1) * fullTpot);
        }

        /// <summary>Requests per second one decode worker of a disaggregated plan completes at capacity (decodes only); <paramref name="fullTpot"/> its TPOT there, s.</summary>
        private static double DecodeCapacity(in CostCoefficients d, double slots, out double fullTpot)
        {
            fullTpot = Tpot(d, slots);
            return slots / ((d.OutputTokens - 1) * fullTpot + 0.5 * fullTpot);
        }

        /// <summary>Prompts per second a disaggregated plan's prefill pool completes with every worker busy.</summary>
        private static double PrefillCapacity(in PlanCosts c) => c.Prefill.Replicas / c.Prefill.StagePrefillSeconds;

        /// <summary>
        /// The highest arrival rate the plan sustains, requests per second: past it <see cref="EvaluateAtRate(in PlanCosts, double)"/>
        /// is saturated. Aggregated: every replica's slots busy; disaggregated: the smaller of the decode pool's and the prefill pool's rates.
        /// </summary>
        public static double CapacityRequestsPerSecond(in PlanCosts c)
        {
            var d = c.Pool;
            double slots = (double)d.MaxConcurrency / d.Replicas;
            return c.IsDisaggregated
                ? Math.Min(d.Replicas * DecodeCapacity(d, slots, out _), PrefillCapacity(c))
                : d.Replicas * ReplicaCapacity(d, slots, out _);
        }

        /// <summary>
        /// Seconds a request spends in a replica with <paramref name="b"/> (at least 1) requests in flight: TTFT + (OSL-1)
        /// TPOT, or on a disaggregated plan's decode pool, which holds a request from its first token on, (OSL - 1/2) TPOT.
        /// </summary>
        private static double ResidenceSeconds(in CostCoefficients c, double b, bool decodeOnly)
        {
            double tpot = Tpot(c, b);
            return decodeOnly ? (c.OutputTokens - 0.5) * tpot : Ttft(c, b, tpot) + (c.OutputTokens - 1) * tpot;
        }

        /// <summary>
        /// The mean number in flight on a replica, b in (0, <paramref name="slots"/>), when requests arrive at
        /// <paramref name="rate"/> per second on it (below its capacity): the root of f(b) = b - rate x R(max(b, 1)) by
        /// Little's law, R the <see cref="ResidenceSeconds"/>, which rises from below zero (b -> 0) to above it
        /// (b = slots). Below one request R is R(1), so a root there is rate x R(1) exactly; above, the Illinois
        /// variant of regula falsi on the bracket [1, slots] (each step a secant, the stale end's value halved when
        /// the same end moves twice), to 1e-9 of the slots: a handful of evaluations where bisection took about thirty.
        /// Deterministic.
        /// </summary>
        private static double InFlight(in CostCoefficients c, double rate, double slots, bool decodeOnly)
        {
            double atOne = rate * ResidenceSeconds(c, 1.0, decodeOnly);
            if (atOne <= 1.0 || slots <= 1.0)
            {
                return Math.Min(atOne, slots);
            }

            double low = 1.0, fLow = 1.0 - atOne, high = slots, fHigh = slots - rate * ResidenceSeconds(c, slots, decodeOnly);
            double b = high;
            int side = 0;
            for (int i = 0; i < 100 && high - low > 1e-9 * slots && fHigh > fLow; i++)
            {
                b = Math.Min(high, Math.Max(low, high - fHigh * (high - low) / (fHigh - fLow)));
                double f = b - rate * ResidenceSeconds(c, b, decodeOnly);
                if (f > 0)
                {
                    high = b;
                    fHigh = f;
                    fLow = side == 1 ? 0.5 * fLow : fLow;
                    side = 1;
                }
                else if (f < 0)
                {
                    low = b;
                    fLow = f;
                    fHigh = side == -1 ? 0.5 * fHigh : fHigh;
                    side = -1;
                }
                else
                {
                    break;
                }

                if (Math.Abs(f) <= 1e-12 * slots)
                {
                    break;
                }
            }

            return b;
        }

        /// <summary>
        /// The plan's estimate when requests arrive at <paramref name="requestsPerSecond"/> (open loop, spread evenly
        /// over the replicas): the mean number in flight b solves Little's law b = rate x (TTFT(b) + (OSL-1) TPOT(b)),
        /// and TTFT adds the M/M/c wait for a free slot (Sakasegawa's approximation with c = the requests a replica
        /// holds), which diverges as the rate nears capacity. At or past capacity the result is
        /// <see cref="PerformanceEstimate.Saturated"/>, with the capacity's throughput and TPOT and an infinite TTFT.
        /// Allocation-free.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerSecond"/> is not a positive finite number.</exception>
        public static PerformanceEstimate EvaluateAtRate(in CostCoefficients c, double requestsPerSecond)
        {
            if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
            {
                throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The arrival rate must be a positive number of requests per second.");
            }

            double slots = (double)c.MaxConcurrency / c.Replicas;
            double rate = requestsPerSecond / c.Replicas;
            double capacity = ReplicaCapacity(c, slots, out double fullTpot);
            if (rate >= capacity)
            {
                // Every slot busy: TPOT has no spread left; the queue grows without bound.
                double throughput = c.Replicas * capacity * c.OutputTokens;
                return Estimate(c, c.MaxConcurrency, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                    fullTpot, fullTpot, fullTpot, throughput, true);
            }

            double b = InFlight(c, rate, slots, decodeOnly: false), inFlight = Math.Max(b, 1.0);
            double tpot = Tpot(c, inFlight);
            double ttft = Ttft(c, inFlight, tpot, out QueueWait prefillWait);
            double rho = rate / capacity;
            double queued = Math.Pow(rho, Math.Sqrt(2.0 * (slots + 1.0))) / (1.0 - rho); // Sakasegawa: mean requests waiting
            var slotWait = QueueWait.OfMean(queued / rate, capacity - rate);
            ttft += slotWait.Mean;

            // Two waits with tails (for a slot, c = slots, drained at capacity - rate; for other prompts' prefill): their
            // quantiles add (comonotone: an upper estimate of the sum's quantile, exact when one of them is nil).
            prefillWait.Quantiles(out double prefill90, out double prefill99);
            slotWait.Quantiles(out double slot90, out double slot99);
            double steady = ttft - prefillWait.Mean - slotWait.Mean;
            TpotQuantiles(c, b, slots, out double tpot90, out double tpot99);
            double served = requestsPerSecond * c.OutputTokens;
            int concurrency = (int)Math.Min(int.MaxValue, Math.Max(1.0, Math.Ceiling(b * c.Replicas - 1e-6)));
            return Estimate(c, concurrency, ttft, steady + prefill90 + slot90, steady + prefill99 + slot99, tpot, tpot90, tpot99, served, false);
        }

        /// <summary>The plan's estimate with <paramref name="concurrency"/> requests in flight (closed loop), aggregated or disaggregated.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
        public static PerformanceEstimate Evaluate(in PlanCosts c, int concurrency) =>
            c.IsDisaggregated ? EvaluateDisaggregated(c, concurrency) : Evaluate(c.Pool, concurrency);

        /// <summary>The plan's estimate when requests arrive at <paramref name="requestsPerSecond"/> (open loop), aggregated or disaggregated.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerSecond"/> is not a positive finite number.</exception>
        public static PerformanceEstimate EvaluateAtRate(in PlanCosts c, double requestsPerSecond) =>
            c.IsDisaggregated ? EvaluateDisaggregatedAtRate(c, requestsPerSecond) : EvaluateAtRate(c.Pool, requestsPerSecond);

        /// <summary>
        /// A disaggregated plan with <paramref name="concurrency"/> requests in flight: the decode pool runs the
        /// admitted requests' decodes alone (its coefficients hold no prefill), TPOT from it; a request's TTFT is the
        /// M/D/c wait for a prefill worker (Sakasegawa's M/M/c wait, halved for a fixed service time), its prefill on an
        /// idle worker, the KV transfer, and half a decode iteration (it joins the next one). The request rate solves
        /// Little's law rate x (TTFT(rate) + (OSL-1) TPOT) = admitted, so a prefill pool too small for the decode pool
        /// shows as a long TTFT and a throughput capped at the prefill pool's rate. Allocation-free.
        /// </summary>
        private static PerformanceEstimate EvaluateDisaggregated(in PlanCosts c, int concurrency)
        {
            if (concurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "Concurrency must be at least 1.");
            }

            var d = c.Pool;
            double admitted = Math.Min(concurrency, d.MaxConcurrency);
            double replicas = Math.Min(d.Replicas, admitted);
            double tpot = Tpot(d, admitted / replicas);
            double decodeTime = (d.OutputTokens - 1) * tpot;
            // With rho = rate x prefill time / x, admitted = K rho + (prefill queue length) = K rho + rho^a / (2 (1 - rho)),
            // K = x (prefill + transfer + half a step + decode time) / prefill time, a = sqrt(2 (x + 1)) (Sakasegawa,
            // halved for a fixed service time): convex and increasing in rho on (0, 1), so Newton's method converges
            // from the right in a few steps (a step past 1 is halved back).
            var p = c.Prefill;
            double k = p.Replicas * (p.PrefillLatencySeconds + c.KvTransferSeconds + 0.5 * tpot + decodeTime) / p.StagePrefillSeconds;
            double a = Math.Sqrt(2.0 * (p.Replicas + 1.0));
            double rho = Math.Min(admitted / k, 1.0 - 0.5 / (admitted + 1.0));
            for (int i = 0; i < 100; i++)
            {
                double pw = Math.Pow(rho, a), idle = 1.0 - rho;
                double g = k * rho + 0.5 * pw / idle - admitted;
                double slope = k + 0.5 * pw * (a * idle / rho + 1.0) / (idle * idle);
                double next = rho - g / slope;
                next = next >= 1.0 ? 0.5 * (rho + 1.0) : next <= 0.0 ? 0.5 * rho : next;
                bool done = Math.Abs(next - rho) <= 1e-13 * rho;
                rho = next;
                if (done)
                {
                    break;
                }
            }

            double rate = rho * p.Replicas / p.StagePrefillSeconds;
            double ttft = DisaggregatedTtft(c, rate, tpot, out QueueWait prefillWait);
            double throughput = rate * d.OutputTokens;
            if (concurrency > d.MaxConcurrency)
            {
                ttft += (concurrency - (double)d.MaxConcurrency) * d.OutputTokens / throughput; // a closed loop's queue: no spread
            }

            // The decode pool's count is fixed: TPOT has no spread; TTFT's tail is the prefill queue's.
            prefillWait.Quantiles(out double wait90, out double wait99);
            double steady = ttft - prefillWait.Mean;
            return Disaggregated(c, concurrency, ttft, steady + wait90, steady + wait99, tpot, tpot, tpot, throughput, false);
        }

        /// <summary>
        /// A disaggregated plan when requests arrive at <paramref name="requestsPerSecond"/>: saturated at or past the
        /// smaller of the prefill pool's rate and the decode pool's (its slots over a request's full decode time);
        /// below, the decode pool's mean number in flight solves Little's law on its decode time, TTFT adds the prefill
        /// queue and, as in aggregated plans, Sakasegawa's wait for a free decode slot. Allocation-free.
        /// </summary>
        private static PerformanceEstimate EvaluateDisaggregatedAtRate(in PlanCosts c, double requestsPerSecond)
        {
            if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
            {
                throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The arrival rate must be a positive number of requests per second.");
            }

            var d = c.Pool;
            double slots = (double)d.MaxConcurrency / d.Replicas;
            double rate = requestsPerSecond / d.Replicas;
            double decodeCapacity = DecodeCapacity(d, slots, out double fullTpot);
            double prefillCapacity = PrefillCapacity(c);
            if (rate >= decodeCapacity || requestsPerSecond >= prefillCapacity)
            {
                double throughput = Math.Min(d.Replicas * decodeCapacity, prefillCapacity) * d.OutputTokens;
                return Disaggregated(c, d.MaxConcurrency, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                    fullTpot, fullTpot, fullTpot, throughput, true);
            }

            double b = InFlight(d, rate, slots, decodeOnly: true);
            double tpot = Tpot(d, Math.Max(b, 1.0));
            double rho = rate / decodeCapacity;
            var slotWait = QueueWait.OfMean(Math.Pow(rho, Math.Sqrt(2.0 * (slots + 1.0))) / (1.0 - rho) / rate, decodeCapacity - rate);
            double ttft = DisaggregatedTtft(c, requestsPerSecond, tpot, out QueueWait prefillWait) + slotWait.Mean;

            // The prefill queue's wait and the decode slot's each have their tail; their quantiles add (as aggregated).
            prefillWait.Quantiles(out double prefill90, out double prefill99);
            slotWait.Quantiles(out double slot90, out double slot99);
            double steady = ttft - prefillWait.Mean - slotWait.Mean;
            TpotQuantiles(d, b, slots, out double tpot90, out double tpot99);
            double served = requestsPerSecond * d.OutputTokens;
            int concurrency = (int)Math.Min(int.MaxValue, Math.Max(1.0, Math.Ceiling(b * d.Replicas + requestsPerSecond * (ttft - 0.5 * tpot) - 1e-6)));
            return Disaggregated(c, concurrency, ttft, steady + prefill90 + slot90, steady + prefill99 + slot99, tpot, tpot90, tpot99, served, false);
        }

        /// <summary>
        /// Arrival to first token on a disaggregated plan at <paramref name="rate"/> requests/s: the M/D/c wait for one
        /// of the prefill pool's workers (Sakasegawa's M/M/c queue length, halved for a fixed service time), the prefill,
        /// the KV transfer, and half a decode iteration, s. <paramref name="prefillWait"/> is that wait, drained at
        /// c mu - lambda (its percentiles take the same exponential tail as an M/M/c queue's, from its mean:
        /// docs/cost-model.md, "Percentiles").
        /// </summary>
        private static double DisaggregatedTtft(in PlanCosts c, double rate, double tpot, out QueueWait prefillWait)
        {
            var p = c.Prefill;
            double service = p.StagePrefillSeconds;
            double rho = Math.Min(rate * service / p.Replicas, 1.0 - 1e-12);
            prefillWait = QueueWait.OfMean(rate > 0 ? 0.5 * Math.Pow(rho, Math.Sqrt(2.0 * (p.Replicas + 1.0))) / (1.0 - rho) / rate : 0,
                p.Replicas / service - rate);
            return prefillWait.Mean + p.PrefillLatencySeconds + c.KvTransferSeconds + 0.5 * tpot;
        }

        /// <summary>An estimate of a disaggregated plan from its times in seconds (percentiles floored at the means).</summary>
        private static PerformanceEstimate Disaggregated(in PlanCosts c, int concurrency, double ttft, double ttft90, double ttft99,
            double tpot, double tpot90, double tpot99, double throughput, bool saturated)
        {
            var d = c.Pool;
            int gpus = d.GpuCount + c.Prefill.GpuCount;
            double pricePerHour = d.PricePerHour + c.Prefill.PricePerHour;
            return new PerformanceEstimate(concurrency, ttft * 1e3, tpot * 1e3, throughput, throughput / gpus, saturated,
                // No calibration row measures disaggregated serving: beyond the data along the serving mode, not measured.
                Math.Max(d.Uncertainty, c.Prefill.Uncertainty), d.ExtrapolatedAlong | c.Prefill.ExtrapolatedAlong | ExtrapolationAxes.ServingMode,
                d.CalibratedOnMeasurements && c.Prefill.CalibratedOnMeasurements, d.NotMeasured | c.Prefill.NotMeasured | ExtrapolationAxes.ServingMode,
                CostPerMillion(pricePerHour, throughput),
                Math.Max(ttft, ttft90) * 1e3, Math.Max(ttft, ttft99) * 1e3, Math.Max(tpot, tpot90) * 1e3, Math.Max(tpot, tpot99) * 1e3);
        }

        /// <summary>
        /// US dollars per million output tokens at <paramref name="outputTokensPerSecond"/> for GPUs costing
        /// <paramref name="pricePerHour"/> US dollars an hour (0 without a price): the GPUs are paid for whether busy or not.
        /// </summary>
        private static double CostPerMillion(double pricePerHour, double outputTokensPerSecond) =>
            pricePerHour > 0 ? pricePerHour * (1e6 / 3600.0) / outputTokensPerSecond : 0;
    }
}
