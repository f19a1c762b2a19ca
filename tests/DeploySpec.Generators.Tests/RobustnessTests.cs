using System.IO;
using DeploySpec.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DeploySpec.Generators.Tests;

/// <summary>
/// Named regressions for inputs that once crashed the generator, emitted code that did not compile, silently did
/// nothing, or overflowed (issue: "No input may break a build"). Each runs the generator, the compiler and the
/// analyzers as a build does.
/// </summary>
public class RobustnessTests
{
    private const string Model = """
        [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
               VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama8B { }
        """;

    private const string Cluster = "[Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 8)] public partial class Hgx { }";

    private static FullBuild Build(string code) => FullBuild.Run("using DeploySpec;\n" + code);

    [Fact]
    public void A_deployment_named_with_a_keyword_in_a_keyword_namespace_generates()
    {
        var build = Build($$"""
            namespace @class.Inner;
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class @event { }
            public static class Use { public static int N => @event.Plans.Count; }
            """).AssertSound();
        Assert.Single(build.Generated);
        Assert.Empty(build.DeploySpecErrors);
    }

    /// <summary>
    /// A class with no base class of its own takes the generated base class (the members are inherited); any other
    /// shape gets the members written in. Either way the user's code reads the same members and the build is clean.
    /// </summary>
    [Theory]
    [InlineData("public partial class Chat { }", true)]
    [InlineData("public abstract partial class Chat { }", true)]
    [InlineData("internal sealed partial class Chat : System.IDisposable { public void Dispose() { } }", true)]
    [InlineData("public partial class Chat { static Chat() { } public Chat(int x) { } }", true)]
    [InlineData("public partial class Chat : ServiceBase { }\npublic abstract class ServiceBase { }", false)]
    [InlineData("public static partial class Chat { }", false)]
    [InlineData("public partial record Chat { }", false)]
    public void Deployment_classes_of_every_shape_read_the_same_members(string declaration, bool inherits)
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] {{declaration}}
            public static class Use
            {
                public static double Read() => Chat.Plans.Count + Chat.Estimate(Chat.Recommended, 4).TimePerOutputTokenMs
                    + Chat.EstimateAtRate(Chat.MinLatency, 1).TimeToFirstTokenMs + Chat.Frontier.Count + (Chat.RecommendedMeetsTargets ? 1 : 0)
                    + Chat.Facts.ContextTokens + Chat.RejectedPlans.Count + Chat.ToMarkdown().Length + Chat.FrontierSvg().Length + Chat.Report.Plans.Count
                    + Chat.MaxThroughput.GpuCount;
            }
            """).AssertSound();
        var generated = Assert.Single(build.Generated);
        Assert.Empty(build.DeploySpecErrors);
        Assert.DoesNotContain(build.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(inherits, generated.SourceText.ToString().Contains(": global::DeploySpec.Engine.Planning.GeneratedDeployment<Chat.__DeploySpec>", StringComparison.Ordinal));
    }

    /// <summary>
    /// A deployment with errors, or on which nothing fits, keeps its members: the user's code that reads them binds,
    /// so the build shows the DeploySpec error alone instead of burying it under "'Chat' does not contain a
    /// definition for 'Plans'" at every use. At run time (reachable only by suppressing that error) the members
    /// throw, saying why.
    /// </summary>
    [Theory]
    [InlineData("Layers = 32", "Layers = -1", "", "DS1001", "its model Llama8B has errors")]
    [InlineData("GpusPerNode = 8", "GpusPerNode = 0", "", "DS1002", "its cluster Hgx has errors")]
    [InlineData("", "", ", OutputTokens = 0", "DS1003", "its [Deployment] attribute has errors")]
    [InlineData("GpusPerNode = 8", "GpusPerNode = 1", ", InputTokens = 8192, Concurrency = 100000", "DS2003", "no plan of Llama8B fits Hgx")]
    public void A_deployment_that_is_not_planned_keeps_its_members_so_only_the_DeploySpec_error_shows(string find, string replace, string settings, string id, string reason)
    {
        string source = $$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx){{settings}})] public partial class Chat { }
            public static class Use
            {
                public static double Read() => Chat.Plans.Count + Chat.Estimate(Chat.Recommended, 4).TimePerOutputTokenMs
                    + Chat.Frontier.Count + Chat.ToMarkdown().Length;
            }
            """;
        var build = Build(find.Length == 0 ? source : source.Replace(find, replace, StringComparison.Ordinal)).AssertSound().AssertNothingPlanned();
        Assert.Contains(reason, Assert.Single(build.Emits).Unplanned, StringComparison.Ordinal);
        build.AssertReported(id);
        var errors = build.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ToList();
        Assert.True(errors.All(e => e.StartsWith("DS", StringComparison.Ordinal)), "errors besides DeploySpec's: " + string.Join(", ", errors));

        using var stream = new MemoryStream();
        var emitted = build.Output.Emit(stream); // the analyzer's error is not the compiler's: the code itself compiles
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var read = System.Reflection.Assembly.Load(stream.ToArray()).GetType("Use", throwOnError: true)!.GetMethod("Read")!;
        var thrown = Assert.Throws<System.Reflection.TargetInvocationException>(() => read.Invoke(null, null));
        var notPlanned = Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Equal("Chat was not planned at compile time: " + reason + ". The build reported why as a DeploySpec error; fix it and rebuild.", notPlanned.Message);
    }

    [Fact]
    public void Two_deployments_whose_names_differ_only_in_case_get_two_files()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { }
            [Deployment(typeof(Llama8B), typeof(Hgx), InputTokens = 512)] public partial class chat { }
            """).AssertSound();
        Assert.Equal(2, build.Generated.Count);
        Assert.Equal(2, build.Generated.Select(g => g.HintName.ToLowerInvariant()).Distinct().Count());
    }

    [Fact]
    public void Deployment_on_two_partial_parts_gives_one_file_and_the_compilers_error()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { }
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { }
            """).AssertSound();
        Assert.Single(build.Generated);
        build.AssertReported("CS0579");
    }

    [Theory]
    [InlineData("Llama\\n3")]
    [InlineData("Llama\\r3")]
    [InlineData("\\n#error injected\\n")]
    [InlineData("a\\u2028b")]
    [InlineData("a\\u2029b")]
    [InlineData("a\\u0085b")]
    [InlineData("*/ </summary> <b>&amp; \\\" \\\\")]
    public void A_model_name_with_line_breaks_or_markup_cannot_inject_code(string name)
    {
        var build = Build($$"""
            [Model(Name = "{{name}}", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336,
                   VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
            public partial class Llama8B { }
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { }
            """).AssertSound();
        Assert.Single(build.Generated);
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "CS1029"); // #error
    }

    [Theory]
    [InlineData("Report")]
    [InlineData("Plans")]
    [InlineData("Estimate")]
    [InlineData("MinLatency")]
    public void A_deployment_class_named_like_a_generated_member_is_DS1010(string name)
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class {{name}} { }
            """).AssertSound();
        Assert.Empty(build.Generated);
        build.AssertReported("DS1010", $"cannot be named '{name}'");
    }

    [Fact]
    public void A_deployment_that_declares_a_generated_member_is_DS1010()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { public static int Plans => 3; }
            """).AssertSound();
        Assert.Empty(build.Generated);
        build.AssertReported("DS1010", "declares 'Plans'");
    }

    [Fact]
    public void A_deployment_derived_from_a_deployment_is_DS1010_and_no_CS0108()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] public partial class Chat { }
            [Deployment(typeof(Llama8B), typeof(Hgx), InputTokens = 512)] public partial class LongChat : Chat { }
            """).AssertSound();
        Assert.Single(build.Generated);
        build.AssertReported("DS1010", "derives from the deployment");
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "CS0108");
    }

    [Fact]
    public void A_file_local_deployment_is_DS1011()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx))] file partial class Chat { }
            """).AssertSound();
        Assert.Empty(build.Generated);
        build.AssertReported("DS1011");
    }

    [Theory]
    [InlineData("typeof(Llama8B[])", "'Llama8B[]' is used as the model")]
    [InlineData("null", "the model is null")]
    [InlineData("typeof(int)", "'int' is used as the model but is not marked [Model]")]
    public void A_model_argument_that_is_no_model_class_is_DS1004(string model, string message)
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment({{model}}, typeof(Hgx))] public partial class Chat { }
            """).AssertSound().AssertNothingPlanned();
        Assert.Single(build.Generated); // members marked not planned: code that uses them binds, DS1004 stands
        build.AssertReported("DS1004", message);
    }

    [Fact]
    public void A_model_nested_in_a_generic_class_and_a_generic_model_are_planned()
    {
        var build = Build($$"""
            public partial class Zoo<T>
            {
                {{Model}}
            }
            [Model(Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256)]
            public partial class M<T> { }
            {{Cluster}}
            [Deployment(typeof(Zoo<int>.Llama8B), typeof(Hgx))] public partial class Nested { }
            [Deployment(typeof(M<>), typeof(Hgx))] public partial class Open { }
            """).AssertSound();
        Assert.Equal(2, build.Generated.Count);
        Assert.Empty(build.DeploySpecErrors);
    }

    [Fact]
    public void A_config_file_without_the_json_extension_is_read_by_the_generator_and_the_analyzer_alike()
    {
        string config = File.ReadAllText(Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples", "models", "llama-3.1-8b", "config.json"));
        var build = FullBuild.Run(
            new[] { ("Specs.cs", "using DeploySpec;\n[Model(ConfigFile = \"models/llama/config\")] public partial class Llama { }\n" + Cluster +
                "\n[Deployment(typeof(Llama), typeof(Hgx))] public partial class Chat { }") },
            new[] { ("/repo/models/llama/config", config) }).AssertSound();
        Assert.Single(build.Generated);
        Assert.Empty(build.DeploySpecErrors);
    }

    [Fact]
    public void A_tiny_model_on_four_million_gpus_saturates_its_request_count_instead_of_wrapping()
    {
        var build = Build($$"""
            [Model(Layers = 2, HiddenSize = 64, AttentionHeads = 1, IntermediateSize = 128, VocabSize = 1000)] public partial class Tiny { }
            [Cluster(Gpu = Gpu.H200Sxm, GpusPerNode = 1024, Nodes = 4096)] public partial class Huge { }
            [Deployment(typeof(Tiny), typeof(Huge), InputTokens = 1, OutputTokens = 1, MaxBatchSize = 1000000, PipelineParallel = 1, TensorParallel = 1)]
            public partial class Chat { }
            """).AssertSound();
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "DS9001");
        Assert.Single(build.Generated);
        var plan = Assert.Single(Assert.Single(build.Restored).Plans);
        Assert.Equal(int.MaxValue, plan.MaxConcurrency);
    }

    [Fact]
    public void Pinned_degrees_whose_product_passes_an_int_are_reported_not_thrown()
    {
        var build = Build($$"""
            {{Model}}
            {{Cluster}}
            [Deployment(typeof(Llama8B), typeof(Hgx), TensorParallel = 65536, PipelineParallel = 65536)] public partial class Chat { }
            """).AssertSound().AssertNothingPlanned();
        build.AssertReported("DS3006", "TP65536 = 65536 GPUs per replica");
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "DS9001");
    }
}
