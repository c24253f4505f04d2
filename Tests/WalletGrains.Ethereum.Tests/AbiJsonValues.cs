using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Tests;

/// <summary>Converts between abi.json's value conventions and the codec's value model.</summary>
internal static class AbiJsonValues
{
    /// <summary>JSON (decimal strings, EIP-55 strings, hex, nested arrays) to codec values.</summary>
    public static object? FromJson(AbiType type, JsonNode? json) => type.Kind switch
    {
        AbiKind.UInt => UInt256.Parse((string)json!),
        AbiKind.Int => BigInteger.Parse((string)json!, CultureInfo.InvariantCulture),
        AbiKind.Address => Address.Parse((string)json!),
        AbiKind.Bool => (bool)json!,
        AbiKind.FixedBytes or AbiKind.Bytes => HexConvert.FromHex((string)json!),
        AbiKind.String => (string)json!,
        AbiKind.Array or AbiKind.FixedArray => json!.AsArray().Select(e => FromJson(type.Element!, e)).ToArray(),
        AbiKind.Tuple => json!.AsArray().Select((e, i) => FromJson(type.Components[i], e)).ToArray(),
        _ => throw new InvalidOperationException(type.ToString()),
    };

    /// <summary>Codec values back to abi.json's conventions.</summary>
    public static JsonNode? ToJson(AbiType type, object? value) => type.Kind switch
    {
        AbiKind.UInt => ((UInt256)value!).ToString(),
        AbiKind.Int => ((BigInteger)value!).ToString(CultureInfo.InvariantCulture),
        AbiKind.Address => ((Address)value!).ToChecksumString(),
        AbiKind.Bool => (bool)value!,
        AbiKind.FixedBytes or AbiKind.Bytes => HexConvert.ToHex((byte[])value!),
        AbiKind.String => (string)value!,
        AbiKind.Array or AbiKind.FixedArray => new JsonArray([.. ((object?[])value!).Select(v => ToJson(type.Element!, v))]),
        AbiKind.Tuple => new JsonArray([.. ((object?[])value!).Select((v, i) => ToJson(type.Components[i], v))]),
        _ => throw new InvalidOperationException(type.ToString()),
    };

    public static object?[] ListFromJson(IReadOnlyList<AbiType> types, JsonArray values) =>
        [.. values.Select((v, i) => FromJson(types[i], v))];

    public static string ListToJson(IReadOnlyList<AbiType> types, object?[] values) =>
        new JsonArray([.. values.Select((v, i) => ToJson(types[i], v))]).ToJsonString();

    public static AbiType[] Types(JsonNode array) => [.. array.AsArray().Select(t => AbiType.Parse((string)t!))];
}
