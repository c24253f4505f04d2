using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// Exactly 32 bytes held by value: a Keccak-256 hash (transaction hash, signing hash) or an
/// EIP-2930 storage key. Formats as lower-case <c>0x</c>-hex.
/// </summary>
public readonly struct Bytes32 : IEquatable<Bytes32>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 32;

    // Big-endian words: _w0 holds bytes 0..7.
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private Bytes32(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>32 zero bytes.</summary>
    public static Bytes32 Zero => default;

    /// <summary>Reads exactly 32 bytes.</summary>
    public static Bytes32 FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"Expected {Length} bytes, got {bytes.Length}.", nameof(bytes));
        }

        return new Bytes32(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>Parses <c>0x</c> + 64 hex digits.</summary>
    public static Bytes32 Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return TryParse(hex, out var value)
            ? value
            : throw new FormatException($"'{HexConvert.Truncate(hex)}' is not 32 bytes of hex (expected 0x followed by 64 hex digits).");
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out Bytes32 value)
    {
        value = default;
        if (hex is null || hex.Length != 2 + 2 * Length || !HexConvert.HasPrefix(hex) || !HexConvert.TryFromHex(hex, out var bytes))
        {
            return false;
        }

        value = FromBytes(bytes);
        return true;
    }

    /// <summary>The big-endian 32-byte form of a number (a log topic of an indexed uint256).</summary>
    public static Bytes32 FromUInt256(UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[Length];
        value.WriteBigEndian(bytes);
        return FromBytes(bytes);
    }

    /// <summary>An address left-padded with 12 zero bytes, as indexed <c>address</c> topics carry it.</summary>
    public static Bytes32 FromAddress(Address address)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes.Clear();
        address.Bytes.CopyTo(bytes[(Length - Address.Length)..]);
        return FromBytes(bytes);
    }

    /// <summary>The word read as a big-endian unsigned number.</summary>
    public UInt256 ToUInt256()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return UInt256.FromBigEndian(bytes);
    }

    /// <summary>
    /// The address in the low 20 bytes; false when any of the 12 high bytes is non-zero, which a
    /// correctly encoded indexed address never has.
    /// </summary>
    public bool TryToAddress(out Address address)
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        if (bytes[..(Length - Address.Length)].ContainsAnyExcept((byte)0))
        {
            address = default;
            return false;
        }

        address = Address.FromBytes(bytes[(Length - Address.Length)..]);
        return true;
    }

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Destination needs {Length} bytes, got {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The 32 bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case <c>0x</c>-hex (66 characters).</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return HexConvert.ToHex(bytes);
    }

    /// <inheritdoc cref="ToHex"/>
    public override string ToString() => ToHex();

    /// <inheritdoc />
    public bool Equals(Bytes32 other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Bytes32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <inheritdoc cref="Equals(Bytes32)" />
    public static bool operator ==(Bytes32 a, Bytes32 b) => a.Equals(b);

    /// <inheritdoc cref="Equals(Bytes32)" />
    public static bool operator !=(Bytes32 a, Bytes32 b) => !a.Equals(b);
}
