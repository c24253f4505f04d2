using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WalletGrains.Grains.Resources;

/// <summary>
/// The JSON conventions of the REST resources (DESIGN.md §6), in one place: the Api applies them to its serializer
/// and the grains use <see cref="Options"/> to snapshot resources into events, so an event's data is written exactly
/// like the response body. Wei amounts, bytes, hashes and addresses are already strings in the resource records
/// (decimal, 0x-hex, EIP-55), so no converters are needed.
/// </summary>
public static class ResourceJson
{
    /// <summary>The web defaults with <see cref="Configure"/> applied; read-only.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Applies the conventions to an options object (the Api's HTTP JSON options start from the web defaults too).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;

        // Absent values are written as null: clients see every field of a resource, always.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

        // Bodies are parsed by hand (strictly); the serializer only writes, so numbers are plain JSON numbers and
        // the OpenAPI schemas say integer, not integer-or-string.
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        Configure(options);
        options.MakeReadOnly();
        return options;
    }
}
