using System;

namespace DeploySpec
{
    /// <summary>
    /// Declares a model architecture. Either give the shape here or point <see cref="ConfigFile"/> at a HuggingFace
    /// <c>config.json</c> added to the project as an <c>AdditionalFiles</c> item; values set here win over the file.
    /// An integer left at 0 means "not set" (use the default or the file's value).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ModelAttribute : Attribute
    {
        /// <summary>Display name; defaults to the class name.</summary>
        public string? Name { get; set; }
        /// <summary>
        /// Path of a HuggingFace config.json among the project's AdditionalFiles (llama, mistral, mixtral, qwen2,
        /// qwen3, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, gpt_oss, kimi_k2, glm4_moe, phi3, granite, gemma2,
        /// gemma3, mistral3, qwen3_next, nemotron_h, llama4), relative to the project or absolute.
        /// </summary>
        public string? ConfigFile { get; set; }
        /// <summary>
        /// What the serving engine loads, for launch commands: a HuggingFace repository id or a local path. Defaults
        /// to the folder of <see cref="ConfigFile"/>, else to <see cref="Name"/>.
        /// </summary>
        public string? Checkpoint { get; set; }
        /// <summary>Transformer blocks (num_hidden_layers).</summary>
        public int Layers { get; set; }
        /// <summary>Model width (hidden_size).</summary>
        public int HiddenSize { get; set; }
        /// <summary>Query heads (num_attention_heads).</summary>
        public int AttentionHeads { get; set; }
        /// <summary>Key/value heads (num_key_value_heads); 0 = same as attention heads (no GQA).</summary>
        public int KeyValueHeads { get; set; }
        /// <summary>Per-head dimension; 0 = HiddenSize / AttentionHeads.</summary>
        public int HeadDim { get; set; }
        /// <summary>Dense FFN width (intermediate_size); for MoE models, the width of the dense layers.</summary>
        public int IntermediateSize { get; set; }
        /// <summary>Vocabulary size.</summary>
        public int VocabSize { get; set; }
        /// <summary>Input embedding and LM head share one matrix.</summary>
        public bool TiedEmbeddings { get; set; }
        /// <summary>Q, K and V projections carry biases (Qwen2, GPT-OSS).</summary>
        public bool AttentionBias { get; set; }
        /// <summary>Routed experts per MoE layer; 0 = dense model.</summary>
        public int Experts { get; set; }
        /// <summary>Routed experts each token uses (num_experts_per_tok).</summary>
        public int ActiveExperts { get; set; }
        /// <summary>FFN width of one routed expert (moe_intermediate_size); 0 = IntermediateSize.</summary>
        public int ExpertIntermediateSize { get; set; }
        /// <summary>Always-on shared experts per MoE layer (width ExpertIntermediateSize each).</summary>
        public int SharedExperts { get; set; }
        /// <summary>Leading layers that use a dense FFN instead of experts (first_k_dense_replace).</summary>
        public int DenseLayers { get; set; }
        /// <summary>Multi-head latent attention: width of the compressed KV latent (kv_lora_rank); 0 = ordinary attention.</summary>
        public int KvLoraRank { get; set; }
        /// <summary>MLA: rotary part of the query/key head (qk_rope_head_dim).</summary>
        public int QkRopeHeadDim { get; set; }
        /// <summary>MLA: rank of the compressed query (q_lora_rank); 0 = full-rank query projection.</summary>
        public int QLoraRank { get; set; }
        /// <summary>MLA: value head dimension (v_head_dim); 0 = HeadDim.</summary>
        public int ValueHeadDim { get; set; }
        /// <summary>Sliding-window length in tokens for the windowed layers; 0 = no sliding window.</summary>
        public int SlidingWindow { get; set; }
        /// <summary>How many layers use the sliding window (the rest attend to the full context).</summary>
        public int SlidingWindowLayers { get; set; }
        /// <summary>
        /// Where the local layers are: every Nth layer (N = this) attends to the whole context and the others locally
        /// (within <see cref="SlidingWindow"/>, or in chunks of <see cref="AttentionChunkSize"/>), as Gemma 2 (2), Gemma 3
        /// (6) and Llama 4 (4) place them; 0 = <see cref="SlidingWindowLayers"/> spread evenly over the depth.
        /// </summary>
        public int SlidingWindowPattern { get; set; }
        /// <summary>Chunked local attention (Llama 4 attention_chunk_size): the local layers attend only within their chunk of this many tokens; 0 = none.</summary>
        public int AttentionChunkSize { get; set; }
        /// <summary>Every Nth layer after <see cref="DenseLayers"/> has experts, the others a dense FFN (Llama 4 interleave_moe_layer_step); 0 or 1 = every layer.</summary>
        public int MoeLayerInterval { get; set; }
        /// <summary>
        /// Every Nth layer is full attention and the others Gated DeltaNet linear attention with a fixed-size recurrent
        /// state per request (Qwen3-Next full_attention_interval); 0 = no linear-attention layers.
        /// </summary>
        public int FullAttentionInterval { get; set; }
        /// <summary>
        /// One character per layer, each layer one block (Nemotron-H hybrid_override_pattern): M = Mamba2 mixer,
        /// * = attention, - = dense FFN, E = experts. Empty = every layer attention and FFN.
        /// </summary>
        public string? HybridPattern { get; set; }
        /// <summary>Recurrent layers: key heads (linear_num_key_heads; for Mamba2 the B/C groups, n_groups).</summary>
        public int RecurrentKeyHeads { get; set; }
        /// <summary>Recurrent layers: value heads (linear_num_value_heads; for Mamba2 mamba_num_heads).</summary>
        public int RecurrentValueHeads { get; set; }
        /// <summary>Recurrent layers: key head dimension (linear_key_head_dim; for Mamba2 the state size, ssm_state_size).</summary>
        public int RecurrentKeyHeadDim { get; set; }
        /// <summary>Recurrent layers: value head dimension (linear_value_head_dim; for Mamba2 mamba_head_dim).</summary>
        public int RecurrentValueHeadDim { get; set; }
        /// <summary>Recurrent layers: width of the causal convolution (linear_conv_kernel_dim, conv_kernel).</summary>
        public int ConvKernel { get; set; }
        /// <summary>The FFNs (dense and experts) have up and down projections only, no gate (Nemotron-H's squared ReLU).</summary>
        public bool UngatedFfn { get; set; }
        /// <summary>
        /// Multi-token-prediction layers shipped with the checkpoint (config.json <c>num_nextn_predict_layers</c>: 1 for
        /// DeepSeek-V3/R1); 0 = none. Loaded and used only with <c>Speculation = Speculation.Mtp</c>.
        /// </summary>
        public int MtpLayers { get; set; }
        /// <summary>Precision of the weights.</summary>
        public Precision Weights { get; set; } = Precision.Bf16;
        /// <summary>Precision of the KV cache.</summary>
        public Precision KvCache { get; set; } = Precision.Bf16;
    }

    /// <summary>
    /// Declares an accelerator the built-in catalog does not have, from its datasheet, for use as
    /// <c>[Cluster(Accelerator = typeof(...))]</c>. Figures are dense (no 2:4 sparsity); 0 for an optional format means the
    /// card has no tensor cores for it (weights in that format then run weight-only at the BF16 rate). Its estimates are
    /// marked extrapolated along GPU generation: the calibration measured no such card (docs/hardware.md).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AcceleratorAttribute : Attribute
    {
        /// <summary>Display name; defaults to the class name.</summary>
        public string? Name { get; set; }
        /// <summary>Memory visible to CUDA/ROCm (what nvidia-smi reports, MiB / 1024), in GiB; required.</summary>
        public double MemoryGiB { get; set; }
        /// <summary>Memory bandwidth in TB/s (10^12 bytes per second); required.</summary>
        public double MemoryBandwidthTBps { get; set; }
        /// <summary>Dense BF16 tensor-core TFLOPS; required.</summary>
        public double Bf16Tflops { get; set; }
        /// <summary>Dense FP8 tensor-core TFLOPS; 0 = no FP8 tensor cores.</summary>
        public double Fp8Tflops { get; set; }
        /// <summary>Dense FP4 tensor-core TFLOPS; 0 = no FP4 tensor cores.</summary>
        public double Fp4Tflops { get; set; }
        /// <summary>The GPU-to-GPU link (<see cref="Link.PcieGen5"/> for a card without NVLink); Default = PCIe Gen5.</summary>
        public Link Link { get; set; }
        /// <summary>The link's bandwidth per GPU in GB/s, both directions added as datasheets give it; 0 = the link's catalog figure.</summary>
        public double LinkGBps { get; set; }
        /// <summary>How many GPUs the link joins; 0 = the link's usual reach (2 for an NVLink bridge, 4 for a 4-way bridge, else 8).</summary>
        public int LinkDomainGpus { get; set; }
    }

    /// <summary>Declares a GPU cluster: GPU kind (or a declared accelerator), GPUs per node, nodes and (optionally) links.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ClusterAttribute : Attribute
    {
        /// <summary>GPU kind from the built-in catalog.</summary>
        public Gpu Gpu { get; set; }
        /// <summary>A class marked [Accelerator], for a GPU the catalog does not have (instead of <see cref="Gpu"/>; setting both is an error).</summary>
        public Type? Accelerator { get; set; }
        /// <summary>GPUs in one node (sharing the intra-node link).</summary>
        public int GpusPerNode { get; set; } = 8;
        /// <summary>Number of nodes.</summary>
        public int Nodes { get; set; } = 1;
        /// <summary>Link between GPUs of one node; Default = the GPU's own (e.g. NVLink 4 + NVSwitch for H200 SXM).</summary>
        public Link IntraNodeLink { get; set; }
        /// <summary>Link between nodes, per GPU; Default = InfiniBand NDR (one 400 Gb/s NIC per GPU).</summary>
        public Link InterNodeLink { get; set; }
        /// <summary>
        /// GPUs on one NVLink (scale-up) domain, which may span nodes: 72 for a GB200/GB300 NVL72 rack of 18 trays of 4.
        /// A multiple of <see cref="GpusPerNode"/> when larger (a divisor when smaller), at most the cluster's GPUs;
        /// 0 = the GPU's default (72 for GB200/GB300, the node for HGX parts, 2 or 4 for bridges).
        /// </summary>
        public int NvLinkDomainGpus { get; set; }
        /// <summary>
        /// What one GPU of this cluster costs per hour, in US dollars; every plan's cost per million output tokens
        /// follows from it. 0 = the MSBuild property <c>DeploySpecPricePerGpuHour</c>, else the catalog's reference
        /// price for the GPU (docs/hardware.md; H100 SXM and H200 SXM only), else no price.
        /// </summary>
        public double PricePerGpuHour { get; set; }
    }

    /// <summary>Declares a deployment: a model on a cluster, a workload, targets and an objective.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class DeploymentAttribute : Attribute
    {
        /// <summary>Creates a deployment of <paramref name="model"/> on <paramref name="cluster"/>.</summary>
        /// <param name="model">A class marked [Model].</param>
        /// <param name="cluster">A class marked [Cluster].</param>
        public DeploymentAttribute(Type model, Type cluster)
        {
            Model = model;
            Cluster = cluster;
        }

        /// <summary>The model class.</summary>
        public Type Model { get; }
        /// <summary>The cluster class.</summary>
        public Type Cluster { get; }
        /// <summary>Prompt tokens per request.</summary>
        public int InputTokens { get; set; } = 2048;
        /// <summary>Generated tokens per request.</summary>
        public int OutputTokens { get; set; } = 128;
        /// <summary>Longest request (prompt + output tokens) the engine must accept, like vLLM's max-model-len; 0 = InputTokens + OutputTokens.</summary>
        public int MaxContext { get; set; }
        /// <summary>Requests of InputTokens + OutputTokens the deployment must hold in flight at once; 0 = no requirement.</summary>
        public int Concurrency { get; set; }
        /// <summary>What to optimise.</summary>
        public Objective Objective { get; set; }
        /// <summary>Time-to-first-token target in milliseconds; 0 = none.</summary>
        public double MaxTimeToFirstTokenMs { get; set; }
        /// <summary>Time-per-output-token target in milliseconds; 0 = none.</summary>
        public double MaxTimePerOutputTokenMs { get; set; }
        /// <summary>
        /// What <see cref="MaxTimeToFirstTokenMs"/> and <see cref="MaxTimePerOutputTokenMs"/> bound: the mean (the
        /// default) or the 90th or 99th percentile (Poisson arrivals; docs/cost-model.md, "Percentiles"). Plans also
        /// report their goodput, the highest request rate they sustain within the targets in this statistic.
        /// </summary>
        public LatencyStatistic TargetStatistic { get; set; }
        /// <summary>
        /// Arrival rate the deployment must serve, in requests per second; 0 = none. When set, plans are judged
        /// against the latency targets at this rate (queueing included), and one that cannot sustain it does not
        /// meet them.
        /// </summary>
        public double RequestsPerSecond { get; set; }
        /// <summary>Pinned tensor-parallel degree; 0 = search.</summary>
        public int TensorParallel { get; set; }
        /// <summary>Pinned pipeline-parallel degree; 0 = search.</summary>
        public int PipelineParallel { get; set; }
        /// <summary>Pinned expert-parallel degree (MoE); 0 = search.</summary>
        public int ExpertParallel { get; set; }
        /// <summary>Engine whose memory policy sizes the KV cache.</summary>
        public ServingEngine Engine { get; set; }
        /// <summary>Fraction of memory the engine may use (vLLM gpu_memory_utilization, TensorRT-LLM free_gpu_memory_fraction, SGLang mem_fraction_static); 0 = the engine's default.</summary>
        public double MemoryFraction { get; set; }
        /// <summary>Most requests one replica batches at once (max_num_seqs / max_batch_size); 0 = the engine's default.</summary>
        public int MaxBatchSize { get; set; }
        /// <summary>
        /// Most tokens one engine iteration processes (vLLM max-num-batched-tokens, TensorRT-LLM max_num_tokens, SGLang
        /// chunked-prefill-size); 0 = the engine's default, 8192. It sizes the activation peak, and so the KV cache, and
        /// splits each prompt into chunks of at most this many tokens. On vLLM and TensorRT-LLM each running request takes
        /// a token of every decode iteration, so the default batch limit is at most this (vLLM refuses a MaxBatchSize above it).
        /// </summary>
        public int MaxBatchedTokens { get; set; }
        /// <summary>Extra memory kept free on every GPU, in GiB, on top of the engine's own reserve; 0 = the project default (MSBuild DeploySpecSafetyMarginGiB) or none.</summary>
        public double SafetyMarginGiB { get; set; }
        /// <summary>
        /// The project's own benchmark result files that correct this deployment's estimates (docs/measurements.md):
        /// a path or path suffix among the project's AdditionalFiles, <c>*</c> matching within one path segment
        /// ("bench/*.json"); "" = none. vLLM, trtllm-bench, GenAI-Perf and AIPerf results are read.
        /// </summary>
        public string Measurements { get; set; } = "";
        /// <summary>
        /// How requests are served: <see cref="ServingMode.Any"/> (the default) searches both aggregated plans (every GPU
        /// prefills and decodes) and disaggregated ones (a prefill pool and a decode pool, the KV cache sent between
        /// them); <see cref="ServingMode.Aggregated"/> or <see cref="ServingMode.Disaggregated"/> pins one. Pinned
        /// TensorParallel, PipelineParallel and ExpertParallel apply to aggregated plans only.
        /// </summary>
        public ServingMode Mode { get; set; }
        /// <summary>
        /// Speculative decoding: <see cref="DeploySpec.Speculation.Eagle3"/>, <see cref="DeploySpec.Speculation.Mtp"/> (the
        /// model's own MTP layers) or <see cref="DeploySpec.Speculation.DraftModel"/> (with <see cref="DraftModel"/>);
        /// None = off. Plans then run k draft tokens and one verify step of k + 1 tokens per sequence (docs/cost-model.md).
        /// </summary>
        public Speculation Speculation { get; set; }
        /// <summary>Draft tokens proposed per verify step (k), 1 to 16; 0 = the default, 3.</summary>
        public int SpeculativeTokens { get; set; }
        /// <summary>
        /// Probability that each draft token is accepted, given the ones before it were (alpha, in [0, 1)); 0 = the
        /// method's documented default (EAGLE-3 0.80, MTP 0.85, a draft model 0.70: docs/cost-model.md).
        /// </summary>
        public double AcceptanceRate { get; set; }
        /// <summary>The draft model for <see cref="DeploySpec.Speculation.DraftModel"/>: a class marked [Model], smaller than the deployment's model; null = none.</summary>
        public Type? DraftModel { get; set; }
    }
}
