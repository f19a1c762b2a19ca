using System.Linq;
using DeploySpec.Parsing;

namespace DeploySpec.Generators
{
    /// <summary>What every deployment is planned against: the project's models and clusters and its defaults.</summary>
    public sealed record PlanContext(EquatableArray<ModelDeclaration> Models, EquatableArray<ClusterDeclaration> Clusters, PlanningDefaults Defaults);

    /// <summary>
    /// What planning one deployment depends on, and nothing more: its own declaration, its model, its cluster and
    /// the project defaults. Value-equatable, so a deployment is re-planned only when one of these changes.
    /// </summary>
    public sealed record PlanInput(DeploymentDeclaration Deployment, ModelDeclaration? Model, ClusterDeclaration? Cluster, PlanningDefaults Defaults)
    {
        public static PlanInput Select(DeploymentDeclaration deployment, PlanContext context) => new(
            deployment,
            context.Models.FirstOrDefault(m => m.Type.FullyQualifiedName == deployment.ModelType),
            context.Clusters.FirstOrDefault(c => c.Type.FullyQualifiedName == deployment.ClusterType),
            context.Defaults);
    }
}
