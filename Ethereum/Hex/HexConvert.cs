using System.Diagnostics.CodeAnalysis;

namespace WalletGrains.Ethereum.Hex;

/// <summary>Conversions between bytes and <c>0x</c>-prefixed hexadecimal text, strict on input.</summary>
public static class HexConvert
{
    /// <summary>Lower-case hex with a <c>0x</c> prefix; <c>"0x"</c> for no bytes.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes)
    {
        return string.Create(2 + bytes.Length * 2, bytes, static (dst, src) =>
        {
            dst[0] = '0';
            dst[1] = 'x';
            Convert.TryToHexStringLower(src, dst[2..], out _);
        });
    }

    /// <summary>Lower-case hex without prefix.</summary>
    public static string ToHexNoPrefix(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>
    /// Parses hex with or without a <c>0x</c> prefix. An odd number of digits is rejected: byte
    /// strings in Ethereum's JSON conventions always have whole bytes.
    /// </summary>
    public static byte[] FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (!TryFromHex(hex, out var bytes))
        {
            throw new FormatException($"'{Truncate(hex)}' is not valid hex (expected an even number of hex digits, optional 0x prefix).");
        }

        return bytes;
    }

    /// <summary>Try-pattern form of <see cref="FromHex"/>.</summary>
    public static bool TryFromHex(ReadOnlySpan<char> hex, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        var digits = StripPrefix(hex);
        if ((digits.Length & 1) != 0)
        {
            return false;
        }

        var result = new byte[digits.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            var hi = Nibble(digits[2 * i]);
            var lo = Nibble(digits[2 * i + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            result[i] = (byte)((hi << 4) | lo);
        }

        bytes = result;
        return true;
    }

    /// <summary>True when the text starts with <c>0x</c> or <c>0X</c>.</summary>
    public static bool HasPrefix(ReadOnlySpan<char> hex) => hex.Length >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X');

    /// <summary>The text without a leading <c>0x</c>/<c>0X</c>.</summary>
    public static ReadOnlySpan<char> StripPrefix(ReadOnlySpan<char> hex) => HasPrefix(hex) ? hex[2..] : hex;

    /// <summary>Value of one hex digit, or -1.</summary>
    public static int Nibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    internal static string Truncate(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}
