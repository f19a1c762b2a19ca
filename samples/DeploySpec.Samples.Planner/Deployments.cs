using DeploySpec;

namespace DeploySpec.Samples.Planner;

/// <summary>The seed: Llama 3.1 405B FP8 on one HGX H200, 2048 in / 128 out, on TensorRT-LLM as NVIDIA measured it (its TP8-vs-PP8 study).</summary>
[Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 2048, OutputTokens = 128, Engine = ServingEngine.TensorRtLlm)]
public partial class Chat { }

/// <summary>
/// A chat service with latency targets for 9 requests in 10: first token within 1 s, 40 ms per token (25 tok/s per
/// user) at the 90th percentile; plans rank by goodput per GPU, the most requests/s they serve within them.
/// </summary>
[Deployment(typeof(Llama70B), typeof(HgxH100), InputTokens = 1024, OutputTokens = 512,
            MaxTimeToFirstTokenMs = 1000, MaxTimePerOutputTokenMs = 40, TargetStatistic = LatencyStatistic.P90)]
public partial class Assistant { }

/// <summary>DeepSeek-V3 (671 B MoE, MLA) on two HGX H200 nodes, tuned for throughput.</summary>
[Deployment(typeof(DeepSeekV3), typeof(TwoHgxH200), InputTokens = 4096, OutputTokens = 1024, Objective = Objective.MaxThroughput)]
public partial class Reasoner { }

/// <summary>The seed's model on one GB200 NVL72 rack, tensor parallelism pinned to 8: each TP group spans two trays, over NVLink.</summary>
[Deployment(typeof(Llama405B), typeof(Nvl72Rack), InputTokens = 2048, OutputTokens = 128, TensorParallel = 8)]
public partial class Rack { }

/// <summary>A hybrid linear-attention model from its config.json on one HGX H200: most layers hold a fixed state, not a KV cache.</summary>
[Deployment(typeof(Qwen3Next), typeof(HgxH200), InputTokens = 8192, OutputTokens = 1024)]
public partial class Hybrid { }

/// <summary>
/// Llama 3.1 70B on 8 x H100 at TP8 with benchmark result files as build inputs: the runs that match correct the cost
/// model for this deployment. The files in samples/benchmarks are EXAMPLES written for this sample in the tools'
/// formats, not a real run (samples/benchmarks/README.md).
/// </summary>
[Deployment(typeof(Llama70BServed), typeof(HgxH100), InputTokens = 1024, OutputTokens = 512, TensorParallel = 8,
            Measurements = "benchmarks/vllm-bench-serve-llama-3.1-70b-fp8-8xh100.jsonl;benchmarks/genai-perf-llama-3.1-70b-fp8-8xh100_genai_perf.json")]
public partial class Measured { }

/// <summary>
/// The Assistant's model and cluster with EAGLE-3 speculative decoding (3 draft tokens, the documented acceptance
/// 0.80), ranked for latency: the planner prints TPOT at one request with and without it and the load where it stops helping.
/// </summary>
[Deployment(typeof(Llama70B), typeof(HgxH100), InputTokens = 1024, OutputTokens = 512, Objective = Objective.MinLatency,
            Speculation = Speculation.Eagle3, SpeculativeTokens = 3)]
public partial class Speculative { }
