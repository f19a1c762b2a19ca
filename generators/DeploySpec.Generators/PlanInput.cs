using System.Linq;
using DeploySpec.Engine.Measurements;
using DeploySpec.Parsing;
using DeploySpec.Parsing.Measurements;

namespace DeploySpec.Generators
{
    /// <summary>What every deployment is planned against: the project's models, clusters and declared accelerators, and its defaults.</summary>
    public sealed record PlanContext(EquatableArray<ModelDeclaration> Models, EquatableArray<ClusterDeclaration> Clusters,
        EquatableArray<AcceleratorDeclaration> Accelerators, PlanningDefaults Defaults)
    {
        /// <summary>The benchmark result files some deployment names, read (docs/measurements.md).</summary>
        internal EquatableArray<MeasurementFile> Measurements { get; init; } = EquatableArray<MeasurementFile>.Empty;
    }

    /// <summary>
    /// What planning one deployment depends on, and nothing more: its own declaration, its model, its cluster, the
    /// accelerator that cluster declares (null for a catalog GPU) and the project defaults. Value-equatable, so a
    /// deployment is re-planned only when one of these changes.
    /// </summary>
    public sealed record PlanInput(DeploymentDeclaration Deployment, ModelDeclaration? Model, ClusterDeclaration? Cluster,
        AcceleratorDeclaration? Accelerator, PlanningDefaults Defaults)
    {
        /// <summary>The runs of the files the deployment's Measurements names, each under the name it matched (empty: none).</summary>
        internal EquatableArray<MeasuredRun> Runs { get; init; } = EquatableArray<MeasuredRun>.Empty;

        /// <summary>The [Model] the deployment's DraftModel names (speculative decoding); null when it names none or one outside this compilation.</summary>
        public ModelDeclaration? Draft { get; init; }

        public static PlanInput Select(DeploymentDeclaration deployment, PlanContext context)
        {
            var cluster = context.Clusters.FirstOrDefault(c => c.Type.FullyQualifiedName == deployment.ClusterType);
            string? acceleratorType = cluster?.AcceleratorType;
            return new PlanInput(
                deployment,
                context.Models.FirstOrDefault(m => m.Type.FullyQualifiedName == deployment.ModelType),
                cluster,
                acceleratorType is null ? null : context.Accelerators.FirstOrDefault(a => a.Type.FullyQualifiedName == acceleratorType),
                context.Defaults)
            {
                Draft = deployment.DraftModelType is { } draftType ? context.Models.FirstOrDefault(m => m.Type.FullyQualifiedName == draftType) : null,
                Runs = deployment.Settings.Measurements.Length == 0
                    ? EquatableArray<MeasuredRun>.Empty
                    : MeasurementFiles.For(deployment.Settings.Measurements, context.Measurements).Runs,
            };
        }
    }
}
