using System.IO;
using System.Reflection;
using DeploySpec.Engine.Planning;
using PublicApiGenerator;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// The public surface of the two assemblies apps load, pinned: DeploySpec (the DSL, the records apps get, reports,
/// launch commands, each serving engine's facts) and DeploySpec.Engine (what an app plans with at run time, and the
/// base class of generated code). A change shows up as a diff to review; accept it with DEPLOYSPEC_ACCEPT_SNAPSHOTS=1.
/// </summary>
public class PublicApiTests
{
    [Theory]
    [InlineData("DeploySpec")]
    [InlineData("DeploySpec.Engine")]
    public void The_public_api_is_what_was_approved(string assemblyName)
    {
        var assembly = assemblyName == "DeploySpec" ? typeof(ModelAttribute).Assembly : typeof(Planner).Assembly;
        Assert.Equal(assemblyName, assembly.GetName().Name);
        string api = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).Replace("\r\n", "\n");

        string folder = Path.Combine(CalibrationTests.RepositoryRoot(), "tests", "DeploySpec.Engine.Tests", "PublicApi");
        string approved = Path.Combine(folder, assemblyName + ".approved.txt");
        string received = Path.Combine(folder, assemblyName + ".received.txt");
        if (Environment.GetEnvironmentVariable("DEPLOYSPEC_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(approved, api);
        }

        string expected = File.Exists(approved) ? File.ReadAllText(approved).Replace("\r\n", "\n") : "";
        if (expected != api)
        {
            File.WriteAllText(received, api);
            Assert.Fail("The public API of " + assemblyName + " changed: review " + received + " against " + approved +
                        " and accept it with DEPLOYSPEC_ACCEPT_SNAPSHOTS=1 if intended.");
        }

        File.Delete(received);
    }
}
