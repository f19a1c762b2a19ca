namespace DeploySpec.Parsing
{
    /// <summary>
    /// The names the generator adds to a [Deployment] class, in one place: the emitter writes these, and the parser
    /// reports a class that already has (or inherits, or is named like) one of them, because the generated code
    /// would not compile (CS0102, CS0542) or would hide a member (CS0108).
    /// </summary>
    public static class GeneratedMembers
    {
        public const string Plans = nameof(Plans);
        public const string MinLatency = nameof(MinLatency);
        public const string MaxThroughput = nameof(MaxThroughput);
        public const string Recommended = nameof(Recommended);
        public const string RecommendedMeetsTargets = nameof(RecommendedMeetsTargets);
        public const string Frontier = nameof(Frontier);
        public const string Facts = nameof(Facts);
        public const string RejectedPlans = nameof(RejectedPlans);
        public const string Report = nameof(Report);
        public const string ToMarkdown = nameof(ToMarkdown);
        public const string FrontierSvg = nameof(FrontierSvg);
        public const string Estimate = nameof(Estimate);
        public const string EstimateAtRate = nameof(EstimateAtRate);

        /// <summary>The nested type that holds the spec and the plan table (named so that no user member is likely to share it).</summary>
        public const string Data = "__DeploySpec";

        /// <summary>The generated base class that carries the members above (<c>GeneratedDeployment&lt;TData&gt;</c>), and its namespace.</summary>
        public const string BaseClassName = nameof(Engine.Planning.GeneratedDeployment<>);

        public static readonly string BaseClassNamespace = typeof(Engine.Planning.GeneratedDeployment<>).Namespace!;

        public static readonly string[] All =
        {
            Plans, MinLatency, MaxThroughput, Recommended, RecommendedMeetsTargets, Frontier, Facts, RejectedPlans, Report,
            ToMarkdown, FrontierSvg, Estimate, EstimateAtRate, Data,
        };

        /// <summary>The file-name ending of every generated file (members declared in these are the generator's own).</summary>
        public const string HintSuffix = ".DeploySpec.g.cs";
    }
}
