using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api;

/// <summary>
/// Strict readers for the JSON conventions of DESIGN.md §6. Wei amounts are JSON strings (decimal, or
/// <c>0x</c>-hex), never JSON numbers, because many JSON clients lose precision above 2^53; 64-bit
/// quantities (chainId, gasLimit) may be JSON integers or such strings. Bytes are <c>0x</c>-hex;
/// addresses lower case or valid EIP-55.
/// </summary>
internal static class JsonFields
{
    /// <summary>Refuses a body with a property outside <paramref name="known"/> (a typo must not be ignored silently).</summary>
    public static bool TryCheckProperties(JsonElement body, IReadOnlyCollection<string> known, [NotNullWhen(false)] out ApiProblem? problem)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"Unknown property '{Truncate(property.Name)}'; expected {string.Join(", ", known)}.");
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>The property <paramref name="name"/> of <paramref name="body"/>; missing or null is <c>invalid_request</c>.</summary>
    public static bool TryGetRequired(JsonElement body, string name, out JsonElement value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        if (!body.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'{name}' is required.");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary><see cref="TryGetRequired"/> then <see cref="TryReadUInt64"/>.</summary>
    public static bool TryReadRequiredUInt64(JsonElement body, string name, string code, out ulong value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = 0;
        return TryGetRequired(body, name, out var element, out problem) && TryReadUInt64(element, name, code, out value, out problem);
    }

    /// <summary><see cref="TryGetRequired"/> then <see cref="TryReadAddress"/>.</summary>
    public static bool TryReadRequiredAddress(JsonElement body, string name, out Address address, [NotNullWhen(false)] out ApiProblem? problem)
    {
        address = default;
        return TryGetRequired(body, name, out var element, out problem) && TryReadAddress(element, name, out address, out problem);
    }

    /// <summary>A wei amount: a string of decimal digits or 0x-hex, 0 ≤ value ≤ 2^256-1 (else <c>invalid_amount</c>).</summary>
    public static bool TryReadAmount(JsonElement element, string name, out UInt256 value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.String)
        {
            problem = ApiProblem.For(
                WalletErrorCodes.InvalidAmount,
                $"'{name}' must be a string of decimal digits or 0x-hex wei (JSON numbers are not accepted for amounts); got a JSON {Describe(element)}.");
            return false;
        }

        var text = element.GetString()!;
        if (!UInt256.TryParse(text, out value))
        {
            problem = ApiProblem.For(
                WalletErrorCodes.InvalidAmount,
                $"'{name}' is not an amount of wei between 0 and 2^256-1 (decimal digits or 0x-hex): '{Truncate(text)}'.");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>A 64-bit quantity: a non-negative JSON integer, or a string of decimal digits or 0x-hex.</summary>
    public static bool TryReadUInt64(JsonElement element, string name, string code, out ulong value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = 0;
        var ok = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetUInt64(out value),
            JsonValueKind.String => UInt256.TryParse(element.GetString(), out var wide) && wide.FitsInUInt64 && Assign(wide.ToUInt64(), out value),
            _ => false,
        };
        problem = ok
            ? null
            : ApiProblem.For(code, $"'{name}' must be an integer between 0 and 2^64-1 (a JSON integer, or decimal digits or 0x-hex in a string); got {Describe(element)}.");
        return ok;
    }

    /// <summary>An address: lower case, or mixed case with a valid EIP-55 checksum (else <c>invalid_address</c>).</summary>
    public static bool TryReadAddress(JsonElement element, string name, out Address address, [NotNullWhen(false)] out ApiProblem? problem)
    {
        address = default;
        if (element.ValueKind != JsonValueKind.String)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidAddress, $"'{name}' must be an address string (0x and 40 hex digits); got a JSON {Describe(element)}.");
            return false;
        }

        return TryParseAddress(element.GetString()!, name, out address, out problem);
    }

    /// <summary>The text form of <see cref="TryReadAddress"/>, for route and query values.</summary>
    public static bool TryParseAddress(string text, string name, out Address address, [NotNullWhen(false)] out ApiProblem? problem)
    {
        if (!Address.TryParse(text, out address, out var error))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidAddress, $"'{name}': {error}");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Bytes as 0x-hex with whole bytes (else <c>invalid_hex</c>); longer than <paramref name="maxBytes"/> is
    /// <c>data_too_large</c>, checked before decoding.
    /// </summary>
    public static bool TryReadHexBytes(JsonElement element, string name, int maxBytes, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out ApiProblem? problem)
    {
        bytes = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidHex, $"'{name}' must be a 0x-hex string; got a JSON {Describe(element)}.");
            return false;
        }

        var text = element.GetString()!;
        if (!HexConvert.HasPrefix(text))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidHex, $"'{name}' must start with 0x: '{Truncate(text)}'.");
            return false;
        }

        if ((text.Length - 2) / 2 > maxBytes)
        {
            problem = ApiProblem.For(WalletErrorCodes.DataTooLarge, $"'{name}' has {(text.Length - 2) / 2} bytes; at most {maxBytes} are accepted.");
            return false;
        }

        if (!HexConvert.TryFromHex(text, out bytes))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidHex, $"'{name}' is not whole bytes of hex (an even number of hex digits after 0x): '{Truncate(text)}'.");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Short description of a JSON value for error messages (never the whole value).</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"string '{Truncate(element.GetString()!)}'",
        JsonValueKind.Number => $"number {Truncate(element.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => element.ValueKind.ToString(),
    };

    /// <summary>At most 80 characters of client text in an error message.</summary>
    public static string Truncate(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private static bool Assign(ulong source, out ulong target)
    {
        target = source;
        return true;
    }
}
