using System.Globalization;
using System.Threading;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>The engine's one judge of a deployment: typed findings, built from the planner's own candidates.</summary>
public class DiagnosisTests
{
    private static DeploymentSpec Llama70B(int gpus) => MemoryModelTests.On(ModelCatalog.Llama31_70B, Gpu.H200Sxm, gpus) with { Name = "Chat" };

    [Fact]
    public void A_model_that_fits_no_plan_gets_one_finding_with_its_fixes()
    {
        var finding = Assert.Single(DeploymentJudge.Explain(Llama70B(1)));
        Assert.Same(Rules.FitsNoPlan, finding.Rule);
        Assert.Same(FindingTarget.ClusterArgument, finding.Target);
        Assert.StartsWith("Deployment 'Chat': ", finding.Message);
        Assert.Contains(new ScaleCluster(GpusPerNode: 2, Nodes: 1), finding.Fixes);
        Assert.Contains(finding.Fixes, f => f is UseFp8 { KvCacheToo: true });
    }

    [Fact]
    public void Rejected_candidates_give_the_reason_of_their_finding_and_pinned_ones_are_reported_with_the_same_text()
    {
        var spec = Llama70B(6) with { TensorParallel = 3, PipelineParallel = 1 };
        var result = Planner.Plan(spec);
        var rejection = Assert.Single(result.Rejected);
        Assert.Same(Rules.TensorParallelSplitsNoHeads, rejection.Finding.Rule);
        Assert.Equal("TP3 does not divide the 64 attention heads", rejection.Reason);

        var reported = DeploymentJudge.Explain(spec).Single(f => f.Rule == Rules.TensorParallelSplitsNoHeads);
        Assert.Equal(FindingTarget.Pin(PinnedDegree.TensorParallel), reported.Target);
        Assert.Equal(nameof(DeploymentAttribute.TensorParallel), reported.Target.Property);
        Assert.StartsWith("Deployment 'Chat': " + rejection.Reason + "; the best plan that fits is ", reported.Message);
        Assert.IsType<PinPlan>(Assert.Single(reported.Fixes));
        Assert.Equal("", rejection.Finding.Remedy);
        Assert.StartsWith("; the best plan that fits is ", reported.Remedy);
    }

    [Fact]
    public void A_remedy_is_the_last_placeholder_its_rule_names_and_only_such_a_rule_takes_one()
    {
        foreach (var rule in Rules.All.Append(Rules.HoldsTooFewRequests).Where(r => r.RemedyArgument is not null))
        {
            var placeholders = System.Text.RegularExpressions.Regex.Matches(rule.Body, @"\{(\d+)")
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(placeholders.Max(), rule.RemedyArgument);
            Assert.EndsWith("{" + rule.RemedyArgument + "}", rule.Body);
        }

        var finding = Finding.Of(Rules.KvHeadsReplicated, FindingTarget.Pin(PinnedDegree.TensorParallel), "Chat", 16, 8, 256.0, 128.0, 2.0);
        Assert.Throws<InvalidOperationException>(() => finding.WithRemedy("; no", Array.Empty<Fix>()));
    }

    [Fact]
    public void Each_pinned_degree_names_a_deployment_property_and_reads_its_pin()
    {
        var unpinned = Llama70B(8);
        foreach (var degree in PinnedDegrees.All)
        {
            var property = typeof(DeploymentAttribute).GetProperty(degree.Property());
            Assert.NotNull(property);
            Assert.False(degree.IsPinnedOn(unpinned));
            var pinned = degree switch
            {
                PinnedDegree.TensorParallel => unpinned with { TensorParallel = 2 },
                PinnedDegree.PipelineParallel => unpinned with { PipelineParallel = 2 },
                _ => unpinned with { ExpertParallel = 2 },
            };
            Assert.Equal(new[] { degree }, PinnedDegrees.All.Where(d => d.IsPinnedOn(pinned)));
            Assert.Equal(FindingTarget.Pin(degree), CandidateRules.PinnedTarget(pinned));
        }
    }

    [Fact]
    public void A_cancelled_token_stops_every_planner_run()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DeploymentJudge.Explain(Llama70B(1), cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => FitAdvisor.Analyze(Llama70B(1), cancel.Token));
    }

    [Fact]
    public void Messages_read_the_same_in_every_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var finding = Assert.Single(DeploymentJudge.Explain(Llama70B(1)));
            Assert.Contains("141.1 GB (131.4 GiB) of BF16 weights", finding.Message);
            var arguments = finding.Rule.FormatArguments(finding.Arguments);
            Assert.Equal("141.1", arguments[3]);
            Assert.Equal(finding.Message, string.Format(CultureInfo.InvariantCulture, finding.Rule.PlainMessageFormat, arguments));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Every_rule_has_a_unique_id_and_a_format_that_uses_each_argument_it_declares()
    {
        var ids = Rules.All.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^DS[1-49][0-9]{3}$", id!));
        foreach (var rule in Rules.All)
        {
            // Formatting with as many arguments as the highest placeholder needs must not throw.
            int highest = System.Text.RegularExpressions.Regex.Matches(rule.MessageFormat, @"\{(\d+)")
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            var arguments = Enumerable.Repeat((object)1.5, highest + 1).ToArray();
            Assert.False(string.IsNullOrEmpty(rule.Render(arguments)));
        }
    }
}
