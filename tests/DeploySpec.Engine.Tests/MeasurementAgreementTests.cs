using System.Linq;
using DeploySpec.Calibration;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class MeasurementAgreementTests
{
    private const string Header = "source,engine,model,gpu,gpus,tp,pp,ep,weights,kv_cache,isl,osl,concurrency,output_tokens_per_s,ttft_ms,itl_ms,e2e_ms\n";

    private static MeasurementAgreement.Pair[] PairsOf(string rows) =>
        MeasurementAgreement.Pairs(CalibrationData.ParsePublished(Header + rows, CalibrationData.PublishedFiles[0])
            .Select(p => new PointResult(p, Predicted: 1000))).ToArray();

    [Fact]
    public void Near_twins_are_one_configuration_at_lengths_within_three_percent()
    {
        var pairs = PairsOf(
            "page A,TensorRT-LLM,Llama 3.1 70B,H200,2,2,1,1,FP8,FP8,1000,2000,,5000,,,\n" +
            "page B,TensorRT-LLM,Llama 3.1 70B,H200,2,2,1,1,FP8,FP8,1024,2048,,4000,,,\n" +
            "page B,TensorRT-LLM,Llama 3.1 70B,H200,2,2,1,1,FP8,FP8,1000,2048,,4100,,,\n" + // also within 3% of both
            "page A,TensorRT-LLM,Llama 3.1 70B,H200,2,2,1,1,FP8,FP8,1000,1000,,6000,,,\n" + // output 2x shorter: no twin
            "page A,TensorRT-LLM,Llama 3.1 70B,H200,4,4,1,1,FP8,FP8,1024,2048,,9000,,,\n" + // another split
            "page A,TensorRT-LLM,Llama 3.1 70B,H100,2,2,1,1,FP8,FP8,1024,2048,,3000,,,\n" + // another GPU
            "page A,TensorRT-LLM,Llama 3.1 70B,H200,2,2,1,1,FP8,FP8,1000,2000,4,90,,,\n"); // an online figure: not offline

        Assert.Equal(3, pairs.Length);
        var across = pairs.Single(p => p.First.Point.Deployment.OutputTokens == 2000 && p.Second.Point.Deployment.InputTokens == 1024);
        Assert.False(across.SameSource);
        Assert.Equal(4000.0 / 5000 - 1, across.MeasuredDifference, 12);
        Assert.Equal(0, across.PredictedDifference, 12); // every figure is predicted at 1000
        Assert.Single(pairs, p => p.SameSource); // 1000/2048 and 1024/2048, both on page B
    }

    [Fact]
    public void Identical_lengths_are_not_twins()
    {
        Assert.Empty(PairsOf(
            "page A,TensorRT-LLM,Llama 3.1 8B,H200,1,1,1,1,FP8,FP8,1024,1024,,5000,,,\n" +
            "page B,TensorRT-LLM,Llama 3.1 8B,H200,1,1,1,1,FP8,FP8,1024,1024,,5100,,,\n"));
    }
}
