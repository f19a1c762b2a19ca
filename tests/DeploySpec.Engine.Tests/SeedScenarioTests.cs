using DeploySpec.Calibration;
using DeploySpec.Engine.Cost;
using DeploySpec.Engine.Planning;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Engine.Tests;

/// <summary>The seed: Llama 3.1 405B FP8 on one HGX H200 (8 x H200 SXM), 2048 in / 128 out.</summary>
public class SeedScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public void Tp8_gives_about_5_6x_the_per_user_speed_of_pp8_at_one_request()
    {
        var seed = Calibrator.EvaluateSeed(CostCalibration.Default);
        output.WriteLine($"TP8: {seed.Tp8SingleRequest}");
        output.WriteLine($"PP8: {seed.Pp8SingleRequest}");
        output.WriteLine($"TP8 / PP8 per-user speed = {seed.MinLatencySpeedRatio:F2}x (published 5.6x, accepted within 10%: 5.04-6.16)");
        Assert.InRange(seed.MinLatencySpeedRatio, 5.6 * 0.9, 5.6 * 1.1);
    }

    [Fact]
    public void Pp8_gives_about_1_5x_the_node_throughput_of_tp8_at_maximum_load()
    {
        var seed = Calibrator.EvaluateSeed(CostCalibration.Default);
        output.WriteLine($"TP8: {seed.Tp8Peak}");
        output.WriteLine($"PP8: {seed.Pp8Peak}");
        output.WriteLine($"PP8 / TP8 throughput = {seed.MaxThroughputRatio:F2}x (published 1.5x, accepted within 10%: 1.35-1.65)");
        Assert.InRange(seed.MaxThroughputRatio, 1.5 * 0.9, 1.5 * 1.1);
    }

    [Fact]
    public void No_estimate_beats_streaming_the_weights_once_per_token()
    {
        // docs/calibration: 405.85 B params x 1 byte on 4.8 TB/s bounds TP8 at ~94.6 and PP8 at ~11.8 tok/s per user.
        var seed = Calibrator.EvaluateSeed(CostCalibration.Default);
        Assert.True(seed.Tp8SingleRequest.OutputTokensPerSecondPerUser < 94.6);
        Assert.True(seed.Pp8SingleRequest.OutputTokensPerSecondPerUser < 11.8);
    }

    [Fact]
    public void The_planner_picks_tp8_for_latency_and_a_pipelined_plan_for_throughput()
    {
        var deployment = CalibrationData.Seed(0, 0);
        var result = Planner.Plan(deployment);
        foreach (var plan in result.Plans)
        {
            output.WriteLine($"{plan.Plan,-18} {plan.Pool.Memory.ToRuntime()}  1 req: {plan.SingleRequest.OutputTokensPerSecondPerUser:F1} tok/s/user  peak: {plan.Peak.OutputTokensPerSecond:F0} tok/s");
        }

        Assert.Equal(new Degrees(8, 1, 1, 1), result.MinLatency!.Pool.Degrees);
        Assert.True(result.MaxThroughput!.Pool.Degrees.PipelineParallel > 1);
        Assert.Contains(result.Plans, p => p.Pool.Degrees == new Degrees(1, 8, 1, 1));
        // 405 GB of FP8 weights need at least four H200s' worth of memory per replica: no plan has DP > 2.
        Assert.All(result.Plans, p => Assert.True(p.Pool.Degrees.DataParallel <= 2));
    }
}
