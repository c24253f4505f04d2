using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace WalletGrains.Ethereum.Rlp;

/// <summary>
/// Writes canonical RLP into a caller-sized span. Callers compute the total length first with the
/// static <c>Get…Length</c> helpers, allocate once, then write front to back: no per-field buffers.
/// </summary>
public ref struct RlpWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Creates a writer that fills <paramref name="buffer"/> from its start.</summary>
    public RlpWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Encoded length of a byte string.</summary>
    public static int GetStringLength(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 1 && bytes[0] < RlpReader.ShortStringOffset ? 1 : GetHeaderLength(bytes.Length) + bytes.Length;

    /// <summary>Encoded length of an unsigned integer (minimal big-endian bytes; zero is the empty string).</summary>
    public static int GetUInt64Length(ulong value) =>
        value < RlpReader.ShortStringOffset ? 1 : 1 + GetMinimalByteCount(value);

    /// <summary>Encoded length of a list whose items take <paramref name="payloadLength"/> bytes.</summary>
    public static int GetListLength(int payloadLength) => GetHeaderLength(payloadLength) + payloadLength;

    /// <summary>
    /// Header length for a payload of <paramref name="payloadLength"/> bytes: one byte up to 55 bytes,
    /// else one byte plus the minimal big-endian length. Strings and lists share the rule.
    /// </summary>
    public static int GetHeaderLength(int payloadLength) =>
        payloadLength <= RlpReader.MaxShortLength ? 1 : 1 + GetMinimalByteCount((ulong)payloadLength);

    /// <summary>Bytes in the minimal big-endian form of <paramref name="value"/> (0 for zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetMinimalByteCount(ulong value) => (64 - BitOperations.LeadingZeroCount(value) + 7) >> 3;

    /// <summary>Writes a byte string.</summary>
    public void WriteString(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < RlpReader.ShortStringOffset)
        {
            // [0x00, 0x7f]: a single low byte is its own encoding.
            _buffer[_position++] = bytes[0];
            return;
        }

        WriteHeader(RlpReader.ShortStringOffset, RlpReader.ShortStringMax, bytes.Length);
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Writes an unsigned integer as its minimal big-endian byte string.</summary>
    public void WriteUInt64(ulong value)
    {
        if (value < RlpReader.ShortStringOffset)
        {
            // Zero is the empty string (0x80); 1..0x7f are single bytes.
            _buffer[_position++] = value == 0 ? RlpReader.ShortStringOffset : (byte)value;
            return;
        }

        var count = GetMinimalByteCount(value);
        _buffer[_position++] = (byte)(RlpReader.ShortStringOffset + count);
        WriteBigEndian(value, count);
    }

    /// <summary>Writes a list header; the caller then writes items totalling <paramref name="payloadLength"/> bytes.</summary>
    public void WriteListHeader(int payloadLength) =>
        WriteHeader(RlpReader.ShortListOffset, RlpReader.ShortListMax, payloadLength);

    /// <summary>Copies bytes verbatim: an already encoded item, or a non-RLP prefix such as an EIP-2718 type byte.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> encoded)
    {
        encoded.CopyTo(_buffer[_position..]);
        _position += encoded.Length;
    }

    /// <summary>Writes one byte verbatim (an EIP-2718 transaction type, for example).</summary>
    public void WriteRawByte(byte value) => _buffer[_position++] = value;

    private void WriteHeader(byte shortOffset, byte shortMax, int payloadLength)
    {
        if (payloadLength <= RlpReader.MaxShortLength)
        {
            // Up to 55 bytes: offset + length in one byte (0x80..0xb7 or 0xc0..0xf7).
            _buffer[_position++] = (byte)(shortOffset + payloadLength);
            return;
        }

        // 56 bytes or more: 0xb7/0xf7 + byte count of the length, then the length big-endian.
        var count = GetMinimalByteCount((ulong)payloadLength);
        _buffer[_position++] = (byte)(shortMax + count);
        WriteBigEndian((ulong)payloadLength, count);
    }

    private void WriteBigEndian(ulong value, int count)
    {
        Span<byte> tmp = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(tmp, value);
        tmp[(sizeof(ulong) - count)..].CopyTo(_buffer[_position..]);
        _position += count;
    }
}
