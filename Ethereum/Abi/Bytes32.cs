using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Abi;

/// <summary>
/// A 32-byte word: the ABI's <c>bytes32</c>, and the shape of block hashes, transaction hashes and
/// log topics. Compares by value.
/// </summary>
public readonly struct Bytes32 : IEquatable<Bytes32>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 32;

    private static readonly byte[] ZeroBytes = new byte[Length];

    private readonly byte[]? _bytes;

    private Bytes32(byte[] bytes) => _bytes = bytes;

    /// <summary>All zero bytes.</summary>
    public static Bytes32 Zero => default;

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Span => _bytes ?? ZeroBytes;

    /// <summary>Copies exactly 32 bytes.</summary>
    public static Bytes32 FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length
            ? new Bytes32(bytes.ToArray())
            : throw new ArgumentException($"Bytes32 needs exactly {Length} bytes, got {bytes.Length}.", nameof(bytes));

    /// <summary>The big-endian 32-byte form of a number (a log topic of an indexed uint256).</summary>
    public static Bytes32 FromUInt256(UInt256 value) => new(value.ToBigEndian32());

    /// <summary>An address left-padded with 12 zero bytes, as indexed <c>address</c> topics carry it.</summary>
    public static Bytes32 FromAddress(Address address)
    {
        var bytes = new byte[Length];
        address.Bytes.CopyTo(bytes.AsSpan(Length - Address.Length));
        return new Bytes32(bytes);
    }

    /// <summary>Parses <c>0x</c> followed by exactly 64 hex digits.</summary>
    public static Bytes32 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{HexConvert.Truncate(text)}' is not a 32-byte value: expected 0x followed by 64 hex digits.");
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Bytes32 value)
    {
        value = default;
        if (text is null || text.Length != 2 + 2 * Length || !HexConvert.HasPrefix(text) || !HexConvert.TryFromHex(text, out var bytes))
        {
            return false;
        }

        value = new Bytes32(bytes);
        return true;
    }

    /// <summary>The word read as a big-endian unsigned number.</summary>
    public UInt256 ToUInt256() => UInt256.FromBigEndian(Span);

    /// <summary>
    /// The address in the low 20 bytes; false when any of the 12 high bytes is non-zero, which a
    /// correctly encoded indexed address never has.
    /// </summary>
    public bool TryToAddress(out Address address)
    {
        var span = Span;
        if (span[..(Length - Address.Length)].ContainsAnyExcept((byte)0))
        {
            address = default;
            return false;
        }

        address = Address.FromBytes(span[(Length - Address.Length)..]);
        return true;
    }

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>Lower-case <c>0x</c> hex.</summary>
    public override string ToString() => HexConvert.ToHex(Span);

    /// <inheritdoc />
    public bool Equals(Bytes32 other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Bytes32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.AddBytes(Span);
        return hc.ToHashCode();
    }

    /// <inheritdoc cref="Equals(Bytes32)" />
    public static bool operator ==(Bytes32 a, Bytes32 b) => a.Equals(b);

    /// <inheritdoc cref="Equals(Bytes32)" />
    public static bool operator !=(Bytes32 a, Bytes32 b) => !a.Equals(b);
}
