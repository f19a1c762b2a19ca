using System.Globalization;
using System.Text;

namespace DeploySpec.Generators.Tests.Fuzz;

/// <summary>One generated case: a model, a cluster and a deployment in their own namespace, maybe with a config file.</summary>
public sealed record FuzzCase(int Index, string Path, string Source, (string Path, string Text)? ConfigFile, string Shape)
{
    public string Namespace => "Fuzz.C" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Random and mutated DeploySpec declarations, seeded: mostly realistic values, with hostile values (bounds, signs,
/// overflow, NaN, unknown enum values, injection strings), structural breakage (not partial, generic, file-local,
/// named like a generated member, typeof of arrays, null, types that do not exist) and config.json mutations
/// (deleted and retyped fields, truncation, junk) mixed in.
/// </summary>
public sealed class SpecFuzzer(int seed, IReadOnlyList<string> configFiles)
{
    private readonly Random _random = new(seed);

    private static readonly string[] HostileNames =
    {
        "Llama\n3", "a\r\nb", "\n#error injected\n", "x\u2028y", "x\u2029y", "x\u0085y", "*/ <summary>&amp;", "\"quoted\"", "back\\slash", "", "\t\0",
    };

    /// <summary>Attribute forms of real models (Llama 3.1 8B and 70B, Mixtral 8x7B, Qwen2.5 72B, DeepSeek-V3, GPT-OSS-like).</summary>
    private static readonly string[] RealModels =
    {
        "Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256",
        "Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256",
        "Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 32000, Experts = 8, ActiveExperts = 2",
        "Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 29568, VocabSize = 152064, AttentionBias = true",
        "Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128, IntermediateSize = 18432, VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1, ExpertIntermediateSize = 2048, DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536, ValueHeadDim = 128",
        "Layers = 36, HiddenSize = 2880, AttentionHeads = 64, KeyValueHeads = 8, HeadDim = 64, IntermediateSize = 2880, VocabSize = 201088, Experts = 128, ActiveExperts = 4, SlidingWindow = 128, SlidingWindowLayers = 18, AttentionBias = true",
    };

    private static readonly string[] Hostile = { "0", "-1", "int.MaxValue", "int.MinValue", "4194304", "4194305", "3", "7", "1000000000" };

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private bool Chance(double p) => _random.NextDouble() < p;

    /// <summary>A value from the realistic pool, often; a hostile one sometimes.</summary>
    private string Int(params int[] realistic) => Chance(0.97)
        ? Pick(realistic).ToString(CultureInfo.InvariantCulture)
        : Pick(Hostile);

    private string Dbl(params double[] realistic) => Chance(0.95)
        ? Pick(realistic).ToString("R", CultureInfo.InvariantCulture)
        : Pick("-1.0", "double.NaN", "double.PositiveInfinity", "1e300", "-0.0", "0.999999999");

    private string Enum(string type, int count) => Chance(0.99)
        ? "(" + type + ")" + _random.Next(count).ToString(CultureInfo.InvariantCulture)
        : "(" + type + ")" + Pick(99, -1, 1000).ToString(CultureInfo.InvariantCulture);

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    public FuzzCase Next(int index)
    {
        string path = "case" + index.ToString(CultureInfo.InvariantCulture) + ".cs";
        var shapes = new List<string>();
        var model = new List<string>();
        (string Path, string Text)? config = null;
        if (Chance(0.35))
        {
            // A real architecture, so that many cases get past validation and exercise planning and emission.
            model.AddRange(Pick(RealModels).Split(new[] { ", " }, StringSplitOptions.None));
            model.Add("Weights = " + Enum("Precision", 7));
            model.Add("KvCache = " + Enum("Precision", 7));
            shapes.Add("real architecture");
        }
        else if (configFiles.Count > 0 && Chance(0.3))
        {
            string folder = "models/case" + index.ToString(CultureInfo.InvariantCulture);
            string file = Pick("config.json", "config", "config.JSON");
            config = ("/repo/" + folder + "/" + file, MutateConfig(Pick(configFiles.ToArray()), shapes));
            model.Add("ConfigFile = " + Literal(Chance(0.95) ? folder + "/" + file : "models/missing/config.json"));
            if (Chance(0.3))
            {
                model.Add("KvCache = " + Enum("Precision", 7));
            }
        }
        else
        {
            bool moe = Chance(0.3), mla = moe && Chance(0.3);
            model.Add("Layers = " + Int(1, 2, 16, 32, 40, 61, 80, 126));
            model.Add("HiddenSize = " + Int(64, 512, 4096, 5120, 7168, 8192, 16384));
            model.Add("AttentionHeads = " + Int(1, 8, 32, 40, 64, 128));
            if (Chance(0.8)) model.Add("KeyValueHeads = " + Int(0, 1, 8, 16));
            if (Chance(0.3)) model.Add("HeadDim = " + Int(64, 128, 256));
            if (Chance(0.9)) model.Add("IntermediateSize = " + Int(128, 14336, 18432, 28672, 53248));
            model.Add("VocabSize = " + Int(1000, 32000, 128256, 151936));
            if (Chance(0.2)) model.Add("TiedEmbeddings = true");
            if (moe)
            {
                model.Add("Experts = " + Int(8, 16, 64, 128, 256));
                model.Add("ActiveExperts = " + Int(1, 2, 4, 8));
                if (Chance(0.6)) model.Add("ExpertIntermediateSize = " + Int(768, 1408, 2048));
                if (Chance(0.4)) model.Add("SharedExperts = " + Int(1, 2));
                if (Chance(0.3)) model.Add("DenseLayers = " + Int(1, 3));
            }

            if (mla)
            {
                model.Add("KvLoraRank = " + Int(512));
                model.Add("QkRopeHeadDim = " + Int(64));
                if (Chance(0.5)) model.Add("QLoraRank = " + Int(1536));
                model.Add("ValueHeadDim = " + Int(128));
            }

            if (Chance(0.15))
            {
                model.Add("SlidingWindow = " + Int(128, 4096));
                model.Add("SlidingWindowLayers = " + Int(1, 16, 32));
            }

            model.Add("Weights = " + Enum("Precision", 7));
            model.Add("KvCache = " + Enum("Precision", 7));
        }

        if (Chance(0.15))
        {
            model.Add("Name = " + Literal(Pick(HostileNames)));
            shapes.Add("hostile name");
        }

        if (Chance(0.1)) model.Add("Checkpoint = " + Literal(Pick(HostileNames)));

        var cluster = new List<string> { "Gpu = " + Enum("Gpu", 9) };
        if (Chance(0.9)) cluster.Add("GpusPerNode = " + Int(1, 2, 4, 8, 16));
        if (Chance(0.6)) cluster.Add("Nodes = " + Int(1, 2, 4, 16));
        if (Chance(0.2)) cluster.Add("IntraNodeLink = " + Enum("Link", 13));
        if (Chance(0.2)) cluster.Add("InterNodeLink = " + Enum("Link", 13));
        if (Chance(0.03)) cluster.AddRange(new[] { "GpusPerNode = 1024", "Nodes = 4096" }.Where(p => !cluster.Any(c => c.StartsWith(p.Split(' ')[0], StringComparison.Ordinal))));

        var deployment = new List<string>();
        if (Chance(0.7)) deployment.Add("InputTokens = " + Int(1, 128, 1024, 2048, 8192, 100000));
        if (Chance(0.7)) deployment.Add("OutputTokens = " + Int(1, 128, 256, 1024));
        if (Chance(0.15)) deployment.Add("MaxContext = " + Int(0, 4096, 32768, 131072, 1000000));
        if (Chance(0.15)) deployment.Add("Concurrency = " + Int(0, 1, 64, 1000, 100000));
        if (Chance(0.25)) deployment.Add("TensorParallel = " + Int(0, 1, 2, 3, 4, 8, 16, 65536));
        if (Chance(0.2)) deployment.Add("PipelineParallel = " + Int(0, 1, 2, 4, 5, 8, 65536));
        if (Chance(0.1)) deployment.Add("ExpertParallel = " + Int(0, 1, 2, 3, 4, 8, 16));
        if (Chance(0.3)) deployment.Add("Engine = " + Enum("ServingEngine", 3));
        if (Chance(0.15)) deployment.Add("MemoryFraction = " + Dbl(0, 0.5, 0.8, 0.9, 0.95));
        if (Chance(0.15)) deployment.Add("MaxBatchSize = " + Int(0, 1, 64, 256, 1000000));
        if (Chance(0.15)) deployment.Add("MaxBatchedTokens = " + Int(0, 64, 512, 2048, 8192, 32768));
        if (Chance(0.1)) deployment.Add("SafetyMarginGiB = " + Dbl(0, 1, 2, 10, 1024));
        if (Chance(0.2)) deployment.Add("MaxTimeToFirstTokenMs = " + Dbl(0, 50, 200, 1000, 5000));
        if (Chance(0.2)) deployment.Add("MaxTimePerOutputTokenMs = " + Dbl(0, 1, 5, 20, 50));
        if (Chance(0.1)) deployment.Add("Objective = " + Enum("Objective", 2));

        // Structure: mostly well formed, sometimes broken in one of the ways users break it.
        string modelRef = "typeof(M)", clusterRef = "typeof(K)", modifiers = "public partial class", name = "D", body = "{ }", modelAttribute = "Model", prefix = "", suffix = "";
        switch (_random.Next(100))
        {
            case 0: modifiers = "public class"; shapes.Add("not partial"); break;
            case 1: name = "D<T>"; shapes.Add("generic"); break;
            case 2: modifiers = "file partial class"; shapes.Add("file-local"); break;
            case 3: name = Pick("Report", "Plans", "Estimate", "Facts", "Frontier"); shapes.Add("named like a member"); break;
            case 4: body = "{ public static int Plans => 1; }"; shapes.Add("declares a member"); break;
            case 5: modelRef = "typeof(M[])"; shapes.Add("typeof array"); break;
            case 6: modelRef = "null"; shapes.Add("null model"); break;
            case 7: modelRef = "typeof(Missing)"; shapes.Add("missing type"); break;
            case 8: modelAttribute = "System.Obsolete"; shapes.Add("model without [Model]"); break;
            case 9: name = "@event"; shapes.Add("keyword name"); break;
            case 10: prefix = "public static class Outer {"; suffix = "}"; shapes.Add("nested in non-partial"); break;
            case 11: prefix = "public static partial class Outer {"; suffix = "}"; shapes.Add("nested"); break;
            case 12: clusterRef = "typeof(M)"; shapes.Add("model as cluster"); break;
            case 13: prefix = "public partial class Zoo<T> {"; suffix = "}"; modelRef = "typeof(Zoo<int>.M)"; clusterRef = "typeof(Zoo<int>.K)"; shapes.Add("generic outer"); break;
        }

        var code = new StringBuilder();
        code.Append("using DeploySpec;\nnamespace ").Append("Fuzz.C").Append(index.ToString(CultureInfo.InvariantCulture)).Append(";\n");
        code.Append(prefix).Append('\n');
        code.Append('[').Append(modelAttribute == "Model" ? "Model(" + string.Join(", ", model) + ")" : modelAttribute).Append("] public partial class M { }\n");
        code.Append("[Cluster(").Append(string.Join(", ", cluster)).Append(")] public partial class K { }\n");
        if (prefix.Contains("Zoo", StringComparison.Ordinal))
        {
            code.Append(suffix).Append('\n');
            prefix = suffix = "";
        }

        code.Append("[Deployment(").Append(modelRef).Append(", ").Append(clusterRef);
        foreach (string d in deployment)
        {
            code.Append(", ").Append(d);
        }

        code.Append(")] ").Append(modifiers).Append(' ').Append(name).Append(' ').Append(body).Append('\n');
        code.Append(prefix.Length > 0 ? suffix : "").Append('\n');
        return new FuzzCase(index, path, code.ToString(), config, shapes.Count == 0 ? "plain" : string.Join(", ", shapes));
    }

    private string MutateConfig(string json, List<string> shapes)
    {
        switch (_random.Next(10))
        {
            case 0:
                shapes.Add("config truncated");
                return json.Substring(0, _random.Next(json.Length));
            case 1:
            case 2:
            {
                // Delete one "key": value line.
                var lines = json.Split('\n').ToList();
                var keys = lines.Select((l, i) => (l, i)).Where(p => p.l.TrimStart().StartsWith("\"", StringComparison.Ordinal)).ToList();
                if (keys.Count > 0)
                {
                    var victim = Pick(keys.ToArray());
                    lines.RemoveAt(victim.i);
                    shapes.Add("config field deleted");
                }

                return string.Join("\n", lines);
            }

            case 3:
            {
                // Retype one number.
                var match = System.Text.RegularExpressions.Regex.Matches(json, @":\s*(\d+)");
                if (match.Count > 0)
                {
                    var m = match[_random.Next(match.Count)];
                    shapes.Add("config value retyped");
                    return json.Substring(0, m.Groups[1].Index) + Pick("\"12\"", "-7", "1.5", "1e40", "true", "null", "[]") + json.Substring(m.Groups[1].Index + m.Groups[1].Length);
                }

                return json;
            }

            case 4:
                shapes.Add("config junk");
                return Pick("", "{", "[1,2]", "null", "{\"model_type\": \"gpt9\"}", json + "}}", new string('[', 5000));
            default:
                return json;
        }
    }
}
