namespace DeploySpec.Generators
{
    /// <summary>Names of the tracked pipeline steps (tests assert they stay cached on unrelated edits).</summary>
    public static class TrackingNames
    {
        public const string Models = nameof(Models);
        public const string Clusters = nameof(Clusters);
        public const string Deployments = nameof(Deployments);
        public const string Accelerators = nameof(Accelerators);
        public const string AcceleratorTable = nameof(AcceleratorTable);
        public const string ModelTable = nameof(ModelTable);
        public const string ClusterTable = nameof(ClusterTable);
        public const string Defaults = nameof(Defaults);
        public const string WantedConfigFiles = nameof(WantedConfigFiles);
        public const string ConfigFiles = nameof(ConfigFiles);
        public const string ResolvedModels = nameof(ResolvedModels);
        public const string WantedMeasurementFiles = nameof(WantedMeasurementFiles);
        public const string MeasurementFiles = nameof(MeasurementFiles);
        public const string MeasurementTable = nameof(MeasurementTable);
        public const string PlanContext = nameof(PlanContext);
        public const string PlanInputs = nameof(PlanInputs);
        public const string Plans = nameof(Plans);

        public static readonly string[] All = { Models, Clusters, Deployments, Accelerators, WantedConfigFiles, ConfigFiles, WantedMeasurementFiles, MeasurementFiles, MeasurementTable, ResolvedModels, ModelTable, ClusterTable, AcceleratorTable, Defaults, PlanContext, PlanInputs, Plans };
    }
}
