using System;
using System.Collections.Generic;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>A degree of parallelism that a deployment can pin (0 on the attribute = search it).</summary>
    public enum PinnedDegree
    {
        TensorParallel,
        PipelineParallel,
        ExpertParallel,
    }

    /// <summary>The one mapping from a pinnable degree to the attribute property that pins it and the spec's value.</summary>
    public static class PinnedDegrees
    {
        private static readonly (string Property, Func<DeploymentSpec, int> Pin)[] Table =
        {
            (nameof(DeploymentAttribute.TensorParallel), s => s.TensorParallel),
            (nameof(DeploymentAttribute.PipelineParallel), s => s.PipelineParallel),
            (nameof(DeploymentAttribute.ExpertParallel), s => s.ExpertParallel),
        };

        /// <summary>Every pinnable degree, TP first.</summary>
        public static IReadOnlyList<PinnedDegree> All { get; } = new[] { PinnedDegree.TensorParallel, PinnedDegree.PipelineParallel, PinnedDegree.ExpertParallel };

        /// <summary>The <c>[Deployment]</c> property that pins this degree.</summary>
        public static string Property(this PinnedDegree degree) => Table[(int)degree].Property;

        public static bool IsPinnedOn(this PinnedDegree degree, DeploymentSpec deployment) => Table[(int)degree].Pin(deployment) > 0;
    }
}
