using DeploySpec;

namespace DeploySpec.Benchmarks.Specs;

[Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248,
       VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
public partial class Llama405B { }

[Model(Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128, IntermediateSize = 18432,
       VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1, ExpertIntermediateSize = 2048,
       DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536, ValueHeadDim = 128,
       Weights = Precision.Fp8, KvCache = Precision.Fp8)]
public partial class DeepSeekV3 { }

[Cluster(Gpu = Gpu.H200Sxm)] public partial class HgxH200 { }

[Cluster(Gpu = Gpu.H200Sxm, Nodes = 2)] public partial class TwoHgxH200 { }

/// <summary>Dense: Llama 3.1 405B FP8 on one HGX H200.</summary>
[Deployment(typeof(Llama405B), typeof(HgxH200))] public partial class Chat { }

/// <summary>MoE: DeepSeek-V3 FP8 on two HGX H200.</summary>
[Deployment(typeof(DeepSeekV3), typeof(TwoHgxH200), InputTokens = 4096, OutputTokens = 1024)] public partial class Reasoner { }
