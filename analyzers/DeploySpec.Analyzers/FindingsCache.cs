using System;
using System.Collections.Generic;
using System.Threading;
using DeploySpec.Engine;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// The engine's findings per deployment spec, kept across analyzer passes: the specs are value-equatable records,
    /// so a keystroke that leaves a deployment's model, cluster and settings as they were costs a lookup, not a
    /// re-plan. Bounded (oldest entries leave first) and safe under concurrent analysis; a cancelled run is not kept.
    /// </summary>
    public static class FindingsCache
    {
        private static readonly BoundedCache<DeploymentSpec, IReadOnlyList<Finding>> Entries = new(512);

        public static IReadOnlyList<Finding> Explain(DeploymentSpec spec, CancellationToken cancellationToken) =>
            Entries.GetOrAdd(spec, s => DeploymentJudge.Explain(s, cancellationToken));
    }
}
