using DeploySpec.Engine.Hardware;
using Xunit;

namespace DeploySpec.Engine.Tests;

public class GpuCatalogTests
{
    /// <summary>A GPU is one enum value and one catalog row: the row must exist, in enum order, and describe that GPU.</summary>
    [Fact]
    public void Every_gpu_has_its_catalog_row()
    {
        foreach (Gpu gpu in Enum.GetValues(typeof(Gpu)))
        {
            Assert.True(GpuCatalog.Contains(gpu), gpu + " has no catalog row");
            var spec = GpuCatalog.Get(gpu);
            Assert.Equal(gpu, spec.Kind);
            Assert.False(string.IsNullOrWhiteSpace(spec.Name));
            Assert.False(string.IsNullOrWhiteSpace(spec.Provenance));
            Assert.True(spec.MemoryBytes > 0 && spec.MemoryBandwidthBytesPerSecond > 0 && spec.Bf16FlopsPerSecond > 0, gpu + " lacks a datasheet figure");
        }

        Assert.Equal(Enum.GetValues(typeof(Gpu)).Length, GpuCatalog.All.Count);
    }

    /// <summary>What the calibration data measured is a catalog fact: a GPU it never saw is extrapolated, whatever its generation.</summary>
    [Fact]
    public void Only_the_measured_gpus_say_so()
    {
        var measured = GpuCatalog.All.Where(g => g.IsMeasured).Select(g => g.Kind!.Value).ToList();
        Assert.Equal(new[] { Gpu.H100Sxm, Gpu.H200Sxm, Gpu.B200, Gpu.GB200, Gpu.RtxPro6000 }, measured);
        Assert.True(GpuCatalog.Get(Gpu.B200).Measured(Precision.Fp4));
        Assert.False(GpuCatalog.Get(Gpu.H100Sxm).Measured(Precision.Fp4));
        Assert.True(GpuCatalog.Get(Gpu.H100Sxm).Measured(Precision.Bf16)); // the vLLM CI rows
        Assert.False(GpuCatalog.Get(Gpu.B300).IsMeasured); // the pages mark B300 beta: left out of the fit
    }
}
