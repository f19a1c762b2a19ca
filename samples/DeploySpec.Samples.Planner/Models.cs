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

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1)]
public partial class HgxH200 { }

[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 8, Nodes = 1)]
public partial class HgxH100 { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2, InterNodeLink = Link.InfiniBandNdr)]
public partial class TwoHgxH200 { }
