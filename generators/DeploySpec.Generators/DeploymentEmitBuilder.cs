using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using DeploySpec.Engine.Diagnosis;
using DeploySpec.Engine.Hardware;
using DeploySpec.Engine.Measurements;
using DeploySpec.Engine.Planning;
using DeploySpec.Parsing;

namespace DeploySpec.Generators
{
    /// <summary>
    /// Builds what the emitter writes for one deployment (<see cref="DeploymentEmit"/>): the engine plans it (through
    /// its shared <see cref="PlanCache"/>), this decides whether it is planned, not planned or left alone, and encodes the result.
    /// </summary>
    public static class DeploymentEmitBuilder
    {
        /// <summary>
        /// The emit model. A deployment with errors, or on which nothing fits, still gets its members, marked not
        /// planned (<see cref="DeploymentEmit.Unplanned"/>): code that uses them then binds, and the build shows the
        /// DeploySpec error that says why instead of burying it under the compiler's "no member named Plans"
        /// errors. That is only done where an error is certain to stand (a DeploySpec error from the analyzer, or the
        /// compiler's own for an unresolved type), so such a build never runs its throwing members. Null where no
        /// members can join the class (not partial, generic, file-local, a name that collides with a member), where
        /// the model, cluster or accelerator is not declared in this compilation, and where the engine fails (DS9001 is a warning).
        /// </summary>
        public static DeploymentEmit? Build(PlanInput input, CancellationToken cancellationToken)
        {
            var (deployment, model, cluster, accelerator, defaults) = (input.Deployment, input.Model, input.Cluster, input.Accelerator, input.Defaults);
            if (!deployment.CanTakeMembers)
            {
                return null;
            }

            string? problem = !deployment.IsValid ? "its [Deployment] attribute has errors"
                : defaults.Problems.Count > 0 ? "a DeploySpec MSBuild property is invalid"
                : model is { IsValid: false } ? "its model " + model.Type.DisplayName + " has errors"
                : cluster is { IsValid: false } ? "its cluster " + cluster.Type.DisplayName + " has errors"
                : accelerator is { IsValid: false } ? "its accelerator " + accelerator.Type.DisplayName + " has errors"
                : input.Draft is { IsValid: false } draftModel ? "its draft model " + draftModel.Type.DisplayName + " has errors"
                : null;
            if (problem is not null)
            {
                return Unplanned(deployment, problem);
            }

            if (model is null || cluster is null || (cluster.AcceleratorType is not null && accelerator is null) ||
                (deployment.DraftModelType is not null && input.Draft is null))
            {
                return null; // declared outside this compilation: nothing here reports an error, so no throwing members either
            }

            var clusterSpec = accelerator is null ? cluster.Cluster : cluster.Cluster with { Accelerator = accelerator.Accelerator };
            var spec = defaults.Apply(deployment.Settings with { Model = model.Model, Cluster = clusterSpec, Draft = input.Draft?.Model });
            if (SettingsChecks.Errors(spec).FirstOrDefault() is { } settingsError)
            {
                return Unplanned(deployment, settingsError.Message); // DS1003/DS1015/DS1016, reported by the analyzer from the same check
            }
            PlanningResult result;
            try
            {
                if (input.Runs.Count > 0)
                {
                    // The project's own measurements correct the one cost model; the correction travels in the spec.
                    spec = spec with { Correction = MeasurementFit.Fit(spec, input.Runs, cancellationToken).Correction };
                }

                // The shared cache: the analyzer asks for the same spec in the same compiler process.
                result = PlanCache.Plan(spec, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The engine must never take the build down; the analyzer runs the same engine and reports the failure.
                return null;
            }

            if (result.Plans.Any(p => !p.Costs.IsFinite))
            {
                return null; // reported as DS9001, a warning: no throwing members
            }

            if (!result.HasPlans)
            {
                return Unplanned(deployment, "no plan of " + model.Type.DisplayName + " fits " + cluster.Type.DisplayName);
            }

            var gpu = GpuCatalog.Of(spec.Cluster);
            string modelName = spec.Model.Name == model.Type.Name ? model.Type.DisplayName : model.Type.DisplayName + " (" + spec.Model.Name + ")";
            string description = string.Format(CultureInfo.InvariantCulture,
                "{0} on {1} ({2} x {3}: {4} node{5} of {6}), {7} input / {8} output tokens per request, memory sized as {9} does",
                modelName, cluster.Type.DisplayName, spec.Cluster.TotalGpus, gpu.Label, spec.Cluster.Nodes,
                spec.Cluster.Nodes == 1 ? "" : "s", spec.Cluster.GpusPerNode, spec.InputTokens, spec.OutputTokens, DeploySpec.Serving.ServingEngineProfile.For(spec.Engine).DisplayName);

            return new DeploymentEmit(
                deployment.Type,
                description,
                spec.Objective.ToString(),
                SpecCodec.Encode(spec),
                CompiledDeployment.Encode(result),
                result.Plans.Count,
                result.Rejected.Count,
                result.MinLatency!.Plan.ToString(),
                result.MaxThroughput!.Plan.ToString(),
                result.Recommended!.Plan.ToString(),
                Summarize(result.Recommended),
                result.RecommendedMeetsTargets);
        }

        /// <summary>
        /// The members of a deployment that was not planned: a spec that only names it (restoring the table then
        /// throws with that name, <see cref="CompiledDeployment.Restore(DeploymentSpec, string)"/>) and a table that says why.
        /// </summary>
        private static DeploymentEmit Unplanned(DeploymentDeclaration deployment, string reason)
        {
            const string None = "none (not planned)";
            return new DeploymentEmit(deployment.Type, "Not planned: " + reason, deployment.Settings.Objective.ToString(),
                SpecCodec.Encode(new DeploymentSpec { Name = deployment.Settings.Name }), CompiledDeployment.EncodeUnplanned(reason),
                0, 0, None, None, None, None, false, reason);
        }

        private static string Summarize(EvaluatedPlan p) => string.Format(CultureInfo.InvariantCulture,
            "{0:0.0} tok/s per user at one request, {1:0} tok/s at capacity ({2} in flight)",
            p.SingleRequest.OutputTokensPerSecondPerUser, p.Peak.OutputTokensPerSecond, p.Peak.Concurrency);
    }
}
