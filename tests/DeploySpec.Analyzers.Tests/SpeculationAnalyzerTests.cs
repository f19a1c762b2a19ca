using DeploySpec.CodeFixes;
using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

/// <summary>DS1015, DS1016 and the bounds of the speculative-decoding settings (DS1003), with their numbers; the examples of their help pages.</summary>
public class SpeculationAnalyzerTests
{
    private const string Models = """
        using DeploySpec;
        [Model(Name = "Llama 3.1 70B", Layers = 80, HiddenSize = 8192, AttentionHeads = 64, KeyValueHeads = 8, IntermediateSize = 28672, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama70B { }
        [Model(Name = "Llama 3.1 8B", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 128256, Weights = Precision.Fp8, KvCache = Precision.Fp8)]
        public partial class Llama8B { }
        [Cluster(Gpu = Gpu.H100Sxm)] public partial class HgxH100 { }
        """;

    [Fact]
    public async Task A_valid_speculative_deployment_has_no_diagnostic()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.Eagle3, SpeculativeTokens = 3)] public partial class Eagle { }
            [Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.DraftModel, DraftModel = typeof(Llama8B), AcceptanceRate = 0.6)] public partial class Drafted { }
            """);
    }

    [Fact]
    public async Task DS1015_a_draft_model_larger_than_the_model()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama8B), typeof(HgxH100), Speculation = Speculation.DraftModel, {|#0:DraftModel = typeof(Llama70B)|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.DraftModelTooLarge).WithLocation(0).WithMessage(
                "Deployment 'Chat': DraftModel Llama 3.1 70B has 70.55 B parameters, not fewer than the model Llama 3.1 8B's 8.03 B: a draft pays only when it is " +
                "much cheaper than the model it drafts for; name a smaller [Model] (a 1-8 B model of the same family, or Speculation.Eagle3)"));
    }

    [Fact]
    public async Task DS1016_a_draft_model_method_without_a_draft_model()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(HgxH100), {|#0:Speculation = Speculation.DraftModel|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.SpeculationInconsistent).WithLocation(0).WithMessage(
                "Deployment 'Chat': Speculation = Speculation.DraftModel needs DraftModel = typeof(...) of a class marked [Model], smaller than Llama 3.1 70B; " +
                "name one, or use Speculation.Eagle3 (no separate model)"));
    }

    [Fact]
    public async Task DS1016_mtp_on_a_model_without_mtp_layers()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(HgxH100), {|#0:Speculation = Speculation.Mtp|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.SpeculationInconsistent).WithLocation(0).WithMessage(
                "Deployment 'Chat': Speculation = Speculation.Mtp runs the model's own multi-token-prediction layers, but Llama 3.1 70B declares none " +
                "(MtpLayers = 0; config.json num_nextn_predict_layers); set MtpLayers on its [Model] if its checkpoint has them, or use Speculation.Eagle3"));
    }

    [Fact]
    public async Task DS1003_speculation_settings_out_of_their_bounds()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.Eagle3, {|#0:SpeculativeTokens = 20|}, {|#1:AcceptanceRate = 1.2|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(0).WithArguments("Chat",
                "SpeculativeTokens must be between 0 and 16 (draft tokens per verify step; 0 = the method's default, 3), but is 20"),
            Diagnostic(Descriptors.InvalidDeployment).WithLocation(1).WithArguments("Chat",
                "AcceptanceRate must be in [0, 1): the probability that a draft token is accepted (0 = the method's default: EAGLE-3 0.80, MTP 0.85, a draft model 0.70), but is 1.2"));
    }

    [Fact]
    public async Task DS1004_a_draft_model_that_is_not_a_model()
    {
        await AnalyzerAsync(Models + """

            [Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.DraftModel, {|#0:DraftModel = typeof(HgxH100)|})] public partial class Chat { }
            """,
            Diagnostic(Descriptors.ModelTypeWithoutAttribute).WithLocation(0).WithArguments("Chat", "'HgxH100' is used as the draft model but is not marked [Model]"));
    }

    [Fact]
    public async Task A_draft_model_named_with_another_method_is_fixed_by_setting_the_method()
    {
        await CodeFixAsync(
            new[] { Models, "using DeploySpec;\n[Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.Eagle3, {|#0:DraftModel = typeof(Llama8B)|})] public partial class Chat { }" },
            new[] { Models, "using DeploySpec;\n[Deployment(typeof(Llama70B), typeof(HgxH100), Speculation = Speculation.DraftModel, DraftModel = typeof(Llama8B))] public partial class Chat { }" },
            DeploySpecCodeFixProvider.SetSpeculationKey,
            new[] { Id(Descriptors.SpeculationInconsistent).WithLocation(0) });
    }
}
