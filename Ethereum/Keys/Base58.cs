using System.Diagnostics.CodeAnalysis;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// Bitcoin's Base58 text encoding (alphabet without 0, O, I and l); each leading zero byte is one
/// leading '1'. Used by BIP-32 extended keys through <see cref="Base58Check"/>.
/// </summary>
public static class Base58
{
    /// <summary>The 58 digits in value order.</summary>
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Longest text <see cref="TryDecode"/> accepts; extended keys are 111 characters.</summary>
    public const int MaxDecodeLength = 1024;

    private static readonly sbyte[] DigitValues = BuildDigitValues();

    /// <summary>Encodes bytes as Base58 text.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        // log(256)/log(58) < 1.37, so this many base-58 digits always suffice.
        var digits = new byte[(data.Length - zeros) * 137 / 100 + 1];
        var used = 0;
        for (var i = zeros; i < data.Length; i++)
        {
            var carry = (int)data[i];
            for (var k = 0; k < used; k++)
            {
                carry += digits[k] << 8;
                digits[k] = (byte)(carry % 58);
                carry /= 58;
            }

            while (carry > 0)
            {
                digits[used++] = (byte)(carry % 58);
                carry /= 58;
            }
        }

        return string.Create(zeros + used, (zeros, used, digits), static (dst, st) =>
        {
            dst[..st.zeros].Fill('1');
            for (var k = 0; k < st.used; k++)
            {
                dst[st.zeros + k] = Alphabet[st.digits[st.used - 1 - k]];
            }
        });
    }

    /// <summary>Decodes Base58 text; false (with the reason) for an empty or too long text or a character outside the alphabet.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? data, [NotNullWhen(false)] out string? error)
    {
        data = null;
        if (text.IsEmpty)
        {
            error = "Base58 text is empty.";
            return false;
        }

        if (text.Length > MaxDecodeLength)
        {
            error = $"Base58 text is {text.Length} characters, more than the {MaxDecodeLength} accepted.";
            return false;
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        // log(58)/log(256) < 0.733.
        var bytes = new byte[(text.Length - zeros) * 733 / 1000 + 1];
        var used = 0;
        for (var i = zeros; i < text.Length; i++)
        {
            var c = text[i];
            var value = c < 128 ? DigitValues[c] : -1;
            if (value < 0)
            {
                error = $"Character '{c}' at position {i} is not a Base58 digit.";
                return false;
            }

            var carry = (int)value;
            for (var k = 0; k < used; k++)
            {
                carry += bytes[k] * 58;
                bytes[k] = (byte)carry;
                carry >>= 8;
            }

            while (carry > 0)
            {
                bytes[used++] = (byte)carry;
                carry >>= 8;
            }
        }

        data = new byte[zeros + used];
        for (var k = 0; k < used; k++)
        {
            data[zeros + k] = bytes[used - 1 - k];
        }

        error = null;
        return true;
    }

    private static sbyte[] BuildDigitValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
