using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using DeploySpec.Tests.Shared;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// The plan table generated code carries: the compile-time decisions as one line, the numbers derived again by the
/// engine on first use. Restoring must give back exactly what the planner concluded.
/// </summary>
public class CompiledDeploymentTests
{
    public static TheoryData<string> Specs => new() { "405B on 8 H200", "DeepSeek-V3 on 2 x 8 H200", "8B on 64 H100", "Mixtral on 4 L40S" };

    private static DeploymentSpec Spec(string name) => name switch
    {
        "405B on 8 H200" => MemoryModelTests.On(ModelCatalog.Llama31_405B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H200Sxm, 8),
        "DeepSeek-V3 on 2 x 8 H200" => MemoryModelTests.On(ModelCatalog.DeepSeekV3, Gpu.H200Sxm, 8, nodes: 2) with { InputTokens = 4096, OutputTokens = 1024 },
        "8B on 64 H100" => MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.H100Sxm, 8, nodes: 8) with { MaxTimePerOutputTokenMs = 20 },
        _ => MemoryModelTests.On(ModelCatalog.Mixtral8x7B, Gpu.L40S, 4, engine: ServingEngine.TensorRtLlm),
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Restoring_the_encoded_table_gives_back_what_the_planner_concluded(string name)
    {
        var spec = Spec(name);
        var result = Planner.Plan(spec);
        Assert.True(result.HasPlans);
        Assert.Null(TableAgreement.Disagreement(SpecCodec.Encode(spec), CompiledDeployment.Encode(result)));

        var table = CompiledDeployment.Restore(spec, CompiledDeployment.Encode(result));
        Assert.NotEmpty(table.RejectedPlans);
        foreach (var plan in table.Plans)
        {
            Assert.Equal(result.Plans[plan.Index].Peak, table.Estimate(plan, plan.MaxConcurrency));
        }
    }

    [Fact]
    public void A_table_that_disagrees_with_the_planner_is_caught()
    {
        var spec = Spec("8B on 64 H100");
        var result = Planner.Plan(spec);
        string table = CompiledDeployment.Encode(result);
        string[] parts = table.Split('|');
        string[] winners = parts[1].Split(' ');
        (winners[0], winners[1]) = (winners[1], winners[0]);
        string swapped = parts[0] + "|" + string.Join(" ", winners) + "|" + parts[2];
        Assert.NotEqual(table, swapped);
        Assert.NotNull(TableAgreement.Disagreement(SpecCodec.Encode(spec), swapped));
    }

    [Fact]
    public void The_table_is_one_short_line_whatever_the_plan_count()
    {
        var result = Planner.Plan(Spec("8B on 64 H100"));
        Assert.True(result.Plans.Count > 20, result.Plans.Count + " plans");
        string table = CompiledDeployment.Encode(result);
        Assert.DoesNotContain('\n', table);
        Assert.True(table.Length < 2 * result.Plans.Count + 12 * result.Frontier.Count + 32, table);
    }

    [Fact]
    public void A_plan_of_another_deployment_is_refused()
    {
        var a = PlanCache.Plan(Spec("405B on 8 H200"));
        var b = CompiledDeployment.Restore(Spec("8B on 64 H100"), CompiledDeployment.Encode(PlanCache.Plan(Spec("8B on 64 H100"))));
        var foreign = a.Plans[0].Plan with { Index = 0 };
        Assert.Throws<ArgumentException>(() => b.Estimate(foreign, 1));
        Assert.Throws<ArgumentNullException>(() => b.Estimate(null!, 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{plans}|0 0 0 1")]
    [InlineData("1|0 0 0 1|0:1")]
    [InlineData("2{plans}|0 0 0 1|0:1")]
    [InlineData("{plans}|0 0 99 1|0:1")]
    [InlineData("{plans}|0 0 0 1|99:1")]
    [InlineData("{plans}|0 0 0 1|0:0")]
    [InlineData("{plans}~|0 0 0 1|0:1")]
    [InlineData("{plans}_|0 0 0 1|0:1")]
    [InlineData("10|0 0 0 1|0:1")]
    public void A_malformed_table_is_a_format_error(string template)
    {
        var spec = Spec("405B on 8 H200");
        string plans = CompiledDeployment.Encode(Planner.Plan(spec)).Split('|')[0];
        Assert.Throws<FormatException>(() => CompiledDeployment.Restore(spec, template.Replace("{plans}", plans)));
    }

    [Fact]
    public void The_table_of_a_deployment_that_was_not_planned_says_why_and_restoring_it_throws()
    {
        string table = CompiledDeployment.EncodeUnplanned("no plan of Llama70B fits OneH200");
        Assert.True(CompiledDeployment.IsUnplanned(table, out string reason));
        Assert.Equal("no plan of Llama70B fits OneH200", reason);
        Assert.False(CompiledDeployment.IsUnplanned(CompiledDeployment.Encode(Planner.Plan(Spec("405B on 8 H200"))), out reason));
        Assert.Equal("", reason);

        var thrown = Assert.Throws<InvalidOperationException>(() => CompiledDeployment.Restore("", table));
        Assert.Equal("The deployment was not planned at compile time: no plan of Llama70B fits OneH200. The build reported why as a DeploySpec error; fix it and rebuild.", thrown.Message);
        thrown = Assert.Throws<InvalidOperationException>(() => CompiledDeployment.Restore(Spec("405B on 8 H200") with { Name = "Chat" }, table));
        Assert.StartsWith("Chat was not planned at compile time: no plan of Llama70B fits OneH200.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_returns_the_same_result_for_an_equal_spec()
    {
        var first = PlanCache.Plan(Spec("Mixtral on 4 L40S"));
        Assert.Same(first, PlanCache.Plan(Spec("Mixtral on 4 L40S")));
        Assert.NotSame(first, PlanCache.Plan(Spec("Mixtral on 4 L40S") with { OutputTokens = 129 }));
    }
}
