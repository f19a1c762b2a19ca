using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace DeploySpec.Analyzers.Tests;

/// <summary>
/// Each help page's example (docs/diagnostics/DSxxxx.md, "## Example": a C# block, then the diagnostics it gives) is
/// run through the analyzer: every documented line must be one the analyzer reports for that source, word for word.
/// The figures in the messages come from the calibrated cost model, so a refit that moves them fails here until the
/// page shows what a user now sees.
/// </summary>
public partial class HelpPageExampleTests
{
    private static string Root => typeof(HelpPageExampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Pages whose example needs what a single source file cannot hold, and why.</summary>
    private static readonly Dictionary<string, string> NotRunnable = new(StringComparer.Ordinal)
    {
        ["DS1009"] = "its config.json is an AdditionalFile the page describes in words; ConfigFileAnalyzerTests asserts the same message",
        ["DS1012"] = "its config.json is an AdditionalFile the page describes in words, and the page abbreviates the message",
    };

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(Root, "docs", "diagnostics"), "DS*.md").OrderBy(p => p, StringComparer.Ordinal))
        {
            string text = File.ReadAllText(path);
            string page = Path.GetFileNameWithoutExtension(path);
            if (Example(text) is not null && DocumentedLines(text).Count > 0 && !NotRunnable.ContainsKey(page))
            {
                pages.Add(page);
            }
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_example_gives_the_diagnostics_its_page_shows(string page)
    {
        string path = Path.Combine(Root, "docs", "diagnostics", page + ".md");
        string text = File.ReadAllText(path);
        string source = Example(text)!;
        var compilation = CSharpCompilation.Create("Example", new[] { CSharpSyntaxTree.ParseText(source, path: "/src/Example.cs") },
            DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpecAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics.Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        if (Environment.GetEnvironmentVariable("DEPLOYSPEC_ACCEPT_SNAPSHOTS") == "1")
        {
            string accepted = Accept(text, reported);
            if (accepted != text)
            {
                File.WriteAllText(path, accepted);
                text = accepted;
            }
        }

        foreach (string line in DocumentedLines(text))
        {
            Assert.True(reported.Contains(line), $"docs/diagnostics/{page}.md shows\n  {line}\nbut the analyzer reports\n  " + string.Join("\n  ", reported) +
                "\n(after a refit, DEPLOYSPEC_ACCEPT_SNAPSHOTS=1 rewrites the page's lines and their figures in its prose; review the diff)");
        }
    }

    /// <summary>
    /// A refit moves the figures and plans of the messages, not their wording: each documented line the analyzer no
    /// longer reports, whose wording (<see cref="Shape"/>) exactly one reported line shares, becomes that line, and each
    /// figure or plan it changes is changed wherever else the page quotes it (the prose explains the example with them).
    /// A line of another wording stays, and the test fails on it: the message itself changed, which a person rewrites.
    /// </summary>
    public static string Accept(string page, IReadOnlyList<string> reported)
    {
        foreach (string line in DocumentedLines(page).Where(l => !reported.Contains(l)))
        {
            var same = reported.Where(r => Shape(r) == Shape(line)).Distinct(StringComparer.Ordinal).ToList();
            if (same.Count != 1)
            {
                continue;
            }

            var before = Quoted().Matches(line).Select(m => m.Value).ToList();
            var after = Quoted().Matches(same[0]).Select(m => m.Value).ToList();
            page = page.Replace(line, same[0]);
            for (int i = 0; i < before.Count; i++)
            {
                // Only what a reader could not mistake for another quantity: a plan or a figure with decimals.
                if (before[i] != after[i] && (before[i].Contains('.') || before[i].StartsWith("TP", StringComparison.Ordinal)))
                {
                    page = Regex.Replace(page, @"(?<![\w.])" + Regex.Escape(before[i]) + @"(?![\w]|\.\d)", after[i]);
                }
            }
        }

        return page;
    }

    /// <summary>A message's wording: its plans and figures blanked out.</summary>
    private static string Shape(string line) => Quoted().Replace(line, "#");

    [Fact]
    public void Every_page_left_out_has_an_example_that_names_its_rule()
    {
        // An entry outlives its reason when the page loses its example or another rule's page takes the name.
        Assert.All(NotRunnable.Keys, page =>
        {
            string text = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics", page + ".md"));
            Assert.NotNull(Example(text));
            Assert.Contains(DocumentedLines(text), l => l.StartsWith(page + ": ", StringComparison.Ordinal));
        });
        Assert.True(Pages().Count >= 25, "most help pages' examples run");
    }

    [Fact]
    public void Accepting_a_refit_rewrites_the_lines_and_the_figures_the_prose_quotes_but_not_a_new_wording()
    {
        string page = string.Join("\n",
            "# DS4003", "", "## Example", "", "```csharp", "class C { }", "```", "", "```",
            "DS4003: Deployment 'Chat': no single plan meets both targets: TP16 x PP1 x DP1 reaches TPOT 19.80 ms but TTFT 1062.7 ms; TP8 x PP1 x DP2 reaches TTFT 295.5 ms but TPOT 24.23 ms",
            "DS4001: Deployment 'Chat': no plan meets MaxTimePerOutputTokenMs = 5 ms",
            "```", "", "## Why", "", "TP16 x PP1 x DP1 takes 1062.7 ms, of which 10627 ms is not a figure here; 24.23 ms or more; 5 GPUs.", "");
        var reported = new[]
        {
            "DS4003: Deployment 'Chat': no single plan meets both targets: TP16 x PP1 x DP1 reaches TPOT 19.38 ms but TTFT 1139.7 ms; TP8 x PP1 x DP2 reaches TTFT 297.8 ms but TPOT 23.96 ms",
            "DS4001: Deployment 'Chat': no plan meets the target of 5 ms",
        };

        string accepted = Accept(page, reported);

        Assert.Contains(reported[0], accepted);
        Assert.Contains("TP16 x PP1 x DP1 takes 1139.7 ms, of which 10627 ms is not a figure here; 23.96 ms or more; 5 GPUs.", accepted);
        Assert.Contains("DS4001: Deployment 'Chat': no plan meets MaxTimePerOutputTokenMs = 5 ms", accepted); // reworded: left for a person
        Assert.DoesNotContain("1062.7", accepted);
        Assert.Equal(accepted, Accept(accepted, reported)); // accepting twice changes nothing more
    }

    /// <summary>The first C# block of the "## Example" section.</summary>
    private static string? Example(string page) =>
        Blocks(page).Where(b => b.Language == "csharp").Select(b => b.Text).FirstOrDefault();

    /// <summary>The "DSxxxx: message" lines of the example section's plain code blocks.</summary>
    private static List<string> DocumentedLines(string page) =>
        Blocks(page).Where(b => b.Language.Length == 0).SelectMany(b => b.Text.Split('\n'))
            .Where(l => DiagnosticLine().IsMatch(l)).ToList();

    /// <summary>The fenced code blocks of the "## Example" section, each with its info string ("" for none).</summary>
    private static IEnumerable<(string Language, string Text)> Blocks(string page)
    {
        var lines = page.Replace("\r\n", "\n").Split('\n');
        int at = Array.FindIndex(lines, l => l.TrimEnd() == "## Example");
        if (at < 0)
        {
            yield break;
        }

        string? language = null;
        var text = new List<string>();
        for (int i = at + 1; i < lines.Length && !(language is null && lines[i].StartsWith("## ", StringComparison.Ordinal)); i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                if (language is null)
                {
                    language = lines[i].Substring(3).Trim();
                    text.Clear();
                }
                else
                {
                    yield return (language, string.Join("\n", text));
                    language = null;
                }
            }
            else if (language is not null)
            {
                text.Add(lines[i]);
            }
        }
    }

    [GeneratedRegex("^DS[0-9]{4}: ")]
    private static partial Regex DiagnosticLine();

    /// <summary>A plan (TP2 x PP2 x DP2, with EP when it splits experts) or a number, as the messages print them.</summary>
    [GeneratedRegex(@"TP[0-9]+ x PP[0-9]+ x DP[0-9]+(?: x EP[0-9]+)?|(?<![\w.])[0-9]+(?:\.[0-9]+)?")]
    private static partial Regex Quoted();
}
