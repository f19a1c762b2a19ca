using System;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Memory;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Engine.Tests;

public class SpeculativeDecodingTests
{
    private readonly ITestOutputHelper _output;

    public SpeculativeDecodingTests(ITestOutputHelper output) => _output = output;

    private static readonly Degrees Tp8 = new(8, 1, 1, 1);

    /// <summary>Llama 3.1 70B FP8 on 8 x H100 at TP8 (the sample's latency deployment), EAGLE-3 with its defaults.</summary>
    private static DeploymentSpec Llama70B(Speculation speculation = Speculation.Eagle3, double acceptance = 0) =>
        MemoryModelTests.On(ModelCatalog.Llama31_70B with { Weights = Precision.Fp8, KvCache = Precision.Fp8 }, Gpu.H100Sxm, 8)
            with { Speculation = speculation, AcceptanceRate = acceptance, InputTokens = 2048, OutputTokens = 256 };

    private static CostCoefficients Fold(DeploymentSpec spec, Degrees degrees) =>
        CostModel.Specialize(spec, degrees, MemoryModel.PerGpu(spec, degrees), CostCalibration.Default);

    [Theory]
    [InlineData(0.80, 3, 2.952)]   // EAGLE-3's default: (1 - 0.8^4) / 0.2
    [InlineData(0.85, 1, 1.85)]    // DeepSeek-V3's one MTP module at 85% acceptance (its report: 1.8x TPS)
    [InlineData(0.70, 3, 2.533)]
    [InlineData(0.0, 3, 1.0)]      // nothing accepted: the verify step's own token
    [InlineData(1.0, 3, 4.0)]      // everything accepted: k + 1
    [InlineData(0.5, 0, 1.0)]      // no drafts
    public void Expected_tokens_per_verify_step_is_the_geometric_sum(double alpha, int k, double expected) =>
        Assert.Equal(expected, SpeculationMethod.ExpectedTokensPerStep(alpha, k), 3);

    [Fact]
    public void Defaults_come_from_the_method_table()
    {
        var s = SpeculativeDecoding.Of(Llama70B());
        Assert.Equal(SpeculationMethod.DefaultSpeculativeTokens, s.DraftTokens);
        Assert.Equal(SpeculationMethod.Eagle3AcceptanceRate, s.AcceptanceRate);
        Assert.Equal(SpeculationMethod.ExpectedTokensPerStep(0.8, 3), s.AcceptedTokensPerStep);
        Assert.Equal(0.85, SpeculativeDecoding.Of(MemoryModelTests.On(ModelCatalog.DeepSeekV3, Gpu.H200Sxm, 8, 2) with { Speculation = Speculation.Mtp }).AcceptanceRate);
        var draft = Llama70B(Speculation.DraftModel) with { Draft = ModelCatalog.Llama31_8B, SpeculativeTokens = 5, AcceptanceRate = 0.6 };
        Assert.Equal((Speculation.DraftModel, 5, 0.6), (SpeculativeDecoding.Of(draft).Method, SpeculativeDecoding.Of(draft).DraftTokens, SpeculativeDecoding.Of(draft).AcceptanceRate));
        Assert.False(SpeculativeDecoding.Of(Llama70B(Speculation.None)).IsOn);
        Assert.Equal(1.0, Fold(Llama70B(Speculation.None), Tp8).AcceptedTokensPerStep);
    }

    [Fact]
    public void Eagle3_lowers_TPOT_at_one_request_by_about_E_over_one_plus_the_draft_share()
    {
        var on = Fold(Llama70B(), Tp8);
        var off = Fold(Llama70B(Speculation.None), Tp8);
        double tpotOn = CostEvaluator.Evaluate(on, 1).TimePerOutputTokenMs, tpotOff = CostEvaluator.Evaluate(off, 1).TimePerOutputTokenMs;
        double e = on.AcceptedTokensPerStep;
        double draftSeconds = on.StepOverheadSeconds - off.StepOverheadSeconds + on.StepSecondsPerSequence - off.StepSecondsPerSequence;
        double draftShare = draftSeconds * 1e3 / tpotOff;
        double expected = e / (1 + draftShare);
        double speedup = tpotOff / tpotOn;
        _output.WriteLine(string.Format(CultureInfo.InvariantCulture, "TPOT@1 {0:0.00} ms -> {1:0.00} ms: {2:0.00}x; E = {3:0.000}, draft share {4:0.0%}, E/(1+share) = {5:0.00}",
            tpotOff, tpotOn, speedup, e, draftShare, expected));
        Assert.InRange(draftShare, 0.01, 0.25); // one layer and an LM head against 80 layers, k = 3
        Assert.InRange(speedup, 0.93 * expected, expected); // the verify step's extra compute costs a little more at one request
        Assert.True(CostEvaluator.Evaluate(on, 1).TimeToFirstTokenMs >= CostEvaluator.Evaluate(off, 1).TimeToFirstTokenMs);
    }

    [Fact]
    public void The_gain_shrinks_with_load_and_a_weak_draft_stops_paying_at_high_load()
    {
        var off = Fold(Llama70B(Speculation.None), Tp8);
        var strong = Fold(Llama70B(), Tp8);
        double previous = double.MaxValue;
        foreach (int b in new[] { 1, 4, 16, 64, 128, 256, 512, 1024 })
        {
            double gain = CostEvaluator.Evaluate(off, b).TimePerOutputTokenMs / CostEvaluator.Evaluate(strong, b).TimePerOutputTokenMs;
            _output.WriteLine(string.Format(CultureInfo.InvariantCulture, "EAGLE-3 a = 0.80 at {0} in flight: {1:0.00}x", b, gain));
            Assert.True(gain < previous, "the gain should shrink with load");
            previous = gain;
        }

        var weak = Llama70B(Speculation.Eagle3, acceptance: 0.5); // E = 1.875 for 4 tokens verified per sequence
        var draftModel = SpeculationPayoff.Of(Llama70B(Speculation.DraftModel, acceptance: 0.5) with { Draft = ModelCatalog.Llama31_8B }, Tp8)!;
        _output.WriteLine("Llama 3.1 8B drafting at 0.5: " + draftModel);
        var payoff = SpeculationPayoff.Of(weak, Tp8)!;
        _output.WriteLine(payoff.ToString());
        Assert.True(payoff.SpeedupAtOneRequest > 1.0);
        Assert.NotNull(payoff.CrossoverConcurrency);
        Assert.InRange(payoff.CrossoverConcurrency!.Value, 2, payoff.ComparedUpTo);
        Assert.False(CostEvaluator.Evaluate(Fold(weak, Tp8), payoff.CrossoverConcurrency.Value).TimePerOutputTokenMs <
                     CostEvaluator.Evaluate(off, payoff.CrossoverConcurrency.Value).TimePerOutputTokenMs);
        Assert.True(CostEvaluator.Evaluate(Fold(weak, Tp8), payoff.CrossoverConcurrency.Value - 1).TimePerOutputTokenMs <
                    CostEvaluator.Evaluate(off, payoff.CrossoverConcurrency.Value - 1).TimePerOutputTokenMs);
        Assert.Null(SpeculationPayoff.Of(Llama70B(Speculation.None), Tp8));
    }

    [Fact]
    public void Memory_holds_the_drafter_weights_and_its_KV()
    {
        foreach (var spec in new[]
        {
            Llama70B(),
            Llama70B(Speculation.DraftModel) with { Draft = ModelCatalog.Llama31_8B },
            MemoryModelTests.On(ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8 }, Gpu.H200Sxm, 8, 2) with { Speculation = Speculation.Mtp },
        })
        {
            var degrees = spec.Model.IsMoe ? new Degrees(16, 1, 1, 16) : Tp8;
            var on = MemoryModel.PerGpu(spec, degrees);
            var off = MemoryModel.PerGpu(SpeculationPayoff.WithoutSpeculation(spec), degrees);
            var draft = DraftCost.Of(spec, degrees.TensorParallel);
            _output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: draft {1:0.00} GiB per GPU, {2:0} B KV per token per GPU; requests {3} -> {4}",
                spec.Speculation, draft.WeightBytes / Units.BytesPerGiB, draft.KvBytesPerToken, off.RequestsPerReplica, on.RequestsPerReplica));
            Assert.True(draft.WeightBytes > 0 && draft.KvBytesPerToken > 0);
            Assert.Equal(off.WeightsBytes + draft.WeightBytes, on.WeightsBytes, 3);
            Assert.Equal(off.KvBytesPerTokenPerGpu + draft.KvBytesPerToken, on.KvBytesPerTokenPerGpu, 3);
            Assert.True(on.ActivationsBytes >= off.ActivationsBytes);
            Assert.True(on.RequestsPerReplica <= off.RequestsPerReplica);
        }

        // DeepSeek-V3's MTP module: one MoE layer of the model's shape, about 11.5 B parameters over 16 GPUs.
        var mtp = DraftCost.Of(MemoryModelTests.On(ModelCatalog.DeepSeekV3 with { Weights = Precision.Fp8 }, Gpu.H200Sxm, 8, 2) with { Speculation = Speculation.Mtp }, 16);
        Assert.InRange(mtp.Parameters / 1e9, 11, 12.5);
    }

    [Fact]
    public void The_drafter_multiplies_its_16_bit_weights_at_the_BF16_rate()
    {
        // EAGLE-3's head on Llama 3.1 70B FP8 at TP8: its LM head (128256 x 8192) is 16-bit like the target's, so it
        // is in the BF16 FLOPs, with only the layer's norms beside it.
        double head = 2.0 * 128256 * 8192 / 8;
        var eagle = DraftCost.Of(Llama70B(), 8);
        Assert.InRange(eagle.Bf16FlopsPerToken - head, 0, head * 1e-3);
        Assert.True(eagle.FlopsPerToken > 0);

        // A draft model: the same FLOPs in total whatever its format; an FP8 draft runs its LM head and norms at the
        // BF16 rate, a BF16 draft everything. A tied LM head still multiplies.
        DraftCost Draft(ModelArchitecture draft) => DraftCost.Of(Llama70B(Speculation.DraftModel) with { Draft = draft }, 8);
        var fp8 = Draft(ModelCatalog.Llama31_8B with { Weights = Precision.Fp8 });
        var bf16 = Draft(ModelCatalog.Llama31_8B with { Weights = Precision.Bf16 });
        var tied = Draft(ModelCatalog.Llama31_8B with { Weights = Precision.Fp8, TiedEmbeddings = true });
        Assert.Equal(0.0, bf16.FlopsPerToken);
        Assert.Equal(bf16.Bf16FlopsPerToken, fp8.FlopsPerToken + fp8.Bf16FlopsPerToken, bf16.Bf16FlopsPerToken * 1e-12);
        double draftHead = 2.0 * 128256 * 4096 / 8; // Llama 3.1 8B's LM head
        Assert.InRange(fp8.Bf16FlopsPerToken - draftHead, 0, draftHead * 1e-3);
        Assert.Equal(fp8.Bf16FlopsPerToken, tied.Bf16FlopsPerToken, 6);
        Assert.Equal(fp8.FlopsPerToken, tied.FlopsPerToken, 6);
    }

    [Fact]
    public void A_speculative_plan_is_extrapolated_along_architecture_and_not_measured_there()
    {
        var on = Fold(Llama70B(), Tp8);
        var off = Fold(Llama70B(Speculation.None), Tp8);
        Assert.True(on.ExtrapolatedAlong.HasFlag(ExtrapolationAxes.ServingMode));
        Assert.True(on.NotMeasured.HasFlag(ExtrapolationAxes.ServingMode));
        Assert.Equal(off.Uncertainty, on.Uncertainty); // the band holds the error of the rest of the estimate only
        Assert.True(on.IsFinite);
        Assert.False((on with { AcceptedTokensPerStep = 0.5 }).IsFinite);
    }

    [Fact]
    public void Inconsistent_speculation_is_an_error_with_the_numbers_and_is_not_planned()
    {
        string Message(DeploymentSpec spec) => Assert.Single(SettingsChecks.Errors(spec)).Message;

        string tooLarge = Message(MemoryModelTests.On(ModelCatalog.Llama31_8B, Gpu.H100Sxm, 8) with { Name = "Chat", Speculation = Speculation.DraftModel, Draft = ModelCatalog.Llama31_70B });
        Assert.Contains("70.55 B parameters, not fewer than the model Llama 3.1 8B's 8.03 B", tooLarge);
        Assert.StartsWith("Deployment 'Chat': DraftModel Llama 3.1 70B has", tooLarge);
        Assert.Contains("needs DraftModel = typeof(...)", Message(Llama70B(Speculation.DraftModel)));
        Assert.Contains("declares none (MtpLayers = 0", Message(Llama70B(Speculation.Mtp)));
        var wrongMethod = Assert.Single(SettingsChecks.Errors(Llama70B() with { Draft = ModelCatalog.Llama31_8B }));
        Assert.Contains("but Speculation is Eagle3; set Speculation = Speculation.DraftModel", wrongMethod.Message);
        Assert.Equal(new SetSpeculation(Speculation.DraftModel), Assert.Single(wrongMethod.Fixes));
        Assert.Empty(SettingsChecks.Errors(Llama70B()));
        Assert.All(DeploymentJudge.Explain(Llama70B(Speculation.Mtp)), f => Assert.Equal(Rules.SpeculationInconsistent, f.Rule));
    }

    [Fact]
    public void The_spec_codec_carries_the_draft_model_and_the_settings()
    {
        var spec = Llama70B(Speculation.DraftModel, 0.65) with { Draft = ModelCatalog.Llama31_8B with { Checkpoint = "meta-llama/Llama-3.1-8B-Instruct" }, SpeculativeTokens = 4 };
        string text = SpecCodec.Encode(spec);
        Assert.Contains("Draft={", text);
        Assert.EndsWith("Speculation=DraftModel;SpeculativeTokens=4;AcceptanceRate=0.65", text);
        Assert.Equal(spec, SpecCodec.Decode(text));
        Assert.DoesNotContain("Specul", SpecCodec.Encode(Llama70B(Speculation.None)));
    }

    /// <summary>
    /// The EAGLE-3 paper's SGLang runs against the model (the table of docs/accuracy.md, written by the calibration
    /// tool): compared, not fitted. The model agrees at one request and in direction, not in how fast the gain falls.
    /// </summary>
    [Fact]
    public void Eagle3_paper_sglang_table_against_the_model()
    {
        var rows = DeploySpec.Calibration.AccuracyMarkdown.Eagle3SglangRows();
        foreach (var (batch, published, model) in rows)
        {
            _output.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:0.00}x | {2:0.00}x |", batch, published, model));
        }

        Assert.InRange(rows[0].Model / rows[0].Published, 0.85, 1.15); // batch 1: within 15% of the published 2.36x
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.True(pair.Second.Model < pair.First.Model, "the gain shrinks with load"));
        Assert.All(rows, r => Assert.True(r.Model >= r.Published * 0.85, "the model's gain is an upper bound at moderate load"));
    }
}
