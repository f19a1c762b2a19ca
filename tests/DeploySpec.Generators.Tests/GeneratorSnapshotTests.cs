using DeploySpec.Generators.Tests.Infrastructure;
using Xunit;

namespace DeploySpec.Generators.Tests;

public class GeneratorSnapshotTests
{
    [Fact]
    public void Seed_deployment()
    {
        var run = GeneratorHarness.Run(Sources.Llama405B, Sources.HgxH200, Sources.Chat);
        var source = Assert.Single(run.Sources);
        Assert.Matches(@"^Acme\.Serving\.Chat\.[0-9a-f]{8}\.DeploySpec\.g\.cs$", source.HintName);
        Snapshot.Verify(source.SourceText.ToString(), source.HintName, nameof(GeneratorSnapshotTests));
    }

    [Fact]
    public void Nested_moe_deployment_in_the_global_namespace()
    {
        var run = GeneratorHarness.Run(Sources.Mixtral);
        var source = Assert.Single(run.Sources);
        Assert.Matches(@"^Services\.Router\.[0-9a-f]{8}\.DeploySpec\.g\.cs$", source.HintName);
        Snapshot.Verify(source.SourceText.ToString(), source.HintName, nameof(GeneratorSnapshotTests));
    }

    [Fact]
    public void Deployment_on_which_nothing_fits_keeps_its_members_marked_not_planned()
    {
        var run = GeneratorHarness.Run(Sources.Llama405B.Replace("Weights = Precision.Fp8", "Weights = Precision.Bf16"),
            Sources.HgxH200.Replace("GpusPerNode = 8", "GpusPerNode = 4"), Sources.Chat);
        var source = Assert.Single(run.Sources);
        Snapshot.Verify(source.SourceText.ToString(), source.HintName, nameof(GeneratorSnapshotTests));
    }

    [Fact]
    public void Deployments_that_cannot_take_the_base_class_get_the_members_written_in()
    {
        // A class with a base class of its own (the seed's Chat otherwise), a static class and a record: no generated
        // base class, so the members are written in, each forwarding to GeneratedDeployment<T>'s. The record's target
        // is out of reach, so its Recommended says so.
        var run = GeneratorHarness.Run(Sources.Llama405B, Sources.HgxH200, """
            using DeploySpec;
            namespace Acme.Serving;

            public abstract class ServiceBase { }

            [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 2048, OutputTokens = 128)]
            public partial class Chat : ServiceBase { }

            [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 8192, OutputTokens = 512, Objective = Objective.MinLatency)]
            public static partial class Batch { }

            [Deployment(typeof(Llama405B), typeof(HgxH200), InputTokens = 4096, OutputTokens = 256, MaxTimePerOutputTokenMs = 5)]
            public partial record Summarizer;
            """);
        Assert.Equal(3, run.Sources.Count);
        foreach (var source in run.Sources)
        {
            string text = source.SourceText.ToString();
            Assert.DoesNotContain(": global::DeploySpec.Engine.Planning.GeneratedDeployment<", text, StringComparison.Ordinal);
            Snapshot.Verify(text, source.HintName, nameof(GeneratorSnapshotTests));
        }
    }
}
