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
}
