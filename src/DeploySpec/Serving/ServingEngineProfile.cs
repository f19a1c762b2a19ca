using System;
using System.Collections.Generic;
using System.Globalization;
using DeploySpec.Launch;
using static DeploySpec.Launch.LaunchText;

namespace DeploySpec.Serving
{
    /// <summary>How a serving engine's memory setting divides a GPU (docs/memory.md); the planning engine sizes the KV cache by it.</summary>
    public enum MemoryPolicy
    {
        /// <summary>The fraction caps what the engine allocates after start-up, of TOTAL memory; the KV cache gets what weights, the profile run's peak, the non-torch memory it adds and the CUDA graphs the engine counts leave (vLLM's gpu_memory_utilization).</summary>
        FractionOfTotal,
        /// <summary>The fraction is of the memory still FREE after weights, activations, non-torch memory and CUDA graphs (TensorRT-LLM's free_gpu_memory_fraction).</summary>
        FractionOfFree,
        /// <summary>The fraction of the memory free at start-up (total less the CUDA context and communicators) holds weights and the KV cache; the rest stays free for activations, CUDA graphs and non-torch memory, by default what the engine derives (<see cref="ServingEngineProfile.DerivedReserveBytes"/>; SGLang's mem_fraction_static).</summary>
        StaticFraction,
    }

    /// <summary>How an engine moves each token to the GPUs of its experts and back when experts span more GPUs than the attention TP group (attention data parallel).</summary>
    public enum MoeExchange
    {
        /// <summary>Every attention-data-parallel rank gathers all ranks' tokens before the MoE layer and reduce-scatters the outputs after it: each token reaches every other rank.</summary>
        AllGather,

        /// <summary>Each token goes to the ranks of its top-k experts only, once per routed expert, and comes back the same way.</summary>
        AllToAll,
    }

    /// <summary>
    /// The server flags every engine takes, in its own spelling (docs/launch.md cites each).
    /// </summary>
    /// <param name="ContextLength">The longest request the server accepts.</param>
    /// <param name="MaxBatchSize">Requests one replica batches at once.</param>
    /// <param name="Memory">The memory fraction the plan was sized with.</param>
    /// <param name="KvCacheDtype">The KV-cache format flag (null when the engine takes it from a config file).</param>
    /// <param name="Fp8KvCache">The value of <paramref name="KvCacheDtype"/> for an FP8 KV cache.</param>
    /// <param name="Quantization">How to serve quantized weights from an unquantized checkpoint (for the launch notes).</param>
    /// <param name="MaxBatchedTokens">The flag of the tokens one iteration processes at most (the chunked-prefill budget).</param>
    internal sealed record EngineFlags(string ContextLength, string MaxBatchSize, string Memory, string? KvCacheDtype, string Fp8KvCache, string Quantization, string MaxBatchedTokens);

    /// <summary>
    /// Everything DeploySpec knows about one serving engine, in one place: its display name, its defaults (memory
    /// fraction, batch limit, batched-token budget, KV block size, CUDA-graph memory), which memory policy its
    /// memory setting follows and its launch flags. The planning engine's memory model (which holds each policy's
    /// arithmetic), the reports and the launch commands all read it from here; a new serving engine is a new
    /// subclass (docs/architecture.md).
    /// </summary>
    public abstract class ServingEngineProfile
    {
        /// <summary>Bytes in one GiB (2^30).</summary>
        private protected const double GiB = MemoryPerGpu.BytesPerGiB;
        private protected const double MiB = GiB / 1024.0;

        private static readonly ServingEngineProfile Vllm = new VllmProfile();
        private static readonly ServingEngineProfile TensorRtLlm = new TensorRtLlmProfile();
        private static readonly ServingEngineProfile Sglang = new SglangProfile();

        /// <summary>The profile of <paramref name="engine"/> (vLLM for a value outside the enum).</summary>
        public static ServingEngineProfile For(ServingEngine engine) => engine switch
        {
            ServingEngine.TensorRtLlm => TensorRtLlm,
            ServingEngine.Sglang => Sglang,
            _ => Vllm,
        };

        /// <summary>Creates a profile from the engine's facts (docs/memory.md, docs/launch.md).</summary>
        private protected ServingEngineProfile(ServingEngine engine, string displayName, string shortName, MemoryPolicy memoryPolicy, double defaultMemoryFraction,
            int defaultMaxBatchSize, int maxBatchedTokens, int tokensPerKvBlock, double cudaGraphBytes, EngineFlags flags, string? containerImage,
            double minimumFreeBytes = 0, bool decodeCountsAgainstTokenBudget = true, bool refusesBatchAboveTokenBudget = false)
        {
            DecodeCountsAgainstTokenBudget = decodeCountsAgainstTokenBudget;
            RefusesBatchAboveTokenBudget = refusesBatchAboveTokenBudget;
            MemoryPolicy = memoryPolicy;
            MinimumFreeBytes = minimumFreeBytes;
            Engine = engine;
            DisplayName = displayName;
            ShortName = shortName;
            DefaultMemoryFraction = defaultMemoryFraction;
            DefaultMaxBatchSize = defaultMaxBatchSize;
            MaxBatchedTokens = maxBatchedTokens;
            TokensPerKvBlock = tokensPerKvBlock;
            CudaGraphBytes = cudaGraphBytes;
            Flags = flags;
            ContainerImage = containerImage;
        }

        /// <summary>The engine this profile describes.</summary>
        public ServingEngine Engine { get; }

        /// <summary>"vLLM", "TensorRT-LLM" or "SGLang".</summary>
        public string DisplayName { get; }

        /// <summary>A lower-case name for files and Kubernetes objects.</summary>
        public string ShortName { get; }

        /// <summary>How the engine's memory setting divides a GPU.</summary>
        public MemoryPolicy MemoryPolicy { get; }

        /// <summary>What the engine keeps free at least when it derives its memory fraction itself (SGLang on GPUs above 60 GiB: 10 GiB), bytes.</summary>
        public double MinimumFreeBytes { get; }

        /// <summary>The engine's default memory fraction (0 when the engine derives it from the GPU).</summary>
        public double DefaultMemoryFraction { get; }

        /// <summary>Requests one replica batches at once by default (max_num_seqs, max_batch_size, max_running_requests).</summary>
        public int DefaultMaxBatchSize { get; }

        /// <summary>
        /// Tokens one iteration processes at most by default (chunked-prefill budget), which sizes the activation peak:
        /// on every GPU where the default does not depend on the GPU's memory, and on the largest GPUs where it does
        /// (<see cref="DefaultMaxBatchedTokens"/>).
        /// </summary>
        public int MaxBatchedTokens { get; }

        /// <summary>
        /// What the engine keeps out of its memory fraction when it derives the fraction itself (SGLang's
        /// <c>mem_fraction_static</c> = (capacity - this) / capacity), bytes; 0 for an engine with a fixed default fraction.
        /// The inputs are the engine's own settings: <paramref name="tokenBudget"/> its chunked-prefill size,
        /// <paramref name="tensorParallel"/> its <c>--tp-size</c> (the whole expert group under attention data parallel),
        /// <paramref name="attentionDataParallel"/> its attention data-parallel ranks (1 without), and whether the model
        /// has latent attention (MLA) and a drafter.
        /// </summary>
        public virtual double DerivedReserveBytes(double capacityBytes, int tokenBudget, int tensorParallel, int pipelineParallel,
            int attentionDataParallel, bool latentAttention, Speculation speculation) => 0;

        /// <summary>
        /// True when the engine is told its token budget whatever it is, because its own default depends on the GPU's
        /// memory in a way its launch command should not leave to chance (SGLang's chunked-prefill size).
        /// </summary>
        public virtual bool TokenBudgetDependsOnGpu => false;

        /// <summary>
        /// The engine's default token budget on a GPU of <paramref name="gpuMemoryBytes"/> (as CUDA reports it) named
        /// <paramref name="gpuName"/>: <see cref="MaxBatchedTokens"/> where it does not depend on the GPU (TensorRT-LLM).
        /// </summary>
        public virtual int DefaultMaxBatchedTokens(double gpuMemoryBytes, string gpuName) => MaxBatchedTokens;

        /// <summary>
        /// The engine's default batch limit on a GPU of <paramref name="gpuMemoryBytes"/> named <paramref name="gpuName"/>:
        /// <see cref="DefaultMaxBatchSize"/> where it does not depend on the GPU (TensorRT-LLM, SGLang).
        /// </summary>
        public virtual int DefaultMaxBatchSizeOn(double gpuMemoryBytes, string gpuName) => DefaultMaxBatchSize;

        /// <summary>
        /// True when each running request's decode token counts against <see cref="MaxBatchedTokens"/>, so no more
        /// requests run at once than it allows (vLLM, TensorRT-LLM); false when the budget bounds prefill chunks only
        /// (SGLang's chunked-prefill-size).
        /// </summary>
        public bool DecodeCountsAgainstTokenBudget { get; }

        /// <summary>
        /// True when the engine refuses to start with a batch limit above <see cref="MaxBatchedTokens"/> (vLLM's
        /// <c>SchedulerConfig._verify_args</c>: "max_num_batched_tokens ... must be greater than or equal to max_num_seqs").
        /// </summary>
        public bool RefusesBatchAboveTokenBudget { get; }

        /// <summary>Tokens per KV-cache block (page); a request's KV is rounded up to whole blocks.</summary>
        public int TokensPerKvBlock { get; }

        /// <summary>
        /// How many batches of <see cref="MaxBatchedTokens"/> the fused-MoE layers of one rank size their buffers for, in a
        /// pool of <paramref name="tensorParallel"/>-way attention with experts over <paramref name="expertParallel"/> GPUs:
        /// 1, unless the engine gathers every attention-data-parallel rank's tokens into each rank's MoE layer before
        /// sizing the KV cache (TensorRT-LLM).
        /// </summary>
        public virtual int MoeBatchesPerRank(int tensorParallel, int expertParallel) => 1;

        /// <summary>
        /// How the engine's MoE layers exchange tokens under attention data parallel with experts over
        /// <paramref name="expertParallel"/> GPUs, <paramref name="topK"/> routed experts per token, on GPUs whose NVLink
        /// spans nodes (<paramref name="multiNodeNvLink"/>, GB200 NVL72): by default an all-gather and a reduce-scatter
        /// (vLLM's <c>VLLM_ALL2ALL_BACKEND</c>, <c>allgather_reducescatter</c> by default in <c>vllm/envs.py</c>; SGLang's DP attention without DeepEP).
        /// </summary>
        public virtual MoeExchange MoeExchange(int expertParallel, int topK, bool multiNodeNvLink) => Serving.MoeExchange.AllGather;

        /// <summary>Bytes per hidden-state element the engine sends to the experts' GPUs (BF16: 2), for weights in <paramref name="weights"/>.</summary>
        public virtual double MoeDispatchBytesPerElement(Precision weights) => 2.0;

        /// <summary>Memory of the engine's captured CUDA graphs that its KV sizing subtracts, in bytes (0 when the engine sizes the KV cache before capturing them, as vLLM v0.19 does).</summary>
        public double CudaGraphBytes { get; }

        /// <summary>The server flags, in this engine's spelling.</summary>
        private protected EngineFlags Flags { get; }

        /// <summary>The container image for a Kubernetes LeaderWorkerSet; null when the engine has no LWS pattern.</summary>
        public string? ContainerImage { get; }

        /// <summary>The commands that start <paramref name="pool"/> on this engine.</summary>
        public abstract LaunchConfig Launch(DeploymentFacts facts, ServingPool pool, LaunchOptions options);

        /// <summary>Port offsets of a disaggregated plan's servers from the router's port.</summary>
        private const int PrefillPortOffset = 100, DecodePortOffset = 200;

        /// <summary>
        /// The commands that start <paramref name="plan"/>: an aggregated plan's one pool, or a disaggregated plan's
        /// prefill servers, decode servers (each pool launched as an aggregated pool of its own split, with this engine's
        /// disaggregation flags), and the router in front of them (docs/launch.md says where each flag was checked).
        /// </summary>
        public LaunchConfig Launch(DeploymentFacts facts, PartitionPlan plan, LaunchOptions options)
        {
            if (plan.Prefill is null)
            {
                return Launch(facts, plan.Pool, options);
            }

            var commands = new List<string>();
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var notes = new List<string>
            {
                Format("disaggregated: {0} prefill worker(s) of TP{1} (ports from {2}), then {3} decode worker(s) of TP{4}{5} (ports from {6}); give the larger workers the first GPUs so none straddles a node; the router listens on {7}",
                    plan.Prefill.DataParallel, plan.Prefill.TensorParallel, options.Port + PrefillPortOffset, plan.Pool.DataParallel, plan.Pool.TensorParallel,
                    plan.Pool.ExpertParallel > 1 ? " x EP" + Int(plan.Pool.ExpertParallel) : "", options.Port + DecodePortOffset, options.Port),
            };
            foreach (var (role, pool, offset) in new[] { (DisaggregatedRole.Prefill, plan.Prefill, PrefillPortOffset), (DisaggregatedRole.Decode, plan.Pool, DecodePortOffset) })
            {
                var launch = Launch(facts, pool, new LaunchOptions { Port = options.Port + offset, LeaderAddress = options.LeaderAddress, Image = options.Image, Name = options.Name });
                foreach (string command in launch.Commands)
                {
                    commands.Add(Disaggregate(command, role));
                }

                foreach (var file in launch.Files)
                {
                    var (name, content) = DisaggregateFile(file.Key, file.Value, role);
                    files[name] = content;
                }

                foreach (string note in launch.Notes)
                {
                    if (!notes.Contains(note))
                    {
                        notes.Add(note);
                    }
                }
            }

            var (router, routerFiles, routerNote) = Router(options.Port, options.Port + PrefillPortOffset, options.Port + DecodePortOffset);
            commands.Add(router);
            foreach (var file in routerFiles)
            {
                files[file.Key] = file.Value;
            }

            notes.Add(routerNote);
            return new LaunchConfig(Engine, 1, Math.Max(1, (plan.GpuCount + facts.GpusPerNode - 1) / facts.GpusPerNode), commands, files, notes);
        }

        /// <summary>A pool's server command with this engine's flags for its role in a disaggregated plan.</summary>
        private protected abstract string Disaggregate(string command, DisaggregatedRole role);

        /// <summary>A file a disaggregated pool's servers read, renamed and completed for its role (unchanged by default).</summary>
        private protected virtual (string Name, string Content) DisaggregateFile(string name, string content, DisaggregatedRole role) => (name, content);

        /// <summary>The router in front of a disaggregated plan's pools: its command, the files it reads and a note on where it comes from.</summary>
        private protected abstract (string Command, IReadOnlyDictionary<string, string> Files, string Note) Router(int port, int prefillPort, int decodePort);

        /// <inheritdoc />
        public override string ToString() => DisplayName;

        /// <summary>
        /// The limits every server takes: the longest context, the plan's memory setting (when the plan was sized for
        /// this engine), an FP8 KV cache, the batch limit; and a note when the weights must come quantized.
        /// </summary>
        /// <summary>The path launch commands write where DeploySpec does not know the EAGLE-3 draft checkpoint: the user must replace it (a launch note says so).</summary>
        public const string Eagle3DraftPlaceholder = "/path/to/eagle3-draft";

        /// <summary>
        /// The draft checkpoint the engine loads: the draft model's for Speculation.DraftModel, <see cref="Eagle3DraftPlaceholder"/>
        /// (with a note) for EAGLE-3, null for MTP (the model's own layers) and without speculation.
        /// </summary>
        private protected static string? DraftCheckpoint(DeploymentFacts facts, List<string> notes)
        {
            switch (facts.Speculation)
            {
                case Speculation.Eagle3:
                    notes.Add(Format("speculative decoding: replace {0} with an EAGLE-3 draft trained for {1} (DeploySpec does not know which; e.g. a yuhuili/EAGLE3-* or RedHatAI/*speculator.eagle3 checkpoint)",
                        Eagle3DraftPlaceholder, facts.Checkpoint));
                    return Eagle3DraftPlaceholder;
                case Speculation.DraftModel:
                    return facts.DraftCheckpoint;
                default:
                    return null;
            }
        }

        private protected void AddLimits(List<string> args, DeploymentFacts facts, ServingPool pool, List<string> notes)
        {
            Add(args, Flags.ContextLength, Int(facts.ContextTokens));
            if (MemoryValue(facts, pool, notes) is { } memory)
            {
                Add(args, Flags.Memory, memory);
            }

            if (facts.KvCache == Precision.Fp8 && Flags.KvCacheDtype is { } dtype)
            {
                Add(args, dtype, Flags.Fp8KvCache);
            }

            Add(args, Flags.MaxBatchSize, Int(facts.MaxBatchSize));
            // An engine whose default depends on the GPU's memory is told the budget the plan was sized with.
            if (TokenBudget(facts) != MaxBatchedTokens || (TokenBudgetDependsOnGpu && facts.MaxBatchedTokens > 0))
            {
                Add(args, Flags.MaxBatchedTokens, Int(TokenBudget(facts)));
            }

            QuantizationNote(facts, notes);
        }

        /// <summary>The tokens one iteration processes at most that the plan was sized with: the deployment's, else this engine's default.</summary>
        private protected int TokenBudget(DeploymentFacts facts) => facts.MaxBatchedTokens > 0 ? facts.MaxBatchedTokens : MaxBatchedTokens;

        /// <summary>The plan's memory setting for this engine, or null (with a note) when it was sized for another.</summary>
        private protected string? MemoryValue(DeploymentFacts facts, ServingPool pool, List<string> notes)
        {
            if (facts.Engine != Engine || pool.EngineMemoryFraction <= 0)
            {
                notes.Add(Format("the plan was sized for {0}'s memory policy; the memory setting is left at this engine's default, so its KV cache will differ", For(facts.Engine).DisplayName));
                return null;
            }

            return pool.EngineMemoryFraction.ToString("0.####", CultureInfo.InvariantCulture);
        }

        /// <summary>A note when the plan assumes quantized weights the engine must be given.</summary>
        private protected void QuantizationNote(DeploymentFacts facts, List<string> notes)
        {
            if (facts.Weights != Precision.Bf16 && facts.Weights != Precision.Fp16 && facts.Weights != Precision.Fp32)
            {
                notes.Add(Format("the plan assumes {0} weights: serve a checkpoint already quantized to {0}, or use {1}", facts.Weights.ToString().ToUpperInvariant(), Flags.Quantization));
            }
        }
    }

    /// <summary>The role of a server in a disaggregated plan.</summary>
    internal enum DisaggregatedRole
    {
        Prefill,
        Decode,
    }
}
