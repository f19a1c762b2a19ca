namespace DeploySpec.Generators.Tests;

/// <summary>User code the tests compile.</summary>
public static class Sources
{
    public const string Llama405B = """
        using DeploySpec;
        namespace Acme.Serving;

        [Model(Layers = 126, HiddenSize = 16384, AttentionHeads = 128, KeyValueHeads = 8,
               IntermediateSize = 53248, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama405B { }
        """;

    public const string HgxH200 = """
        using DeploySpec;
        namespace Acme.Serving;

        [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 1)]
        public partial class HgxH200 { }
        """;

    public const string Chat = """
        using DeploySpec;
        namespace Acme.Serving;

        [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 2048, OutputTokens = 128)]
        public partial class Chat { }
        """;

    public const string Mixtral = """
        using DeploySpec;

        [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
               VocabSize = 32000, Experts = 8, ActiveExperts = 2, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Mixtral { }

        [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 4, Nodes = 2, InterNodeLink = Link.InfiniBandNdr)]
        public partial class TwoNodes { }

        public static partial class Services
        {
            [Deployment(typeof(Mixtral), typeof(TwoNodes), InputTokens = 1000, OutputTokens = 1000,
                        MaxTimePerOutputTokenMs = 50, Objective = Objective.MaxThroughput)]
            public partial class Router { }
        }
        """;

    public const string DeepSeek = """
        using DeploySpec;
        namespace Acme.Reasoning
        {
            [Model(Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128, IntermediateSize = 18432,
                   VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1, ExpertIntermediateSize = 2048,
                   DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536, ValueHeadDim = 128,
                   Weights = Precision.Fp8, KvCache = Precision.Fp8)]
            public partial class DeepSeekV3 { }

            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 8, Nodes = 2)]
            public partial class TwoHgx { }

            [Deployment(typeof(DeepSeekV3), typeof(TwoHgx), InputTokens = 4096, OutputTokens = 1024, Engine = ServingEngine.Sglang)]
            public partial class Reasoner { }
        }
        """;

    public const string Llama70BWithTargets = """
        using DeploySpec;

        [Model(Name = "Llama 3.1 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8,
               IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama70B { }

        [Cluster(Gpu = Gpu.H100Sxm)]
        public partial class HgxH100 { }

        [Deployment(typeof(Llama70B), typeof(HgxH100), InputTokens = 1024, OutputTokens = 512,
                    MaxTimeToFirstTokenMs = 1000, MaxTimePerOutputTokenMs = 40, Engine = ServingEngine.TensorRtLlm)]
        public partial class Assistant { }
        """;
}
