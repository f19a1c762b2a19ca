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
        string text = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics", page + ".md"));
        string source = Example(text)!;
        var compilation = CSharpCompilation.Create("Example", new[] { CSharpSyntaxTree.ParseText(source, path: "/src/Example.cs") },
            DeploySpec.Tests.Shared.ReferencePack.WithDeploySpec, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeploySpecAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics.Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        foreach (string line in DocumentedLines(text))
        {
            Assert.True(reported.Contains(line), $"docs/diagnostics/{page}.md shows\n  {line}\nbut the analyzer reports\n  " + string.Join("\n  ", reported));
        }
    }

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
}
