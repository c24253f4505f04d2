using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Rlp;

/// <summary>
/// An immutable decoded RLP value, either a byte string (<see cref="RlpString"/>) or a list
/// (<see cref="RlpList"/>), for general decoding where the shape is not known in advance.
/// Hot paths use <see cref="RlpReader"/> and <see cref="RlpWriter"/> directly instead.
/// </summary>
public abstract class RlpItem : IEquatable<RlpItem>
{
    /// <summary>Deepest list nesting accepted by <see cref="TryDecode"/>; keeps hostile input from exhausting the stack.</summary>
    public const int MaxDepth = 256;

    private protected RlpItem()
    {
    }

    /// <summary>Length of this item's encoding.</summary>
    public abstract int EncodedLength { get; }

    /// <summary>Decodes exactly one item that spans the whole input; throws <see cref="RlpException"/> otherwise.</summary>
    public static RlpItem Decode(ReadOnlySpan<byte> encoded) =>
        TryDecode(encoded, out var item, out var error, out var offset) ? item : throw new RlpException(error, offset);

    /// <summary>Try-pattern form of <see cref="Decode"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out RlpItem? item, out RlpError error) =>
        TryDecode(encoded, out item, out error, out _);

    /// <summary>Try-pattern form of <see cref="Decode"/>, with the offset of the offending item.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out RlpItem? item, out RlpError error, out int offset)
    {
        item = null;
        offset = 0;
        if (encoded.IsEmpty)
        {
            error = RlpError.EmptyInput;
            return false;
        }

        var reader = new RlpReader(encoded);
        if (!TryReadItem(ref reader, 0, out item, out error, out offset))
        {
            return false;
        }

        if (!reader.TryReadEnd())
        {
            item = null;
            error = reader.Error;
            offset = reader.ErrorOffset;
            return false;
        }

        error = RlpError.None;
        return true;
    }

    /// <summary>The canonical encoding of this item.</summary>
    public byte[] Encode()
    {
        var output = new byte[EncodedLength];
        var writer = new RlpWriter(output);
        WriteTo(ref writer);
        return output;
    }

    /// <summary>Writes the canonical encoding at the writer's position.</summary>
    public abstract void WriteTo(ref RlpWriter writer);

    /// <inheritdoc />
    public abstract bool Equals(RlpItem? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RlpItem other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>Hex for strings, <c>[a, b]</c> for lists, as in the shared vector files.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Format(sb);
        return sb.ToString();
    }

    internal abstract void Format(StringBuilder sb);

    private static bool TryReadItem(ref RlpReader reader, int depth, [NotNullWhen(true)] out RlpItem? item, out RlpError error, out int offset)
    {
        item = null;
        offset = reader.Offset;
        if (!reader.NextIsList)
        {
            if (!reader.TryReadString(out var bytes))
            {
                error = reader.Error;
                offset = reader.ErrorOffset;
                return false;
            }

            item = new RlpString(bytes);
            error = RlpError.None;
            return true;
        }

        if (depth >= MaxDepth)
        {
            error = RlpError.TooDeep;
            return false;
        }

        if (!reader.TryReadList(out var inner))
        {
            error = reader.Error;
            offset = reader.ErrorOffset;
            return false;
        }

        var items = new List<RlpItem>();
        while (inner.HasMore)
        {
            if (!TryReadItem(ref inner, depth + 1, out var child, out error, out offset))
            {
                return false;
            }

            items.Add(child);
        }

        item = new RlpList(items);
        error = RlpError.None;
        return true;
    }
}

/// <summary>An RLP byte string.</summary>
public sealed class RlpString : RlpItem
{
    private readonly byte[] _bytes;

    /// <summary>Wraps a copy of <paramref name="bytes"/>.</summary>
    public RlpString(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    /// <summary>The string's bytes.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <inheritdoc />
    public override int EncodedLength => RlpWriter.GetStringLength(_bytes);

    /// <summary>An unsigned integer as its minimal big-endian string (zero is empty).</summary>
    public static RlpString FromUInt64(ulong value)
    {
        Span<byte> buf = stackalloc byte[sizeof(ulong)];
        var count = RlpWriter.GetMinimalByteCount(value);
        BinaryPrimitives.WriteUInt64BigEndian(buf, value);
        return new RlpString(buf[(sizeof(ulong) - count)..]);
    }

    /// <inheritdoc />
    public override void WriteTo(ref RlpWriter writer) => writer.WriteString(_bytes);

    /// <inheritdoc />
    public override bool Equals(RlpItem? other) => other is RlpString s && _bytes.AsSpan().SequenceEqual(s._bytes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.AddBytes(_bytes);
        return hc.ToHashCode();
    }

    internal override void Format(StringBuilder sb) => sb.Append(HexConvert.ToHex(_bytes));
}

/// <summary>An RLP list.</summary>
public sealed class RlpList : RlpItem
{
    private readonly RlpItem[] _items;
    private readonly int _payloadLength;

    /// <summary>A list of the given items (the sequence is copied).</summary>
    public RlpList(IEnumerable<RlpItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        foreach (var item in _items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            _payloadLength = checked(_payloadLength + item.EncodedLength);
        }
    }

    /// <summary>A list of the given items.</summary>
    public RlpList(params RlpItem[] items)
        : this((IEnumerable<RlpItem>)items)
    {
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<RlpItem> Items => _items;

    /// <inheritdoc />
    public override int EncodedLength => RlpWriter.GetListLength(_payloadLength);

    /// <inheritdoc />
    public override void WriteTo(ref RlpWriter writer)
    {
        writer.WriteListHeader(_payloadLength);
        foreach (var item in _items)
        {
            item.WriteTo(ref writer);
        }
    }

    /// <inheritdoc />
    public override bool Equals(RlpItem? other)
    {
        if (other is not RlpList list || list._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!_items[i].Equals(list._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        foreach (var item in _items)
        {
            hc.Add(item.GetHashCode());
        }

        return hc.ToHashCode();
    }

    internal override void Format(StringBuilder sb)
    {
        sb.Append('[');
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            _items[i].Format(sb);
        }

        sb.Append(']');
    }
}
