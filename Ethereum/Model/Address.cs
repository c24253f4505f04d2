using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Model;

/// <summary>A 20-byte account address; formats as EIP-55 mixed-case checksum text.</summary>
public readonly struct Address : IEquatable<Address>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 20;

    private readonly byte[]? _bytes;

    private Address(byte[] bytes) => _bytes = bytes;

    /// <summary>The zero address.</summary>
    public static Address Zero { get; } = new(new byte[Length]);

    /// <summary>The 20 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? Zero._bytes!;

    /// <summary>Wraps 20 bytes (copied).</summary>
    public static Address FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"An address is {Length} bytes, got {bytes.Length}.", nameof(bytes));
        }

        return new Address(bytes.ToArray());
    }

    /// <summary>
    /// The address of a public key: the last 20 bytes of keccak256(X ‖ Y). Accepts the 65-byte
    /// uncompressed form (0x04 prefix) or the raw 64 bytes.
    /// </summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length == Secp256k1.UncompressedPublicKeyLength && publicKey[0] == 0x04)
        {
            publicKey = publicKey[1..];
        }
        else if (publicKey.Length == Secp256k1.CompressedPublicKeyLength)
        {
            if (!Secp256k1.TryConvertPublicKey(publicKey, compressed: false, out var full))
            {
                throw new ArgumentException("Not a valid secp256k1 public key.", nameof(publicKey));
            }

            return FromPublicKey(full);
        }

        if (publicKey.Length != 64)
        {
            throw new ArgumentException($"A public key is 64, 65 (uncompressed) or 33 (compressed) bytes, got {publicKey.Length}.", nameof(publicKey));
        }

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(publicKey, hash);
        return new Address(hash[12..].ToArray());
    }

    /// <summary>The address that a private key controls.</summary>
    public static Address FromPrivateKey(ReadOnlySpan<byte> privateKey) =>
        FromPublicKey(Secp256k1.CreatePublicKey(privateKey, compressed: false));

    /// <summary>
    /// Parses <c>0x</c> + 40 hex digits. All-lower-case and all-upper-case are accepted as
    /// unchecksummed; mixed case must carry a valid EIP-55 checksum.
    /// </summary>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var address, out var error) ? address : throw new FormatException(error);
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Address address) => TryParse(text, out address, out _);

    /// <summary>Try-pattern form of <see cref="Parse"/> with the reason for a rejection.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Address address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (text is null || text.Length != 42 || !HexConvert.HasPrefix(text))
        {
            error = $"'{HexConvert.Truncate(text ?? "")}' is not an address: expected 0x followed by 40 hex digits.";
            return false;
        }

        if (!HexConvert.TryFromHex(text, out var bytes))
        {
            error = $"'{text}' is not an address: it contains a character that is not a hex digit.";
            return false;
        }

        var digits = text.AsSpan(2);
        var candidate = new Address(bytes);
        if (digits.ContainsAnyInRange('a', 'f') && digits.ContainsAnyInRange('A', 'F'))
        {
            // Mixed case: the EIP-55 checksum must hold.
            Span<char> checksum = stackalloc char[42];
            candidate.WriteChecksum(checksum);
            if (!digits.SequenceEqual(checksum[2..]))
            {
                error = $"'{text}' has an invalid EIP-55 checksum (expected {checksum}).";
                return false;
            }
        }

        address = candidate;
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="text"/> is mixed case and its EIP-55 checksum is valid.</summary>
    public static bool IsValidChecksum(string text) =>
        TryParse(text, out var a) && a.ToChecksumString() == text;

    /// <summary>EIP-55: hex digit i is upper case when nibble i of keccak256(lower-case hex) is ≥ 8.</summary>
    public string ToChecksumString() => string.Create(42, this, static (dst, address) => address.WriteChecksum(dst));

    /// <summary>Writes the 42 characters of <see cref="ToChecksumString"/> into <paramref name="destination"/>, allocating nothing.</summary>
    private void WriteChecksum(Span<char> destination)
    {
        Span<byte> ascii = stackalloc byte[2 * Length];
        Convert.TryToHexStringLower(Bytes, ascii, out _);
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ascii, hash);
        destination[0] = '0';
        destination[1] = 'x';
        for (var i = 0; i < ascii.Length; i++)
        {
            var c = (char)ascii[i];
            var nibble = (i & 1) == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            destination[i + 2] = c >= 'a' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
        }
    }

    /// <summary>Lower-case <c>0x</c> hex, used for keys and storage.</summary>
    public string ToLowerHex() => HexConvert.ToHex(Bytes);

    /// <summary>EIP-55 text.</summary>
    public override string ToString() => ToChecksumString();

    /// <inheritdoc />
    public bool Equals(Address other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.AddBytes(Bytes);
        return hc.ToHashCode();
    }

    /// <inheritdoc cref="Equals(Address)" />
    public static bool operator ==(Address a, Address b) => a.Equals(b);

    /// <inheritdoc cref="Equals(Address)" />
    public static bool operator !=(Address a, Address b) => !a.Equals(b);
}
