using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace DeploySpec.Generators.Tests.Infrastructure;

/// <summary>
/// Verify-style snapshots without Verify (not on this package source): Snapshots/{Class}.{Method}#{HintName}.verified.cs.
/// A mismatch writes .received.cs beside it and fails; set DEPLOYSPEC_ACCEPT_SNAPSHOTS=1 to accept new output.
/// The generator version in [GeneratedCode] is scrubbed so a version bump does not churn snapshots.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "DEPLOYSPEC_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string hintName, string className, [CallerMemberName] string method = "")
    {
        string scrubbed = Scrub(actual);
        string directory = Path.Combine(ProjectDirectory(), "Snapshots");
        string stem = Path.Combine(directory, $"{className}.{method}#{Path.GetFileNameWithoutExtension(hintName)}");
        string verified = stem + ".verified.cs", received = stem + ".received.cs";
        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == scrubbed)
        {
            File.Delete(received);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, scrubbed);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, scrubbed);
        Assert.Fail(expected is null
            ? $"No snapshot yet: review {received}, then rerun with {AcceptVariable}=1 to accept it."
            : $"Generated code differs from {verified}; see {received} (rerun with {AcceptVariable}=1 to accept).");
    }

    public static string Scrub(string source) =>
        Regex.Replace(source.Replace("\r\n", "\n"), "GeneratedCode\\(\"DeploySpec.Generators\", \"[^\"]*\"\\)", "GeneratedCode(\"DeploySpec.Generators\", \"{version}\")");

    public static string ProjectDirectory() =>
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;
}
