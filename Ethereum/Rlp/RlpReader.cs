namespace WalletGrains.Ethereum.Rlp;

/// <summary>
/// A strict, allocation-free RLP reader over a span: each item is read in place and lists hand out
/// a sub-reader over their payload. Every encoding except the one canonical form is rejected.
/// </summary>
/// <remarks>
/// Try-methods return false and set <see cref="Error"/> and <see cref="ErrorOffset"/>; the position
/// does not move on failure. Offsets are absolute in the input the outermost reader was given.
/// </remarks>
public ref struct RlpReader
{
    /// <summary>First prefix of a short byte string (0x80 + length, length 0..55). Bytes below it encode themselves.</summary>
    public const byte ShortStringOffset = 0x80;

    /// <summary>Last short-string prefix: 0x80 + 55.</summary>
    public const byte ShortStringMax = 0xb7;

    /// <summary>First prefix of a list (0xc0 + payload length, 0..55); prefixes 0xb8..0xbf are long strings.</summary>
    public const byte ShortListOffset = 0xc0;

    /// <summary>Last short-list prefix: 0xc0 + 55. Prefixes 0xf8..0xff are long lists.</summary>
    public const byte ShortListMax = 0xf7;

    /// <summary>Longest payload that uses the short form; 56 bytes and more use the long form.</summary>
    public const int MaxShortLength = 55;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    /// <summary>Creates a reader over a whole encoded input.</summary>
    public RlpReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private RlpReader(ReadOnlySpan<byte> data, int baseOffset)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
        Error = RlpError.None;
        ErrorOffset = 0;
    }

    /// <summary>The error of the last failed Try-call.</summary>
    public RlpError Error { get; private set; }

    /// <summary>Absolute offset of the item that caused <see cref="Error"/>.</summary>
    public int ErrorOffset { get; private set; }

    /// <summary>True while items remain.</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>Absolute offset of the next item.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>True when the next item is a list (false at the end).</summary>
    public readonly bool NextIsList => HasMore && _data[_position] >= ShortListOffset;

    /// <summary>Reads a byte string; the returned span points into the input.</summary>
    public bool TryReadString(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadHeader(expectList: false, out var payloadStart, out var payloadLength))
        {
            return false;
        }

        value = _data.Slice(payloadStart, payloadLength);
        _position = payloadStart + payloadLength;
        return true;
    }

    /// <summary>Reads a list and returns a reader over its payload.</summary>
    public bool TryReadList(out RlpReader list)
    {
        list = default;
        if (!TryReadHeader(expectList: true, out var payloadStart, out var payloadLength))
        {
            return false;
        }

        list = new RlpReader(_data.Slice(payloadStart, payloadLength), _baseOffset + payloadStart);
        _position = payloadStart + payloadLength;
        return true;
    }

    /// <summary>Reads the next item of either kind and returns its whole encoding (header and payload).</summary>
    public bool TryReadEncodedItem(out ReadOnlySpan<byte> encoded)
    {
        encoded = default;
        var start = _position;
        if (!TryReadHeader(expectList: NextIsList, out var payloadStart, out var payloadLength))
        {
            return false;
        }

        _position = payloadStart + payloadLength;
        encoded = _data[start.._position];
        return true;
    }

    /// <summary>
    /// Reads a canonical unsigned integer of at most 64 bits: minimal big-endian bytes, zero as the
    /// empty string, no leading zero byte.
    /// </summary>
    public bool TryReadUInt64(out ulong value)
    {
        value = 0;
        var start = _position;
        if (!TryReadString(out var bytes))
        {
            return false;
        }

        if (bytes.Length > 0 && bytes[0] == 0)
        {
            _position = start;
            return Fail(RlpError.LeadingZeroInInteger, start);
        }

        if (bytes.Length > sizeof(ulong))
        {
            _position = start;
            return Fail(RlpError.IntegerTooLarge, start);
        }

        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return true;
    }

    /// <summary>Succeeds when no bytes remain; otherwise fails with <see cref="RlpError.TrailingBytes"/>.</summary>
    public bool TryReadEnd() => !HasMore || Fail(RlpError.TrailingBytes, _position);

    /// <summary>Throwing form of <see cref="TryReadString"/>.</summary>
    public ReadOnlySpan<byte> ReadString() => TryReadString(out var v) ? v : throw Exception();

    /// <summary>Throwing form of <see cref="TryReadList"/>.</summary>
    public RlpReader ReadList() => TryReadList(out var l) ? l : throw Exception();

    /// <summary>Throwing form of <see cref="TryReadUInt64"/>.</summary>
    public ulong ReadUInt64() => TryReadUInt64(out var v) ? v : throw Exception();

    /// <summary>Throwing form of <see cref="TryReadEnd"/>.</summary>
    public void ReadEnd()
    {
        if (!TryReadEnd())
        {
            throw Exception();
        }
    }

    /// <summary>An exception describing the last error.</summary>
    public readonly RlpException Exception() => new(Error, ErrorOffset);

    private bool TryReadHeader(bool expectList, out int payloadStart, out int payloadLength)
    {
        payloadStart = 0;
        payloadLength = 0;
        var pos = _position;
        if (pos >= _data.Length)
        {
            return Fail(RlpError.Truncated, pos);
        }

        var prefix = _data[pos];
        var isList = prefix >= ShortListOffset;

        // The kind is checked before the length so that "wrong kind" wins over "badly encoded length".
        if (isList != expectList)
        {
            return Fail(isList ? RlpError.ExpectedString : RlpError.ExpectedList, pos);
        }

        if (prefix < ShortStringOffset)
        {
            // [0x00, 0x7f]: the byte is its own encoding.
            payloadStart = pos;
            payloadLength = 1;
            return true;
        }

        var remaining = _data.Length - pos - 1;
        if (prefix <= ShortStringMax || (prefix >= ShortListOffset && prefix <= ShortListMax))
        {
            // [0x80, 0xb7] string or [0xc0, 0xf7] list: the prefix carries a length of 0..55.
            var length = prefix - (isList ? ShortListOffset : ShortStringOffset);
            if (length > remaining)
            {
                return Fail(RlpError.Truncated, pos);
            }

            if (!isList && length == 1 && _data[pos + 1] < ShortStringOffset)
            {
                // A single byte below 0x80 must not be wrapped in 0x81.
                return Fail(RlpError.NonCanonicalSingleByte, pos);
            }

            payloadStart = pos + 1;
            payloadLength = length;
            return true;
        }

        // [0xb8, 0xbf] long string or [0xf8, 0xff] long list: the prefix gives the byte count of a
        // big-endian length (1..8 bytes) that follows it.
        var lengthOfLength = prefix - (isList ? ShortListMax : ShortStringMax);
        if (lengthOfLength > remaining)
        {
            return Fail(RlpError.Truncated, pos);
        }

        var lengthBytes = _data.Slice(pos + 1, lengthOfLength);
        if (lengthBytes[0] == 0)
        {
            return Fail(RlpError.LeadingZeroInLength, pos);
        }

        ulong declared = 0;
        foreach (var b in lengthBytes)
        {
            declared = (declared << 8) | b;
        }

        if (declared <= MaxShortLength)
        {
            return Fail(RlpError.NonCanonicalLength, pos);
        }

        if (declared > (ulong)(remaining - lengthOfLength))
        {
            return Fail(RlpError.Truncated, pos);
        }

        payloadStart = pos + 1 + lengthOfLength;
        payloadLength = (int)declared;
        return true;
    }

    private bool Fail(RlpError error, int localOffset)
    {
        Error = error;
        ErrorOffset = _baseOffset + localOffset;
        return false;
    }
}
