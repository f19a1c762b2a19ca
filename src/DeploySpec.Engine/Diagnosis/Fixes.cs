using DeploySpec.Engine.Planning;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>A change to the declarations that would repair a finding (code fixes apply these).</summary>
    public abstract record Fix;

    /// <summary>Pin these degrees on the deployment (the best plan that fits).</summary>
    public sealed record PinPlan(Degrees Degrees) : Fix;

    /// <summary>FP8 weights on the model, and an FP8 KV cache too when <paramref name="KvCacheToo"/>.</summary>
    public sealed record UseFp8(bool KvCacheToo) : Fix;

    /// <summary>An FP8 KV cache on the model.</summary>
    public sealed record UseFp8KvCache : Fix;

    /// <summary>Scale the cluster to this size (the smallest of its GPU that fits).</summary>
    public sealed record ScaleCluster(int GpusPerNode, int Nodes) : Fix;

    /// <summary>Set the deployment's serving Mode (DS2007: serve aggregated when no disaggregated plan fits).</summary>
    public sealed record SetServingMode(ServingMode Mode) : Fix;

    /// <summary>Set the deployment's Speculation to this method (DS1016: a DraftModel named with another method).</summary>
    public sealed record SetSpeculation(Speculation Method) : Fix;
}
