using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Parsing;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DeploySpec.Generators.Tests;

public class ParserTests
{
    private static ParseResult<ModelDeclaration> ParseModel(string source, string typeName)
    {
        var compilation = TestCompilation.Create(source);
        var symbol = compilation.GetTypeByMetadataName(typeName)!;
        return SpecParser.ParseModel(symbol, symbol.GetAttributes().Single(), default);
    }

    [Fact]
    public void Problems_point_at_the_offending_argument()
    {
        var result = ParseModel(Sources.Llama405B.Replace("Layers = 126", "Layers = -3"), "Acme.Serving.Llama405B");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ProblemKind.InvalidModel, problem.Kind);
        Assert.Equal("Layers", problem.Property);
        Assert.Contains("-3", problem.Message);
        Assert.Equal("Layers = -3", problem.Location.SourceTree!.GetText().ToString(problem.Location.SourceSpan));
    }

    [Fact]
    public void Attribute_values_become_the_engine_spec()
    {
        var result = ParseModel(Sources.Llama405B, "Acme.Serving.Llama405B");
        Assert.True(result.IsValid);
        Assert.Equal(Engine.Models.ModelCatalog.Llama31_405B with { Name = "Llama405B", Checkpoint = "Llama405B", Weights = Precision.Fp8, KvCache = Precision.Fp8 }, result.Declaration.Model);
        Assert.Equal("global::Acme.Serving.Llama405B", result.Declaration.Type.FullyQualifiedName);
    }

    [Fact]
    public void Deployment_reports_a_referenced_type_without_its_attribute()
    {
        var compilation = TestCompilation.Create(Sources.HgxH200, "namespace Acme.Serving { public class Llama405B { } }", Sources.Chat);
        var symbol = compilation.GetTypeByMetadataName("Acme.Serving.Chat")!;
        var result = SpecParser.ParseDeployment(symbol, symbol.GetAttributes().Single(), default);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ProblemKind.ModelTypeWithoutAttribute, problem.Kind);
        Assert.Equal("typeof(Llama405B)", problem.Location.SourceTree!.GetText().ToString(problem.Location.SourceSpan));
    }

    [Fact]
    public void Non_partial_and_generic_deployments_are_problems_but_models_and_clusters_need_not_be_partial()
    {
        var compilation = TestCompilation.Create(Sources.Llama405B, """
            using DeploySpec;
            [Cluster(Gpu = Gpu.B200)] public class Plain { }
            [Deployment(typeof(Acme.Serving.Llama405B), typeof(Plain))] public class NotPartial { }
            public partial class Outer { [Deployment(typeof(Acme.Serving.Llama405B), typeof(Plain))] public partial class G<T> { } }
            """);
        var plain = compilation.GetTypeByMetadataName("Plain")!;
        Assert.True(SpecParser.ParseCluster(plain, plain.GetAttributes().Single(), default).IsValid);
        var notPartial = compilation.GetTypeByMetadataName("NotPartial")!;
        Assert.Contains(SpecParser.ParseDeployment(notPartial, notPartial.GetAttributes().Single(), default).Problems, p => p.Kind == ProblemKind.NotPartial);
        var generic = compilation.GetTypeByMetadataName("Outer+G`1")!;
        Assert.Contains(SpecParser.ParseDeployment(generic, generic.GetAttributes().Single(), default).Problems, p => p.Kind == ProblemKind.Generic);
    }
}
