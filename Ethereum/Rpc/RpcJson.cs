using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// Strict readers for JSON-RPC values (quantities, data, addresses, hashes) and the conversion of
/// .NET values to JSON-RPC parameters. Everything is hand-written, no reflection, so the library
/// stays trimming- and AOT-safe.
/// </summary>
public static class RpcJson
{
    /// <summary>
    /// Parses a quantity: <c>0x</c> then 1 to 64 hex digits. Leading zeros are tolerated (the spec
    /// forbids them, some providers emit them, they are unambiguous); a missing prefix, an empty
    /// digit string, a non-hex digit or a value above 2^256-1 is rejected.
    /// </summary>
    public static bool TryParseQuantity(string? text, out UInt256 value)
    {
        value = default;
        if (text is null || text.Length < 3 || text[0] != '0' || text[1] != 'x')
        {
            return false;
        }

        var all = text.AsSpan(2);
        foreach (var c in all)
        {
            if (HexConvert.Nibble(c) < 0)
            {
                return false;
            }
        }

        var digits = all.TrimStart('0');
        if (digits.Length > 64)
        {
            return false;
        }

        Span<byte> word = stackalloc byte[32];
        for (var i = 0; i < digits.Length; i++)
        {
            var nibble = HexConvert.Nibble(digits[digits.Length - 1 - i]);
            word[31 - i / 2] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
        }

        value = UInt256.FromBigEndian(word);
        return true;
    }

    /// <summary>Reads a quantity as <see cref="UInt256"/>.</summary>
    public static UInt256 ParseQuantity(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && TryParseQuantity(element.GetString(), out var value)
            ? value
            : throw new FormatException($"Expected a hex quantity, got {Show(element)}.");

    /// <summary>Reads a quantity that must fit in 64 bits (block numbers, nonces, gas).</summary>
    public static ulong ParseUInt64(JsonElement element)
    {
        var value = ParseQuantity(element);
        return value.FitsInUInt64 ? value.ToUInt64() : throw new FormatException($"Quantity {Show(element)} does not fit in 64 bits.");
    }

    /// <summary>Reads unformatted data: <c>0x</c> then an even number of hex digits.</summary>
    public static byte[] ParseData(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { } s && s.StartsWith("0x", StringComparison.Ordinal) && HexConvert.TryFromHex(s, out var bytes)
            ? bytes
            : throw new FormatException($"Expected 0x-prefixed hex data, got {Show(element)}.");

    /// <summary>Reads a 20-byte address (any case; a mixed-case one must carry a valid EIP-55 checksum).</summary>
    public static Address ParseAddress(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && Address.TryParse(element.GetString(), out var address)
            ? address
            : throw new FormatException($"Expected an address, got {Show(element)}.");

    /// <summary>Reads a 32-byte hash or topic.</summary>
    public static Bytes32 ParseBytes32(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && Bytes32.TryParse(element.GetString(), out var hash)
            ? hash
            : throw new FormatException($"Expected a 32-byte hex value, got {Show(element)}.");

    /// <summary>Reads a JSON boolean.</summary>
    public static bool ParseBool(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"Expected true or false, got {Show(element)}."),
    };

    /// <summary>Reads an array with an element reader.</summary>
    public static IReadOnlyList<T> ParseArray<T>(JsonElement element, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Expected an array, got {Show(element)}.");
        }

        var items = new T[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            items[i++] = read(item);
        }

        return items;
    }

    /// <summary>A required member of an object.</summary>
    public static JsonElement Required(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Expected an object with '{name}', got {Show(obj)}.");
        }

        return obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new FormatException($"Missing field '{name}'.");
    }

    /// <summary>An optional member: false when absent or null.</summary>
    public static bool TryGetOptional(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>
    /// Converts a result to <typeparamref name="T"/>: JsonElement, string, bool, <see cref="UInt256"/>,
    /// ulong, long, <see cref="Address"/>, <see cref="Bytes32"/>, byte[] (hex data) and their nullable forms (null result → null).
    /// </summary>
    public static T ConvertResult<T>(JsonElement element)
    {
        if (typeof(T) == typeof(JsonElement))
        {
            return (T)(object)element.Clone();
        }

        if (element.ValueKind == JsonValueKind.Null && default(T) is null)
        {
            return default!;
        }

        object value = typeof(T) switch
        {
            var t when t == typeof(string) => element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new FormatException($"Expected a string, got {Show(element)}."),
            var t when t == typeof(bool) || t == typeof(bool?) => ParseBool(element),
            var t when t == typeof(UInt256) || t == typeof(UInt256?) => ParseQuantity(element),
            var t when t == typeof(ulong) || t == typeof(ulong?) => ParseUInt64(element),
            var t when t == typeof(long) || t == typeof(long?) => checked((long)ParseUInt64(element)),
            var t when t == typeof(Address) || t == typeof(Address?) => ParseAddress(element),
            var t when t == typeof(Bytes32) || t == typeof(Bytes32?) => ParseBytes32(element),
            var t when t == typeof(byte[]) => ParseData(element),
            var t when t == typeof(JsonNode) => JsonNode.Parse(element.GetRawText())!,
            _ => throw new NotSupportedException($"CallAsync<{typeof(T).Name}> is not supported; use CallAsync<JsonElement> or an RpcRequest with a parser."),
        };
        return (T)value;
    }

    /// <summary>
    /// Converts a parameter to JSON: strings and bools as they are; integers, <see cref="UInt256"/>
    /// and <see cref="Wei"/> as hex quantities; addresses, hashes and byte arrays as hex;
    /// <see cref="BlockParameter"/>, <see cref="RpcCallRequest"/> and <see cref="RpcLogFilter"/> in
    /// their JSON-RPC forms; dictionaries as objects and other sequences as arrays; JsonNode copied.
    /// Pass a JsonNode for a raw JSON number.
    /// </summary>
    public static JsonNode? ToParam(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => i >= 0 ? Quantity((ulong)i) : throw new ArgumentOutOfRangeException(nameof(value), i, "Quantities cannot be negative."),
        long l => l >= 0 ? Quantity((ulong)l) : throw new ArgumentOutOfRangeException(nameof(value), l, "Quantities cannot be negative."),
        uint u => Quantity(u),
        ulong ul => Quantity(ul),
        UInt256 u => JsonValue.Create(u.ToHexQuantity()),
        Wei w => JsonValue.Create(w.Value.ToHexQuantity()),
        Address a => JsonValue.Create(a.ToLowerHex()),
        Bytes32 h => JsonValue.Create(h.ToString()),
        byte[] bytes => JsonValue.Create(HexConvert.ToHex(bytes)),
        ReadOnlyMemory<byte> memory => JsonValue.Create(HexConvert.ToHex(memory.Span)),
        BlockParameter block => JsonValue.Create(block.ToString()),
        RpcCallRequest call => call.ToJson(),
        RpcLogFilter filter => filter.ToJson(),
        IDictionary dictionary => ToObject(dictionary),
        IEnumerable sequence => ToArray(sequence),
        _ => throw new ArgumentException($"Cannot send a {value.GetType().Name} as a JSON-RPC parameter; pass a JsonNode.", nameof(value)),
    };

    internal static JsonNode Quantity(ulong value) => JsonValue.Create(new UInt256(value).ToHexQuantity());

    internal static string Show(JsonElement element)
    {
        var raw = element.ValueKind == JsonValueKind.Undefined ? "nothing" : element.GetRawText();
        return raw.Length <= 80 ? raw : string.Concat(raw.AsSpan(0, 77), "...");
    }

    private static JsonObject ToObject(IDictionary dictionary)
    {
        var obj = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            obj[entry.Key.ToString()!] = ToParam(entry.Value);
        }

        return obj;
    }

    private static JsonArray ToArray(IEnumerable sequence)
    {
        var array = new JsonArray();
        foreach (var item in sequence)
        {
            array.Add(ToParam(item));
        }

        return array;
    }
}
