using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Globalization;
using System.Text.RegularExpressions;
using DeploySpec.Generators.Tests.Infrastructure;
using DeploySpec.Tests.Shared;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace DeploySpec.Generators.Tests.Fuzz;

/// <summary>
/// Runs the generator, the compiler and the analyzers on seeded random and mutated specs, and checks for every case:
/// no crash (CS8784/CS8785/AD0001); generated code compiles with no error or warning; a deployment without generated
/// members has an error (a DS one, or the compiler's own for user code that does not compile) and one with members
/// has no DS error; no NaN, infinity or negative number in what is emitted; no DS9001 engine failure; the table
/// generated code restores at run time is exactly what the planner decided (<see cref="TableAgreement"/>).
/// CI runs 2,000 cases with a fixed seed; DEPLOYSPEC_FUZZ_CASES=100000 (and DEPLOYSPEC_FUZZ_SEED) run a long campaign,
/// printing its counts (docs/reliability.md).
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Batch = 25;

    [Fact]
    public void Random_and_hostile_specs_never_break_a_build()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("DEPLOYSPEC_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 2000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DEPLOYSPEC_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : 20261202;
        string models = Path.Combine(Snapshot.ProjectDirectory(), "..", "..", "samples", "models");
        var configs = Directory.GetFiles(models, "config.json", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        var fuzzer = new SpecFuzzer(seed, configs);
        var all = Enumerable.Range(0, cases).Select(fuzzer.Next).ToList();
        if (int.TryParse(Environment.GetEnvironmentVariable("DEPLOYSPEC_FUZZ_PROFILE_FROM"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int from))
        {
            foreach (var c in all.Skip(from).Take(Batch))
            {
                var one = Stopwatch.StartNew();
                Check(new[] { c }, new FuzzCounts(), new System.Collections.Concurrent.ConcurrentBag<string>());
                output.WriteLine(string.Format(CultureInfo.InvariantCulture, "case {0}: {1:0.00} s\n{2}", c.Index, one.Elapsed.TotalSeconds, c.Source));
            }

            return;
        }

        var counts = new FuzzCounts();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(all.Chunk(Batch), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, batch => Check(batch, counts, failures));
        clock.Stop();
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "seed {0}: {1} cases in {2:0.0} s: {3} planned, {4} with members marked not planned under an error, {5} declined with a DS error, " +
            "{6} declined on a compiler error in user code; {7} crashes, {8} non-compiling outputs, {9} disagreements, {10} bad numbers, {11} engine failures, " +
            "{12} compile-time/run-time table disagreements",
            seed, cases, clock.Elapsed.TotalSeconds, counts.Generated, counts.Unplanned, counts.DeclinedWithDs, counts.DeclinedWithCompilerError,
            counts.Crashes, counts.NonCompiling, counts.Disagreements, counts.BadNumbers, counts.EngineFailures, counts.TableDisagreements));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "generator {0:0.0} s, compiler and analyzers {1:0.0} s (CPU, summed over batches)",
            FullBuild.GeneratorTicks / (double)Stopwatch.Frequency, FullBuild.AnalyzerTicks / (double)Stopwatch.Frequency));
        foreach (var slow in Slowest.OrderByDescending(p => p.Seconds).Take(3))
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "slowest batch: {0:0.0} s from case {1}", slow.Seconds, slow.First));
        }

        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(10)));
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<(double Seconds, int First)> Slowest = new();

    /// <summary>The first plan whose coefficients or estimates (one request, capacity) are not finite and non-negative, or null.</summary>
    private static string? BadNumbers(DeploySpec.Engine.Planning.CompiledDeployment table)
    {
        foreach (var plan in table.Plans)
        {
            var costs = table.Costs(plan.Index);
            var one = table.Estimate(plan, 1);
            var full = table.Estimate(plan, plan.MaxConcurrency);
            double[] numbers = { one.TimeToFirstTokenMs, one.TimePerOutputTokenMs, one.OutputTokensPerSecond, full.TimeToFirstTokenMs, full.TimePerOutputTokenMs, full.OutputTokensPerSecond };
            if (!costs.IsFinite || numbers.Any(x => double.IsNaN(x) || double.IsInfinity(x) || x < 0) || plan.Pool.MemoryPerGpu.KvCacheBytes < 0 || plan.MaxConcurrency < 1)
            {
                return plan + ": " + costs + "; one request " + one + "; at capacity " + full;
            }
        }

        return null;
    }

    private static void Check(FuzzCase[] batch, FuzzCounts counts, System.Collections.Concurrent.ConcurrentBag<string> failures)
    {
        var batchClock = Stopwatch.StartNew();
        var build = FullBuild.Run(batch.Select(c => (c.Path, c.Source)).ToList(),
            batch.Where(c => c.ConfigFile is not null).Select(c => c.ConfigFile!.Value).ToList());
        Slowest.Add((batchClock.Elapsed.TotalSeconds, batch[0].Index));
        if (build.Crashes.Count > 0)
        {
            counts.Add(ref counts.Crashes, build.Crashes.Count);
            failures.Add("crash in cases " + batch[0].Index + "-" + batch[^1].Index + ":\n" + string.Join("\n", build.Crashes) + "\n" + batch[0].Source);
        }

        foreach (var c in batch)
        {
            string prefix = c.Namespace + ".";
            var generated = build.Generated.Where(g => g.HintName.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            var mine = build.Diagnostics.Where(d => d.Location.SourceTree?.FilePath == c.Path).ToList();
            var inGenerated = build.InGeneratedCode.Where(d => d.Location.SourceTree!.FilePath.Contains("/" + prefix, StringComparison.Ordinal) ||
                Path.GetFileName(d.Location.SourceTree!.FilePath).StartsWith(prefix, StringComparison.Ordinal)).ToList();
            bool dsError = mine.Any(d => d.Id.StartsWith("DS", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
            bool compilerError = mine.Any(d => d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
            string Describe() => $"case {c.Index} ({c.Shape}):\n{c.Source}\n{(c.ConfigFile is { } f ? f.Path + ": " + f.Text.Substring(0, Math.Min(200, f.Text.Length)) + "\n" : "")}" +
                string.Join("\n", mine.Select(d => d.ToString()));

            if (mine.Any(d => d.Id == "DS9001"))
            {
                counts.Add(ref counts.EngineFailures, 1);
                failures.Add("engine failure in " + Describe());
            }

            if (inGenerated.Count > 0)
            {
                counts.Add(ref counts.NonCompiling, 1);
                failures.Add("generated code does not compile cleanly in " + Describe() + "\n" + string.Join("\n", inGenerated));
            }

            var emit = build.Emits.FirstOrDefault(e => e.Type.Namespace == c.Namespace);
            if (generated.Count > 0 && emit?.Unplanned is not null)
            {
                // Members marked not planned (they throw): only where an error stops the build from ever running them.
                counts.Add(ref counts.Unplanned, 1);
                if (!dsError && !compilerError)
                {
                    counts.Add(ref counts.Disagreements, 1);
                    failures.Add("members marked not planned (" + emit.Unplanned + ") and no error: " + Describe());
                }
            }
            else if (generated.Count > 0)
            {
                counts.Add(ref counts.Generated, 1);
                if (dsError)
                {
                    counts.Add(ref counts.Disagreements, 1);
                    failures.Add("planned although a DS error stands: " + Describe());
                }

                // What the generated members return at run time: the table restored by the engine, every number sound.
                string? bad;
                try
                {
                    bad = emit is null ? "no plan table was emitted" : BadNumbers(DeploySpec.Engine.Planning.CompiledDeployment.Restore(emit.Spec, emit.Table));
                    if (bad is null && emit is not null && TableAgreement.Disagreement(emit.Spec, emit.Table) is { } disagreement)
                    {
                        counts.Add(ref counts.TableDisagreements, 1);
                        failures.Add("run time restores another table than compile time planned in " + Describe() + "\n" + disagreement);
                    }
                }
                catch (Exception e)
                {
                    bad = "restoring the plan table throws " + e;
                }

                if (bad is not null)
                {
                    counts.Add(ref counts.BadNumbers, 1);
                    failures.Add("NaN, infinity or a negative number at run time in " + Describe() + "\n" + bad);
                }
            }
            else if (dsError)
            {
                counts.Add(ref counts.DeclinedWithDs, 1);
            }
            else if (compilerError)
            {
                counts.Add(ref counts.DeclinedWithCompilerError, 1);
            }
            else
            {
                counts.Add(ref counts.Disagreements, 1);
                failures.Add("no generated members and no error: " + Describe());
            }
        }
    }

    private sealed class FuzzCounts
    {
        public int Generated, Unplanned, DeclinedWithDs, DeclinedWithCompilerError, Crashes, NonCompiling, Disagreements, BadNumbers, EngineFailures, TableDisagreements;

        public void Add(ref int field, int n) => Interlocked.Add(ref field, n);
    }
}
