using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Analyzers.Tests;

/// <summary>
/// Builds samples/DeploySpec.Samples.Broken (outside the solution) with the real compiler and asserts exactly
/// which DeploySpec diagnostics it reports, where. The projects it references must already be built (as the
/// solution build does before the tests run), so this build only compiles the broken sample.
/// </summary>
public class BrokenSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void The_broken_sample_fails_with_exactly_the_expected_diagnostics()
    {
        string root = Metadata("RepositoryRoot");
        string project = Path.Combine(root, "samples", "DeploySpec.Samples.Broken", "DeploySpec.Samples.Broken.csproj");
        var start = new ProcessStartInfo("dotnet", $"build \"{project}\" -c {Metadata("Configuration")} -p:BuildProjectReferences=false -nologo -clp:NoSummary")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "the build did not finish in 5 minutes");
        output.WriteLine(stdout);

        var found = Regex.Matches(stdout, @"BrokenSpecs\.cs\((\d+),\d+\): (error|warning) (DS\d{4}): ")
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}")
            .Distinct()
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
        string[] expected =
        {
            "29 error DS2001",   // Llama 3.1 70B BF16 on one H200
            "33 error DS2001",   // Llama 3.1 405B BF16 on four H200
            "37 error DS3001",   // TP3 does not split 64 heads
            "37 error DS3006",   // nor 8 GPUs
            "41 warning DS4001", // 2 ms per token
            "45 error DS1004",   // typeof(NotAModel)
            "6 error DS1001",    // Layers = -80
        };
        Assert.Equal(expected, found);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("141.1 GB (131.4 GiB) of BF16 weights", stdout);
        Assert.Contains("811.7 GB (756.0 GiB) of BF16 weights", stdout);
        Assert.DoesNotContain("error CS", stdout); // the generator declined the broken specs instead of emitting bad code
    }

    private static string Metadata(string key) =>
        typeof(BrokenSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
