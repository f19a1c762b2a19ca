using System.Globalization;
using System.IO;
using System.Reflection;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Planning;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DeploySpec.Generators.Tests;

public class GeneratorBehaviourTests
{
    /// <summary>The planned members are static and, for a class without a base class of its own, inherited from the generated base.</summary>
    private const BindingFlags Generated = BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy;

    [Fact]
    public void An_unrelated_edit_reruns_nothing()
    {
        var compilation = TestCompilation.Create(Sources.Llama405B, Sources.HgxH200, Sources.Chat);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other { public class Unrelated { public int X => 42; } }"));
        var rerun = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertAllCached(rerun);
        Assert.Single(rerun.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Editing_the_model_replans_the_deployment_that_uses_it()
    {
        var compilation = TestCompilation.Create(Sources.Llama405B, Sources.HgxH200, Sources.Chat);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        var modelTree = compilation.SyntaxTrees.First();
        var bf16 = CSharpSyntaxTree.ParseText(Sources.Llama405B.Replace("Precision.Fp8, KvCache", "Precision.Bf16, KvCache"), (CSharpParseOptions)modelTree.Options, modelTree.FilePath);
        var after = driver.RunGenerators(compilation.ReplaceSyntaxTree(modelTree, bf16)).GetRunResult();
        string replanned = after.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.NotEqual(before, replanned);
        // 810 GB of BF16 weights no longer fit one H200 per pipeline stage pair: PP8 stays, DP2 plans go.
        Assert.Contains("Weights=Fp8", before);
        Assert.DoesNotContain("Weights=Fp8", replanned);
        Assert.Contains("8 plans fit", before);
        Assert.Contains("4 plans fit", replanned);
        Assert.Contains(after.Results.Single().TrackedSteps[TrackingNames.Plans].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Output_is_identical_in_every_culture()
    {
        string Generate(string culture)
        {
            var previous = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
                return GeneratorHarness.Run(Sources.DeepSeek).Sources.Single().SourceText.ToString();
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
                CultureInfo.CurrentUICulture = previous;
            }
        }

        string invariant = Generate("");
        Assert.Equal(invariant, Generate("de-DE"));
        Assert.Equal(invariant, Generate("ar-SA"));
        Assert.Equal(invariant, Generate("tr-TR"));
    }

    /// <summary>
    /// A project that writes a documentation file (DocumentationMode.Diagnose) gets no CS1591 or other warning from
    /// generated code, in either shape of deployment class and for a deployment that was not planned.
    /// </summary>
    [Theory]
    [InlineData("public partial class Chat { }", "")]
    [InlineData("public partial class Chat : Service { }\n/// <summary>A base.</summary>\npublic abstract class Service { }", "")]
    [InlineData("public partial class Chat { }", "Layers = -1")]
    public void Generated_code_is_documented_where_a_documentation_file_is_written(string declaration, string brokenLayers)
    {
        string model = brokenLayers.Length == 0 ? Sources.Llama405B : Sources.Llama405B.Replace("Layers = 126", brokenLayers, StringComparison.Ordinal);
        string deployment = Sources.Chat.Replace("[Deployment(", "/// <summary>The chat service.</summary>\n[Deployment(", StringComparison.Ordinal)
            .Replace("public partial class Chat { }", declaration, StringComparison.Ordinal);
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest).WithDocumentationMode(DocumentationMode.Diagnose);
        var compilation = CSharpCompilation.Create("Documented",
            new[] { model, Sources.HgxH200, deployment }.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"Source{i}.cs")),
            TestCompilation.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new DeploymentGenerator().AsSourceGenerator() }, parseOptions: options) // as csc does
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var generated = output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToList();
        Assert.Single(generated);
        Assert.Equal(DocumentationMode.Diagnose, generated[0].Options.DocumentationMode);
        var warnings = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree)).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }

    public static TheoryData<string> InvalidSpecs => new()
    {
        // a negative layer count
        Sources.Llama405B.Replace("Layers = 126", "Layers = -1") + Sources.HgxH200 + Sources.Chat,
        // heads that do not divide the hidden size and no HeadDim
        Sources.Llama405B.Replace("AttentionHeads = 128", "AttentionHeads = 100") + Sources.HgxH200 + Sources.Chat,
        // more active experts than experts
        Sources.Mixtral.Replace("ActiveExperts = 2", "ActiveExperts = 9"),
        // a deployment class that is not partial
        Sources.Llama405B + Sources.HgxH200 + Sources.Chat.Replace("public partial class Chat", "public class Chat"),
        // a model type without [Model]
        Sources.HgxH200 + "namespace Acme.Serving { public class Llama405B { } }" + Sources.Chat,
        // a cluster type that does not exist
        Sources.Llama405B + Sources.Chat,
        // does not fit: 810 GB of BF16 weights on 4 x H200
        Sources.Llama405B.Replace("Weights = Precision.Fp8", "Weights = Precision.Bf16") + Sources.HgxH200.Replace("GpusPerNode = 8", "GpusPerNode = 4") + Sources.Chat,
        // an impossible pinned plan: TP3 does not divide 128 heads
        Sources.Llama405B + Sources.HgxH200.Replace("GpusPerNode = 8", "GpusPerNode = 6") + Sources.Chat.Replace("OutputTokens = 128", "OutputTokens = 128, TensorParallel = 3"),
        // zero output tokens, negative target
        Sources.Llama405B + Sources.HgxH200 + Sources.Chat.Replace("OutputTokens = 128", "OutputTokens = 0, MaxTimePerOutputTokenMs = -5"),
        // a generic deployment
        Sources.Llama405B + Sources.HgxH200 + Sources.Chat.Replace("partial class Chat", "partial class Chat<T>"),
        // a GPU value outside the catalog
        Sources.Llama405B + Sources.HgxH200.Replace("Gpu.H200Sxm", "(Gpu)99") + Sources.Chat,
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void Invalid_or_infeasible_specs_plan_nothing_and_never_throw(string source)
    {
        // Split the concatenated snippets into separate files (each starts with a using directive).
        var parts = source.Split(new[] { "using DeploySpec;" }, StringSplitOptions.RemoveEmptyEntries).Select(p => "using DeploySpec;" + p).ToArray();
        var compilation = TestCompilation.Create(parts);
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics); // no CS8785 "generator failed"
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);

        // Whatever was generated is the members of a deployment marked not planned (so code using them binds, and the
        // analyzer's error stands alone), and compiles cleanly; a class that cannot take members gets nothing.
        var emits = result.TrackedSteps.TryGetValue(TrackingNames.Plans, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Value).OfType<DeploymentEmit>().ToList()
            : new List<DeploymentEmit>();
        Assert.Equal(result.GeneratedSources.Length, emits.Count);
        Assert.All(emits, e => Assert.False(string.IsNullOrEmpty(e.Unplanned)));
        Assert.All(result.GeneratedSources, g => Assert.Contains("public string Table => \"!", g.SourceText.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    public static TheoryData<string, string> Deployments => new()
    {
        { Sources.Llama405B + "\n" + Sources.HgxH200 + "\n" + Sources.Chat, "Acme.Serving.Chat" },
        { Sources.Mixtral, "Services+Router" },
        { Sources.DeepSeek, "Acme.Reasoning.Reasoner" },
        { Sources.Llama70BWithTargets, "Assistant" },
        { Sources.Llama70BWithTargets.Replace("Engine = ServingEngine.TensorRtLlm", "Engine = ServingEngine.TensorRtLlm, RequestsPerSecond = 7.5"), "Assistant" },
        // The cheapest plan within the targets, at a declared price per GPU-hour (MinCost end to end).
        { Sources.Llama70BWithTargets.Replace("Engine = ServingEngine.TensorRtLlm", "Engine = ServingEngine.TensorRtLlm, Objective = Objective.MinCost")
            .Replace("[Cluster(Gpu = Gpu.H100Sxm)]", "[Cluster(Gpu = Gpu.H100Sxm, PricePerGpuHour = 2.5)]"), "Assistant" },
        // The engine's token budget from the attribute, through the generated spec to the facts and the evaluators.
        { Sources.Llama70BWithTargets.Replace("Engine = ServingEngine.TensorRtLlm", "Engine = ServingEngine.TensorRtLlm, MaxBatchedTokens = 16384"), "Assistant" },
        // Classes that cannot take the generated base class get the members written in: one with a base class of its own, a static one.
        { Sources.Llama70BWithTargets.Replace("public partial class Assistant { }", "public partial class Assistant : ServiceBase { }\npublic abstract class ServiceBase { }"), "Assistant" },
        { Sources.Llama70BWithTargets.Replace("public partial class Assistant { }", "public static partial class Assistant { }"), "Assistant" },
    };

    [Fact]
    public void The_token_budget_reaches_the_generated_facts()
    {
        var (type, deployment) = CompileAndLoad(
            Sources.Llama70BWithTargets.Replace("Engine = ServingEngine.TensorRtLlm", "Engine = ServingEngine.TensorRtLlm, MaxBatchedTokens = 16384"), "Assistant");
        Assert.Equal(16384, deployment.MaxBatchedTokens);
        Assert.Equal(16384, ((DeploymentFacts)type.GetProperty("Facts", Generated)!.GetValue(null)!).MaxBatchedTokens);
    }

    /// <summary>
    /// The emitted evaluators against the engine: every plan, concurrencies from 1 to past capacity (random and
    /// edge values), all five figures within 1e-9 relative. The emitted assembly is compiled and loaded for real.
    /// </summary>
    [Theory]
    [MemberData(nameof(Deployments))]
    public void Emitted_evaluators_agree_with_the_engine(string source, string typeName)
    {
        var (type, deployment) = CompileAndLoad(source, typeName);
        var plans = (IReadOnlyList<PartitionPlan>)type.GetProperty("Plans", Generated)!.GetValue(null)!;
        var estimate = type.GetMethod("Estimate", Generated)!.CreateDelegate<Func<PartitionPlan, int, PerformanceEstimate>>();
        var result = Planner.Plan(deployment);
        Assert.Equal(result.Plans.Select(p => p.Plan), plans);
        Assert.Equal(result.Recommended!.Plan, type.GetProperty("Recommended", Generated)!.GetValue(null));
        Assert.Equal(Facts.Of(deployment), type.GetProperty("Facts", Generated)!.GetValue(null));

        var random = new Random(7);
        int points = 0;
        foreach (var evaluated in result.Plans)
        {
            int capacity = evaluated.Costs.MaxConcurrency;
            var concurrencies = new List<int> { 1, 2, 3, capacity - 1, capacity, capacity + 1, capacity * 3 };
            for (int i = 0; i < 40; i++)
            {
                concurrencies.Add(1 + random.Next(capacity * 2));
            }

            foreach (int c in concurrencies.Where(c => c >= 1))
            {
                var engine = CostEvaluator.Evaluate(evaluated.Costs, c);
                var emitted = estimate(evaluated.Plan, c);
                AssertClose(engine.TimeToFirstTokenMs, emitted.TimeToFirstTokenMs);
                AssertClose(engine.TimePerOutputTokenMs, emitted.TimePerOutputTokenMs);
                AssertClose(engine.OutputTokensPerSecond, emitted.OutputTokensPerSecond);
                AssertClose(engine.OutputTokensPerSecondPerUser, emitted.OutputTokensPerSecondPerUser);
                AssertClose(engine.OutputTokensPerSecondPerGpu, emitted.OutputTokensPerSecondPerGpu);
                AssertClose(engine.CostPerMillionOutputTokens, emitted.CostPerMillionOutputTokens);
                Assert.Equal(c, emitted.Concurrency);
                points++;
            }
        }

        Assert.True(points >= 40 * result.Plans.Count);

        var atRate = type.GetMethod("EstimateAtRate", Generated)!.CreateDelegate<Func<PartitionPlan, double, PerformanceEstimate>>();
        foreach (var evaluated in result.Plans)
        {
            double capacity = CostEvaluator.EvaluateAtRate(evaluated.Costs, 1e12).OutputTokensPerSecond / evaluated.Costs.Pool.OutputTokens;
            foreach (double rate in new[] { 0.01 * capacity, 0.5 * capacity, 0.95 * capacity, 2 * capacity })
            {
                var engine = CostEvaluator.EvaluateAtRate(evaluated.Costs, rate);
                var emitted = atRate(evaluated.Plan, rate);
                Assert.Equal(engine.Saturated, emitted.Saturated);
                Assert.Equal(rate >= capacity, emitted.Saturated);
                AssertClose(engine.TimePerOutputTokenMs, emitted.TimePerOutputTokenMs);
                AssertClose(engine.OutputTokensPerSecond, emitted.OutputTokensPerSecond);
                Assert.Equal(engine.TimeToFirstTokenMs, emitted.TimeToFirstTokenMs, 9);
            }
        }
    }

    private const string DeepSeekModel = """
        using DeploySpec;
        namespace Acme.Serving;
        [Model(Name = "DeepSeek-V3 with a long display name", Layers = 61, HiddenSize = 7168, AttentionHeads = 128, HeadDim = 128, IntermediateSize = 18432,
               VocabSize = 129280, Experts = 256, ActiveExperts = 8, SharedExperts = 1, ExpertIntermediateSize = 2048,
               DenseLayers = 3, KvLoraRank = 512, QkRopeHeadDim = 64, QLoraRank = 1536, ValueHeadDim = 128,
               Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class M { }
        """;

    /// <summary>
    /// What every build pays for: a deployment's generated source stays within 80 lines and 6 KB (UTF-8) whatever
    /// its plan count, here 8 to 60+ plans, dense and MoE, with a long config-style model, whichever way it gets its members.
    /// </summary>
    [Theory]
    [InlineData(1, 8)]
    [InlineData(8, 8)]
    [InlineData(16, 8)]
    public void Generated_source_stays_small_whatever_the_plan_count(int nodes, int gpusPerNode)
    {
        string cluster = "using DeploySpec;\nnamespace Acme.Serving;\n[Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = " + gpusPerNode + ", Nodes = " + nodes +
                         ", InterNodeLink = Link.InfiniBandNdr)] public partial class Pod { }";
        // Both shapes: the members inherited from the generated base class, and written in (a class with a base of its own).
        foreach (string model in new[] { Sources.Llama405B.Replace("Llama405B", "M"), DeepSeekModel })
        foreach (string baseList in new[] { "", " : ServiceBase { } public abstract class ServiceBase" })
        {
            var run = GeneratorHarness.Run(model, cluster, "using DeploySpec;\nnamespace Acme.Serving;\n[Deployment(typeof(M), typeof(Pod), InputTokens = 4096, OutputTokens = 1024, MaxTimePerOutputTokenMs = 50)] public partial class LongNamedProductionDeployment" + baseList + " { }");
            var source = Assert.Single(run.Sources);
            string text = source.SourceText.ToString();
            int lines = text.Split('\n').Length, bytes = System.Text.Encoding.UTF8.GetByteCount(text);
            Assert.True(lines <= 80 && bytes <= 6 * 1024, $"{lines} lines, {bytes} bytes for {Plans(text)} plans:\n{text}");
            Assert.True(Plans(text) >= nodes, Plans(text) + " plans");
        }

        static int Plans(string text) => int.Parse(System.Text.RegularExpressions.Regex.Match(text, "/// ([0-9]+) plans? fit").Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Generated_members_match_the_planner_and_the_evaluator_allocates_nothing()
    {
        var (type, deployment) = CompileAndLoad(Sources.Llama405B + "\n" + Sources.HgxH200 + "\n" + Sources.Chat, "Acme.Serving.Chat");
        var result = Planner.Plan(deployment);
        Assert.Equal(result.MinLatency!.Plan, type.GetProperty("MinLatency", Generated)!.GetValue(null));
        Assert.Equal(result.MaxThroughput!.Plan, type.GetProperty("MaxThroughput", Generated)!.GetValue(null));
        Assert.Equal(result.Recommended!.Plan, type.GetProperty("Recommended", Generated)!.GetValue(null));
        Assert.Equal(result.RecommendedMeetsTargets, type.GetProperty("RecommendedMeetsTargets", Generated)!.GetValue(null));
        var frontier = (IReadOnlyList<FrontierPoint>)type.GetProperty("Frontier", Generated)!.GetValue(null)!;
        Assert.Equal(result.Frontier.Select(f => (f.Estimate.Concurrency, f.Plan)), frontier.Select(f => (f.Concurrency, f.Plan)));
        Assert.Equal("TP8 x PP1 x DP1", result.MinLatency.Plan.ToString());

        var estimate = type.GetMethod("Estimate", Generated)!.CreateDelegate<Func<PartitionPlan, int, PerformanceEstimate>>();
        var plans = (IReadOnlyList<PartitionPlan>)type.GetProperty("Plans", Generated)!.GetValue(null)!;
        double sink = 0;
        foreach (var plan in plans)
        {
            sink += estimate(plan, 1).OutputTokensPerSecond; // warm up (JIT)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i <= 10_000; i++)
        {
            sink += estimate(plans[i % plans.Count], i).OutputTokensPerSecond;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sink > 0);

        var foreign = new PartitionPlan(new ServingPool(3, 1, 1, 1, default, 1));
        Assert.Throws<ArgumentException>(() => estimate(foreign, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => estimate(plans[0], 0));
        Assert.Throws<ArgumentNullException>(() => estimate(null!, 1));
    }

    private static (Type Type, DeploymentSpec Deployment) CompileAndLoad(string source, string typeName)
    {
        var run = GeneratorHarness.Run(source.Split(new[] { "using DeploySpec;" }, StringSplitOptions.RemoveEmptyEntries).Select(p => "using DeploySpec;" + p).ToArray());
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = Assembly.Load(stream.ToArray());
        var type = assembly.GetType(typeName, throwOnError: true)!;

        // The same deployment, parsed by the shared parser from the same compilation, for the engine side.
        var compilation = (CSharpCompilation)run.Output;
        var symbol = compilation.GetTypeByMetadataName(typeName)!;
        var attribute = symbol.GetAttributes().Single(a => a.AttributeClass!.ToDisplayString() == Parsing.SpecParser.DeploymentAttributeName);
        var parsed = Parsing.SpecParser.ParseDeployment(symbol, attribute, default).Declaration;
        var modelSymbol = (INamedTypeSymbol)attribute.ConstructorArguments[0].Value!;
        var clusterSymbol = (INamedTypeSymbol)attribute.ConstructorArguments[1].Value!;
        var model = Parsing.SpecParser.ParseModel(modelSymbol, modelSymbol.GetAttributes().Single(), default).Declaration.Model;
        var cluster = Parsing.SpecParser.ParseCluster(clusterSymbol, clusterSymbol.GetAttributes().Single(), default).Declaration.Cluster;
        return (type, parsed.Settings with { Model = model, Cluster = cluster });
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"engine {expected:R}, emitted {actual:R}");

    /// <summary>
    /// Every deployment of the planner sample, built from its own files (config.json and benchmark results included, so
    /// the deployment corrected by its measurements is checked too): what generated code restores at run time is what
    /// the planner decided at compile time (plans, order, winners, frontier, rejections with their reasons).
    /// The fuzz campaign checks the same on its random specs.
    /// </summary>
    [Fact]
    public void The_samples_restore_at_run_time_what_was_planned_at_compile_time()
    {
        string samples = Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples");
        string project = Path.Combine(samples, "DeploySpec.Samples.Planner");
        var sources = Directory.GetFiles(project, "*.cs").OrderBy(p => p, StringComparer.Ordinal).Select(p => (p, File.ReadAllText(p))).ToList();
        var files = Directory.GetFiles(Path.Combine(samples, "models"), "config.json", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(samples, "benchmarks")).Where(p => !p.EndsWith(".md", StringComparison.Ordinal)))
            .OrderBy(p => p, StringComparer.Ordinal).Select(p => (p, File.ReadAllText(p))).ToList();
        var build = FullBuild.Run(sources, files);

        Assert.Empty(build.Crashes);
        Assert.Equal(new[] { "Assistant", "Chat", "Hybrid", "Measured", "Rack", "Reasoner", "Speculative" }, build.Emits.Select(e => e.Type.Name).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var emit in build.Emits)
        {
            Assert.Null(emit.Unplanned);
            Assert.Null(TableAgreement.Disagreement(emit.Spec, emit.Table));
        }

        Assert.Contains("Correction={", build.Emits.Single(e => e.Type.Name == "Measured").Spec, StringComparison.Ordinal);
    }

    /// <summary>
    /// The members the generated base class carries, the names the parser guards against clashes and the members the
    /// emitter writes into a class that cannot take the base class are one list: a member added to one and not the
    /// others fails here.
    /// </summary>
    [Fact]
    public void The_generated_members_the_base_class_the_parser_and_the_emitter_name_are_the_same()
    {
        var declared = typeof(GeneratedDeployment<>).GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is PropertyInfo || m is MethodInfo { IsSpecialName: false })
            .Select(m => m.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var guarded = Parsing.GeneratedMembers.All.Where(n => n != Parsing.GeneratedMembers.Data).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(declared, guarded);

        string source = GeneratorHarness.Run(Sources.Llama405B, Sources.HgxH200,
            Sources.Chat.Replace("public partial class Chat", "public static partial class Chat", StringComparison.Ordinal)).Sources.Single().SourceText.ToString();
        var written = System.Text.RegularExpressions.Regex.Matches(source, @"public static [^=;]*? (\w+)(\([^)]*\))? =>")
            .Select(m => m.Groups[1].Value).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(declared, written);
    }
}
