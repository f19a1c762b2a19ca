using Xunit;
using static DeploySpec.Analyzers.Tests.Verify;

namespace DeploySpec.Analyzers.Tests;

/// <summary>DS1014: a benchmark result file's problems, at the deployment's Measurements argument, naming file, line and field.</summary>
public class MeasurementAnalyzerTests
{
    private const string Declarations = """
        using DeploySpec;
        [Model(Name = "Llama 3.1 8B", Checkpoint = "meta-llama/Llama-3.1-8B-Instruct", Layers = 32, HiddenSize = 4096, AttentionHeads = 32, KeyValueHeads = 8,
               IntermediateSize = 14336, VocabSize = 128256)] public partial class Llama8B { }
        [Cluster(Gpu = Gpu.H100Sxm, GpusPerNode = 1)] public partial class OneH100 { }
        """;

    private static string Deployment(string measurements) =>
        Declarations + "[Deployment(typeof(Llama8B), typeof(OneH100), InputTokens = 1024, OutputTokens = 256, {|#0:Measurements = \"" + measurements + "\"|})] public partial class Chat { }";

    [Fact]
    public async Task A_malformed_file_is_DS1014_at_the_measurements_argument_with_its_line()
    {
        await AnalyzerWithFilesAsync(
            new[] { Deployment("bench/*.json") },
            new[] { ("/0/bench/run.json", "{\"completed\": 3,\n\"duration\": ") },
            Diagnostic(Descriptors.MeasurementFileProblem).WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                .WithArguments("Chat", "bench/run.json(2): not valid JSON: unexpected end of file (line 2, column 13)"));
    }

    [Fact]
    public async Task A_pattern_that_names_no_file_is_DS1014_at_the_measurements_argument()
    {
        await AnalyzerWithFilesAsync(
            new[] { Deployment("bench/*.json") },
            new[] { ("/0/other/run.json", "{}") },
            Diagnostic(Descriptors.MeasurementFileProblem).WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                .WithArguments("Chat", "no file among the project's AdditionalFiles matches 'bench/*.json' (add <AdditionalFiles Include=\"bench/*.json\" />)"));
    }
}
