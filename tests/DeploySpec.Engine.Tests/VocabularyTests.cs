using System.Reflection;
using DeploySpec.Engine.Vocabulary;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// The vocabulary tables are how an attribute property reaches the engine: the parser looks each named argument up
/// there and silently skips one it does not find, and the spec codec writes only what the rows name. So every
/// attribute property needs its row.
/// </summary>
public class VocabularyTests
{
    /// <summary>Attribute properties that deliberately have no row, and why.</summary>
    private static readonly Dictionary<(Type Attribute, string Property), string> NotRows = new()
    {
        [(typeof(ModelAttribute), nameof(ModelAttribute.ConfigFile))] =
            "names the config.json that ModelResolver merges in; it is not a value of the model",
        [(typeof(ClusterAttribute), nameof(ClusterAttribute.Accelerator))] =
            "names the [Accelerator] class, found by its type like a deployment's model and cluster; the codec writes its values as a nested record",
        [(typeof(DeploymentAttribute), nameof(DeploymentAttribute.DraftModel))] =
            "names the draft [Model] class of speculative decoding, joined like the deployment's model; the codec writes it as the nested record Draft",
    };

    public static TheoryData<Type, string[]> Tables => new()
    {
        { typeof(ModelAttribute), ModelVocabulary.Terms.Select(t => t.Name).ToArray() },
        { typeof(ClusterAttribute), ClusterVocabulary.Terms.Select(t => t.Name).ToArray() },
        { typeof(DeploymentAttribute), DeploymentVocabulary.Terms.Select(t => t.Name).ToArray() },
        { typeof(AcceleratorAttribute), AcceleratorVocabulary.Terms.Select(t => t.Name).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_settable_attribute_property_has_a_vocabulary_row(Type attribute, string[] rows)
    {
        var settable = attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).ToList();
        Assert.NotEmpty(settable);
        var missing = settable.Where(p => !rows.Contains(p) && !NotRows.ContainsKey((attribute, p))).ToList();
        Assert.True(missing.Count == 0, attribute.Name + " properties without a vocabulary row (the parser would skip them): " + string.Join(", ", missing));

        // And the other way: a row names a settable property of its attribute, and an exception is not also a row.
        Assert.All(rows, r => Assert.Contains(r, settable));
        Assert.All(NotRows.Keys.Where(k => k.Attribute == attribute), k => Assert.DoesNotContain(k.Property, rows));
        Assert.Equal(rows.Length, rows.Distinct().Count());
    }

    [Fact]
    public void A_choice_row_knows_its_enum_and_no_other_row_has_one()
    {
        var rows = ModelVocabulary.Terms.Select(t => (t.Kind, t.EnumType))
            .Concat(ClusterVocabulary.Terms.Select(t => (t.Kind, t.EnumType)))
            .Concat(DeploymentVocabulary.Terms.Select(t => (t.Kind, t.EnumType)))
            .Concat(AcceleratorVocabulary.Terms.Select(t => (t.Kind, t.EnumType)));
        Assert.All(rows, r => Assert.Equal(r.Kind == ValueKind.Choice, r.EnumType is { IsEnum: true }));
        Assert.Equal(typeof(Precision), ModelVocabulary.Find(nameof(ModelAttribute.Weights))!.EnumType);
    }
}
