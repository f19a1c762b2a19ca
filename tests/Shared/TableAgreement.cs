using System.Collections.Generic;
using System.Linq;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Tests.Shared;

/// <summary>
/// Compile time against run time: what the planner decides for a spec, and what generated code restores at run time
/// from the two strings the generator wrote (<see cref="SpecCodec"/> and <see cref="CompiledDeployment.Encode"/>).
/// </summary>
public static class TableAgreement
{
    /// <summary>
    /// Null when the restored table is exactly what the planner decided for the spec: the same table text, the same
    /// plans in the same order (records and cost coefficients), the same winners, frontier, rejections with their
    /// reasons, and facts; otherwise the first difference.
    /// </summary>
    public static string? Disagreement(string specText, string table)
    {
        var spec = SpecCodec.Decode(specText);
        var planned = Planner.Plan(spec);
        string encoded = CompiledDeployment.Encode(planned);
        if (encoded != table)
        {
            return "the planner encodes '" + encoded + "', the generated code holds '" + table + "'";
        }

        var restored = CompiledDeployment.Restore(spec, table);
        return Differ("plans", planned.Plans.Select(p => p.Plan), restored.Plans)
            ?? Differ("cost coefficients", planned.Plans.Select(p => p.Costs), restored.Plans.Select(p => restored.Costs(p.Index)))
            ?? Differ("winners", new object[] { planned.MinLatency!.Plan, planned.MaxThroughput!.Plan, planned.Recommended!.Plan, planned.RecommendedMeetsTargets },
                new object[] { restored.MinLatency, restored.MaxThroughput, restored.Recommended, restored.RecommendedMeetsTargets })
            ?? Differ("frontier", planned.Frontier, restored.Frontier)
            ?? Differ("rejections", planned.Rejected.Select(r => new PlanRejection(r.Degrees.ToString(), r.Reason)), restored.RejectedPlans)
            ?? Differ("facts", new[] { Facts.Of(spec) }, new[] { restored.Facts });
    }

    private static string? Differ<T>(string what, IEnumerable<T> compileTime, IEnumerable<T> runTime)
    {
        var a = compileTime.ToList();
        var b = runTime.ToList();
        if (a.Count != b.Count)
        {
            return what + ": " + a.Count + " at compile time, " + b.Count + " at run time";
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i]))
            {
                return what + "[" + i + "]: compile time " + a[i] + ", run time " + b[i];
            }
        }

        return null;
    }
}
