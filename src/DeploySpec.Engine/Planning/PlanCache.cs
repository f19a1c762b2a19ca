using System.Threading;

namespace DeploySpec.Engine.Planning
{
    /// <summary>
    /// Planning results by spec, shared by everything that plans in one process: in a compiler process the
    /// generator, the analyzer and the code fixes load this one engine, so a deployment planned for its generated
    /// code is not planned again for its diagnostics, nor on a later pass whose specs did not change. Specs are
    /// value-equatable records; bounded (oldest entries leave first) and safe under concurrent use; a cancelled
    /// run is not kept.
    /// </summary>
    internal static class PlanCache
    {
        private static readonly BoundedCache<DeploymentSpec, PlanningResult> Entries = new(1024);

        /// <summary>The planner's result for <paramref name="spec"/> with the default calibration.</summary>
        public static PlanningResult Plan(DeploymentSpec spec, CancellationToken cancellationToken = default) =>
            Entries.GetOrAdd(spec, s => Planner.Plan(s, cancellationToken: cancellationToken));
    }
}
