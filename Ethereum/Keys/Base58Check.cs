using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WalletGrains.Ethereum.Keys;

/// <summary>Base58 with a 4-byte checksum: the first four bytes of SHA-256(SHA-256(payload)) appended before encoding.</summary>
public static class Base58Check
{
    /// <summary>Length of the appended checksum.</summary>
    public const int ChecksumLength = 4;

    /// <summary>Encodes payload ‖ checksum as Base58.</summary>
    public static string Encode(ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[payload.Length + ChecksumLength];
        payload.CopyTo(buffer);
        Checksum(payload, buffer.AsSpan(payload.Length));
        var text = Base58.Encode(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        return text;
    }

    /// <summary>Decodes Base58Check text to its payload; throws <see cref="FormatException"/> with the reason.</summary>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryDecode(text, out var payload, out var error) ? payload : throw new FormatException(error);
    }

    /// <summary>Decodes Base58Check text; false (with the reason) for bad Base58 or a checksum mismatch.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        if (!Base58.TryDecode(text, out var raw, out error))
        {
            return false;
        }

        if (raw.Length < ChecksumLength)
        {
            error = $"Base58Check data is {raw.Length} bytes, shorter than its {ChecksumLength}-byte checksum.";
            return false;
        }

        var body = raw.AsSpan(0, raw.Length - ChecksumLength);
        Span<byte> expected = stackalloc byte[ChecksumLength];
        Checksum(body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw.AsSpan(body.Length)))
        {
            CryptographicOperations.ZeroMemory(raw);
            error = "Base58Check checksum mismatch (the text is mistyped or truncated).";
            return false;
        }

        payload = body.ToArray();
        CryptographicOperations.ZeroMemory(raw);
        return true;
    }

    private static void Checksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        SHA256.HashData(hash, hash);
        hash[..ChecksumLength].CopyTo(destination);
    }
}
