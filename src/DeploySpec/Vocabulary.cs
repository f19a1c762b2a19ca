namespace DeploySpec
{
    /// <summary>Numeric format of weights, KV cache or activations. Values are stable: generated code and specs store them.</summary>
    public enum Precision
    {
        /// <summary>32-bit float, 4 bytes per element.</summary>
        Fp32 = 0,
        /// <summary>bfloat16, 2 bytes per element.</summary>
        Bf16 = 1,
        /// <summary>IEEE half, 2 bytes per element.</summary>
        Fp16 = 2,
        /// <summary>8-bit float (E4M3), 1 byte per element.</summary>
        Fp8 = 3,
        /// <summary>8-bit integer, 1 byte per element.</summary>
        Int8 = 4,
        /// <summary>4-bit integer (AWQ/GPTQ style), 0.5 byte per element.</summary>
        Int4 = 5,
        /// <summary>4-bit float (NVFP4 / MXFP4), 0.5 byte per element.</summary>
        Fp4 = 6,
    }

    /// <summary>Accelerators in the built-in catalog (facts in docs/hardware.md, from datasheets and nvidia-smi readings).</summary>
    public enum Gpu
    {
        /// <summary>NVIDIA H100 SXM5 80 GB.</summary>
        H100Sxm = 0,
        /// <summary>NVIDIA H100 PCIe 80 GB.</summary>
        H100Pcie = 1,
        /// <summary>NVIDIA H100 NVL 94 GB.</summary>
        H100Nvl = 2,
        /// <summary>NVIDIA H200 SXM 141 GB.</summary>
        H200Sxm = 3,
        /// <summary>NVIDIA H200 NVL 141 GB.</summary>
        H200Nvl = 4,
        /// <summary>NVIDIA B200 180 GB (HGX/DGX).</summary>
        B200 = 5,
        /// <summary>NVIDIA A100 SXM4 80 GB.</summary>
        A100Sxm80 = 6,
        /// <summary>NVIDIA L40S 48 GB.</summary>
        L40S = 7,
        /// <summary>AMD Instinct MI300X 192 GB.</summary>
        MI300X = 8,
        /// <summary>NVIDIA GB200 (Grace-Blackwell; one Blackwell GPU of a GB200 NVL72 rack: 4 per compute tray, 72 in one NVLink domain).</summary>
        GB200 = 9,
        /// <summary>NVIDIA GB300 (Grace-Blackwell Ultra; one GPU of a GB300 NVL72 rack: 4 per compute tray, 72 in one NVLink domain).</summary>
        GB300 = 10,
        /// <summary>NVIDIA B300 (Blackwell Ultra, HGX/DGX B300, 8 per node).</summary>
        B300 = 11,
        /// <summary>NVIDIA H20 96 GB (Hopper, HGX, 8 per node).</summary>
        H20 = 12,
        /// <summary>NVIDIA L4 24 GB (Ada, PCIe, no NVLink).</summary>
        L4 = 13,
        /// <summary>NVIDIA RTX PRO 6000 Blackwell Server Edition 96 GB GDDR7 (PCIe Gen5, no NVLink).</summary>
        RtxPro6000 = 14,
        /// <summary>AMD Instinct MI325X 256 GB.</summary>
        MI325X = 15,
        /// <summary>AMD Instinct MI355X 288 GB.</summary>
        MI355X = 16,
    }

    /// <summary>A GPU-to-GPU link. <see cref="Default"/> means the GPU's own default for that tier.</summary>
    public enum Link
    {
        /// <summary>The GPU's default link for this tier (catalog).</summary>
        Default = 0,
        /// <summary>NVLink 3 through NVSwitch, 600 GB/s per GPU (both directions).</summary>
        NvLink3 = 1,
        /// <summary>NVLink 4 through NVSwitch, 900 GB/s per GPU (both directions).</summary>
        NvLink4 = 2,
        /// <summary>NVLink 5 through NVSwitch, 1.8 TB/s per GPU (both directions).</summary>
        NvLink5 = 3,
        /// <summary>NVLink bridge joining pairs of PCIe cards, 600 GB/s (both directions).</summary>
        NvLinkBridge = 4,
        /// <summary>PCIe Gen4 x16, 64 GB/s (both directions).</summary>
        PcieGen4 = 5,
        /// <summary>PCIe Gen5 x16, 128 GB/s (both directions).</summary>
        PcieGen5 = 6,
        /// <summary>AMD Infinity Fabric, 7 x 128 GB/s = 896 GB/s per GPU.</summary>
        InfinityFabric = 7,
        /// <summary>InfiniBand NDR, one 400 Gb/s NIC per GPU (100 GB/s both directions).</summary>
        InfiniBandNdr = 8,
        /// <summary>InfiniBand XDR, one 800 Gb/s NIC per GPU (200 GB/s both directions).</summary>
        InfiniBandXdr = 9,
        /// <summary>Ethernet (RoCE), one 200 Gb/s NIC per GPU (50 GB/s both directions).</summary>
        Ethernet200G = 10,
        /// <summary>NVLink bridge joining up to four PCIe cards (H200 NVL), 900 GB/s (both directions).</summary>
        NvLinkBridge4Way = 11,
        /// <summary>PCIe Gen6 x16, 256 GB/s (both directions).</summary>
        PcieGen6 = 12,
        /// <summary>AMD Infinity Fabric of the MI350 series, 7 x 153.6 GB/s = 1,075.2 GB/s per GPU.</summary>
        InfinityFabric4 = 13,
    }

    /// <summary>What a deployment optimises when it ranks plans.</summary>
    public enum Objective
    {
        /// <summary>Most output tokens per second per GPU while meeting the latency targets.</summary>
        MaxThroughput = 0,
        /// <summary>Lowest time per output token for one request (then lowest time to first token).</summary>
        MinLatency = 1,
        /// <summary>Lowest cost per million output tokens while meeting the latency targets (the price per GPU-hour of the cluster).</summary>
        MinCost = 2,
    }

    /// <summary>
    /// The statistic of a latency that the targets bound ([Deployment(TargetStatistic = ...)]): the mean, or the 90th or
    /// 99th percentile, from the queueing model of docs/cost-model.md ("Percentiles"). Values are stable: specs store them.
    /// </summary>
    public enum LatencyStatistic
    {
        /// <summary>The mean time to first token and time per output token.</summary>
        Mean = 0,
        /// <summary>The 90th percentile: 9 requests in 10 see a latency at or below it.</summary>
        P90 = 90,
        /// <summary>The 99th percentile: 99 requests in 100 see a latency at or below it.</summary>
        P99 = 99,
    }

    /// <summary>How a plan serves requests (docs/disaggregated.md).</summary>
    public enum ServingMode
    {
        /// <summary>For a deployment: search both modes. A plan's mode is never Any.</summary>
        Any = 0,
        /// <summary>Every GPU of the plan runs both prefill and decode (continuous batching with chunked prefill).</summary>
        Aggregated = 1,
        /// <summary>A prefill pool and a decode pool, each of its own workers and split; each request's KV cache is sent from one to the other.</summary>
        Disaggregated = 2,
    }

    /// <summary>The serving engine whose memory policy sizes the KV cache.</summary>
    public enum ServingEngine
    {
        /// <summary>vLLM: KV = total x gpu_memory_utilization - weights - activation peak - non-torch memory.</summary>
        Vllm = 0,
        /// <summary>TensorRT-LLM: KV = free_gpu_memory_fraction x (memory still free after weights and runtime buffers).</summary>
        TensorRtLlm = 1,
        /// <summary>SGLang: reserves max(~1 GiB + buffers, 10 GiB) on GPUs above 60 GB, the rest x mem_fraction_static.</summary>
        Sglang = 2,
    }

    /// <summary>
    /// Speculative decoding: a cheap drafter proposes tokens that the model verifies in one step (docs/cost-model.md,
    /// "Speculative decoding"). Values are stable: generated code and specs store them.
    /// </summary>
    public enum Speculation
    {
        /// <summary>No speculative decoding: one token per sequence per step.</summary>
        None = 0,
        /// <summary>EAGLE-3: a one-layer draft head on the model's hidden states (arXiv 2503.01840).</summary>
        Eagle3 = 1,
        /// <summary>Multi-token prediction with the model's own MTP layers (DeepSeek-V3's <c>num_nextn_predict_layers</c>); the model must declare <c>MtpLayers</c>.</summary>
        Mtp = 2,
        /// <summary>A separate, smaller draft model (<c>DraftModel = typeof(...)</c>, a class marked [Model]).</summary>
        DraftModel = 3,
    }
}
