using System.Globalization;
using System.Reflection;
using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;
using Xunit;

namespace DeploySpec.Engine.Tests;

/// <summary>
/// The spec as generated code holds it: one line of text that decodes to an equal record. The codec's fields are the
/// vocabulary rows plus a few of its own (no reflection at run time), so these tests hold it to the records' own properties.
/// </summary>
public class SpecCodecTests
{
    [Fact]
    public void Every_settable_property_of_the_spec_records_is_a_field_of_the_codec()
    {
        foreach (var (type, fields) in SpecCodec.FieldNames)
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(properties, fields.OrderBy(n => n, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_spec_with_every_field_away_from_its_default_round_trips()
    {
        int seed = 0;
        var spec = (DeploymentSpec)Unusual(typeof(DeploymentSpec), ref seed);
        string text = SpecCodec.Encode(spec);
        Assert.Equal(spec, SpecCodec.Decode(text));
        foreach (var (_, fields) in SpecCodec.FieldNames)
        {
            Assert.All(fields, f => Assert.Contains(f + "=", text));
        }
    }

    public static TheoryData<string> CatalogModels => new() { "405B", "DeepSeek-V3", "Mixtral", "8B" };

    [Theory]
    [MemberData(nameof(CatalogModels))]
    public void Catalog_specs_round_trip_and_write_only_what_differs_from_a_fresh_record(string name)
    {
        var model = name switch
        {
            "405B" => ModelCatalog.Llama31_405B,
            "DeepSeek-V3" => ModelCatalog.DeepSeekV3,
            "Mixtral" => ModelCatalog.Mixtral8x7B,
            _ => ModelCatalog.Llama31_8B,
        };
        var spec = MemoryModelTests.On(model, Gpu.H200Sxm, 8) with { Name = "Chat" };
        string text = SpecCodec.Encode(spec);
        Assert.Equal(spec, SpecCodec.Decode(text));
        Assert.DoesNotContain("ExpertParallel=", text); // 0, as in a fresh record
        Assert.Equal("", SpecCodec.Encode(new DeploymentSpec()));
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-405B;{x=y}\\z")]
    [InlineData("")]
    [InlineData("  spaced  ")]
    [InlineData("quote \" and\nnewline \u2028 and é")]
    public void Names_with_the_format_s_own_characters_round_trip(string name)
    {
        var spec = new DeploymentSpec { Name = name, Model = new ModelArchitecture { Name = name, Checkpoint = name + "}", Layers = 2 } };
        Assert.Equal(spec, SpecCodec.Decode(SpecCodec.Encode(spec)));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1e-300)]
    [InlineData(double.MaxValue)]
    [InlineData(123456.789012345678)]
    public void Numbers_round_trip_exactly_in_any_culture(double value)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var spec = new DeploymentSpec { MaxTimeToFirstTokenMs = value, MemoryFraction = value / 3 };
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            string german = SpecCodec.Encode(spec);
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            Assert.Equal(german, SpecCodec.Encode(spec));
            Assert.Equal(spec, SpecCodec.Decode(german));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("Layers=3")] // not a field of the deployment
    [InlineData("InputTokens=many")]
    [InlineData("InputTokens")]
    [InlineData("Model={Layers=3")]
    [InlineData("Model={Layers=3}}")]
    [InlineData("Engine=NoSuchEngine")]
    [InlineData("Name=x\\")]
    [InlineData("Model={Experts=1.5}")]
    public void Malformed_text_is_a_format_error_that_quotes_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => SpecCodec.Decode(text));
        Assert.Contains(text, error.Message);
    }

    /// <summary>A record with every settable property set to a value unlike its default (nested records too).</summary>
    private static object Unusual(Type type, ref int seed)
    {
        object record = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            seed++;
            var t = property.PropertyType;
            object value =
                t == typeof(int) ? 1000 + seed :
                t == typeof(double) ? seed + 0.1 :
                t == typeof(bool) ? !(bool)property.GetValue(record)! :
                t == typeof(string) ? "name " + seed + ";{}=\\" :
                t.IsEnum ? Enum.GetValues(t).Cast<object>().Last(v => !v.Equals(property.GetValue(record))) :
                Unusual(t, ref seed);
            property.SetValue(record, value);
        }

        return record;
    }
}
