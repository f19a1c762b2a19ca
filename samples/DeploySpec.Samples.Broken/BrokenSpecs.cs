using DeploySpec;

namespace DeploySpec.Samples.Broken;

// DS1001: a negative layer count.
[Model(Layers = -80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256)]
public partial class Typo { }

// 141 GB of BF16 weights: more than one H200 holds.
[Model(Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256)]
public partial class Llama70B { }

// ~810 GB of BF16 weights: more than four H200s hold.
[Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8, IntermediateSize = 53248, VocabSize = 128256)]
public partial class Llama405B { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1)]
public partial class OneH200 { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 4)]
public partial class FourH200 { }

[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8)]
public partial class HgxH200 { }

public class NotAModel { }

// DS2001: Llama 3.1 70B BF16 on one H200.
[Deployment(typeof(Llama70B), typeof(OneH200))]
public partial class SmallBox { }

// DS2001: Llama 3.1 405B BF16 on four H200s.
[Deployment(typeof(Llama405B), typeof(FourH200))]
public partial class HalfNode { }

// DS3001: TP3 does not split 64 heads; DS3006: nor the 8 GPUs.
[Deployment(typeof(Llama70B), typeof(HgxH200), TensorParallel = 3)]
public partial class OddSplit { }

// DS4001: 2 ms per token is beyond any plan.
[Deployment(typeof(Llama70B), typeof(HgxH200), MaxTimePerOutputTokenMs = 2)]
public partial class TooFast { }

// DS1004: the model type is not a [Model].
[Deployment(typeof(NotAModel), typeof(HgxH200))]
public partial class Unmodelled { }
