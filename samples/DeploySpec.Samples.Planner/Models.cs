using DeploySpec;

namespace DeploySpec.Samples.Planner;

// Architectures as the models' own config.json files give them (docs/models.md).

[Model(Name = "Llama 3.1 405B", Checkpoint = "meta-llama/Llama-3.1-405B-Instruct-FP8", Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8,
       IntermediateSize = 53248, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
public partial class Llama405B { }

[Model(Name = "Llama 3.1 70B", Checkpoint = "nvidia/Llama-3.1-70B-Instruct-FP8", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
       IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
public partial class Llama70B { }

// DeepSeek-V3 from the HuggingFace config.json the checkpoint ships (FP8 weights from its quantization_config);
// the attribute adds what the file leaves to the engine: an FP8 KV cache.
[Model(Name = "DeepSeek-V3", ConfigFile = "models/deepseek-v3/config.json", Checkpoint = "deepseek-ai/DeepSeek-V3", KvCache = Precision.Fp8)]
public partial class DeepSeekV3 { }

// The same Llama 3.1 70B as served from RedHat's FP8 checkpoint, the model id the example benchmark files name.
[Model(Name = "Llama 3.1 70B", ConfigFile = "models/llama-3.1-70b/config.json", Checkpoint = "RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8",
       Weights = Precision.Fp8, KvCache = Precision.Fp8)]
public partial class Llama70BServed { }

// Qwen3-Next: Gated DeltaNet layers keep a fixed recurrent state per request, every 4th layer full attention (KV cache).
[Model(Name = "Qwen3-Next-80B-A3B", ConfigFile = "models/qwen3-next-80b-a3b/config.json", Checkpoint = "Qwen/Qwen3-Next-80B-A3B-Instruct")]
public partial class Qwen3Next { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1)]
public partial class HgxH200 { }

// One GB200 NVL72 rack: 18 compute trays of 4 GPUs, all 72 on one NVLink switch system. The catalog cites no GB200
// price, so this one is declared: $9.08 per GB200 superchip (2 GPUs) on demand, Spheron's blog, 2026-03-17 (a
// secondary source: set the price you pay).
[Cluster(Gpu = Gpu.GB200, GpusPerNode = 4, Nodes = 18, NvLinkDomainGpus = 72, PricePerGpuHour = 4.54)]
public partial class Nvl72Rack { }

[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 8, Nodes = 1)]
public partial class HgxH100 { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2, InterNodeLink = Link.InfiniBandNdr)]
public partial class TwoHgxH200 { }
