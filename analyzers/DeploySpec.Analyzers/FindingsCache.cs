using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
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
        private const int Capacity = 512;
        private static readonly ConcurrentDictionary<DeploymentSpec, IReadOnlyList<Finding>> Entries = new();
        private static readonly ConcurrentQueue<DeploymentSpec> Order = new();

        public static IReadOnlyList<Finding> Explain(DeploymentSpec spec, CancellationToken cancellationToken)
        {
            if (Entries.TryGetValue(spec, out var cached))
            {
                return cached;
            }

            var findings = Diagnosis.Explain(spec, cancellationToken);
            if (Entries.TryAdd(spec, findings))
            {
                Order.Enqueue(spec);
                while (Order.Count > Capacity && Order.TryDequeue(out var oldest))
                {
                    Entries.TryRemove(oldest, out _);
                }
            }

            return findings;
        }
    }
}
