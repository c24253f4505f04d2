using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WalletGrains.Ethereum.Abi;

/// <summary>The kinds of Solidity ABI types this codec handles.</summary>
public enum AbiKind
{
    /// <summary><c>uintN</c>, N a multiple of 8 from 8 to 256.</summary>
    UInt,

    /// <summary><c>intN</c>, two's complement.</summary>
    Int,

    /// <summary><c>address</c>.</summary>
    Address,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>bytesN</c>, N from 1 to 32.</summary>
    FixedBytes,

    /// <summary><c>bytes</c>.</summary>
    Bytes,

    /// <summary><c>string</c> (UTF-8).</summary>
    String,

    /// <summary><c>T[]</c>.</summary>
    Array,

    /// <summary><c>T[k]</c>.</summary>
    FixedArray,

    /// <summary><c>(T1,T2,...)</c>.</summary>
    Tuple,
}

/// <summary>
/// A Solidity ABI type parsed from its canonical text, such as <c>uint256</c> or
/// <c>(address,bool,bytes)[]</c>. Equal types have equal <see cref="CanonicalName"/>s.
/// </summary>
public sealed class AbiType : IEquatable<AbiType>
{
    /// <summary>Size of one ABI word.</summary>
    public const int WordSize = 32;

    // A static type larger than this is certainly a mistake and would make head offsets overflow.
    private const int MaxStaticSize = 1 << 24;

    private AbiType(AbiKind kind, int size, AbiType? element, AbiType[] components, string canonicalName, bool isDynamic, int headSize)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Components = components;
        CanonicalName = canonicalName;
        IsDynamic = isDynamic;
        HeadSize = headSize;
    }

    /// <summary>The kind of type.</summary>
    public AbiKind Kind { get; }

    /// <summary>Bits for <c>uintN</c>/<c>intN</c>, byte count for <c>bytesN</c>, element count for <c>T[k]</c>; else 0.</summary>
    public int Size { get; }

    /// <summary>The element type of an array; null otherwise.</summary>
    public AbiType? Element { get; }

    /// <summary>The component types of a tuple; empty otherwise.</summary>
    public IReadOnlyList<AbiType> Components { get; }

    /// <summary>The canonical text used in signatures (<c>uint256</c>, never <c>uint</c>).</summary>
    public string CanonicalName { get; }

    /// <summary>True when the encoding lives in the tail and the head holds an offset.</summary>
    public bool IsDynamic { get; }

    /// <summary>Bytes this type takes in the head: 32 for a dynamic type (its offset), else its whole encoding.</summary>
    public int HeadSize { get; }

    /// <summary><c>uintN</c>.</summary>
    public static AbiType UInt(int bits) => IsValidIntBits(bits)
        ? new(AbiKind.UInt, bits, null, [], "uint" + bits.ToString(CultureInfo.InvariantCulture), false, WordSize)
        : throw new ArgumentOutOfRangeException(nameof(bits), bits, "uintN needs N in 8..256, a multiple of 8.");

    /// <summary><c>intN</c>.</summary>
    public static AbiType Int(int bits) => IsValidIntBits(bits)
        ? new(AbiKind.Int, bits, null, [], "int" + bits.ToString(CultureInfo.InvariantCulture), false, WordSize)
        : throw new ArgumentOutOfRangeException(nameof(bits), bits, "intN needs N in 8..256, a multiple of 8.");

    /// <summary><c>address</c>.</summary>
    public static AbiType Address { get; } = new(AbiKind.Address, 0, null, [], "address", false, WordSize);

    /// <summary><c>bool</c>.</summary>
    public static AbiType Bool { get; } = new(AbiKind.Bool, 0, null, [], "bool", false, WordSize);

    /// <summary><c>bytes</c>.</summary>
    public static AbiType Bytes { get; } = new(AbiKind.Bytes, 0, null, [], "bytes", true, WordSize);

    /// <summary><c>string</c>.</summary>
    public static AbiType String { get; } = new(AbiKind.String, 0, null, [], "string", true, WordSize);

    /// <summary><c>uint256</c>.</summary>
    public static AbiType UInt256 { get; } = UInt(256);

    /// <summary><c>bytesN</c>.</summary>
    public static AbiType FixedBytes(int length) => length is >= 1 and <= 32
        ? new(AbiKind.FixedBytes, length, null, [], "bytes" + length.ToString(CultureInfo.InvariantCulture), false, WordSize)
        : throw new ArgumentOutOfRangeException(nameof(length), length, "bytesN needs N in 1..32.");

    /// <summary><c>T[]</c>.</summary>
    public static AbiType ArrayOf(AbiType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(AbiKind.Array, 0, element, [], element.CanonicalName + "[]", true, WordSize);
    }

    /// <summary><c>T[k]</c>, k ≥ 1 (Solidity has no zero-length static arrays).</summary>
    public static AbiType FixedArrayOf(AbiType element, int length)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A static array needs at least one element.");
        }

        var name = element.CanonicalName + "[" + length.ToString(CultureInfo.InvariantCulture) + "]";
        if (element.IsDynamic)
        {
            return new(AbiKind.FixedArray, length, element, [], name, true, WordSize);
        }

        var size = (long)element.HeadSize * length;
        return size <= MaxStaticSize
            ? new(AbiKind.FixedArray, length, element, [], name, false, (int)size)
            : throw new ArgumentOutOfRangeException(nameof(length), length, $"{name} would take {size} bytes inline; the limit is {MaxStaticSize}.");
    }

    /// <summary><c>(T1,T2,...)</c> with at least one component.</summary>
    public static AbiType Tuple(params AbiType[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Length == 0)
        {
            throw new ArgumentException("A tuple type needs at least one component.", nameof(components));
        }

        var copy = components.ToArray();
        var name = "(" + string.Join(',', copy.Select(c => c.CanonicalName)) + ")";
        var dynamic = copy.Any(c => c.IsDynamic);
        var size = copy.Sum(c => (long)c.HeadSize);
        if (!dynamic && size > MaxStaticSize)
        {
            throw new ArgumentException($"{name} would take {size} bytes inline; the limit is {MaxStaticSize}.", nameof(components));
        }

        return new(AbiKind.Tuple, 0, null, copy, name, dynamic, dynamic ? WordSize : (int)size);
    }

    /// <summary>
    /// Parses one type in canonical form. <c>uint</c>/<c>int</c> are accepted as the aliases of
    /// <c>uint256</c>/<c>int256</c>; whitespace is not.
    /// </summary>
    public static AbiType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var type, out var error) ? type : throw new FormatException(error);
    }

    /// <summary>Try-pattern form of <see cref="Parse"/> with the reason for a rejection.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out AbiType? type, [NotNullWhen(false)] out string? error)
    {
        type = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "An ABI type cannot be empty.";
            return false;
        }

        var pos = 0;
        if (!TryParseType(text, ref pos, out type, out error))
        {
            return false;
        }

        if (pos != text.Length)
        {
            type = null;
            error = $"Unexpected '{text[pos]}' at position {pos} in ABI type '{text}'.";
            return false;
        }

        return true;
    }

    /// <summary>Parses a parenthesised parameter list such as <c>(address,uint256)</c>; <c>()</c> is the empty list.</summary>
    public static IReadOnlyList<AbiType> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pos = 0;
        if (!TryParseList(text, ref pos, allowEmpty: true, out var list, out var error) || pos != text.Length)
        {
            throw new FormatException(error ?? $"Unexpected text after position {pos} in parameter list '{text}'.");
        }

        return list;
    }

    internal static bool TryParseList(string text, ref int pos, bool allowEmpty, [NotNullWhen(true)] out AbiType[]? list, [NotNullWhen(false)] out string? error)
    {
        list = null;
        if (pos >= text.Length || text[pos] != '(')
        {
            error = $"Expected '(' at position {pos} in '{text}'.";
            return false;
        }

        pos++;
        var items = new List<AbiType>();
        if (pos < text.Length && text[pos] == ')')
        {
            pos++;
            if (!allowEmpty)
            {
                error = $"Empty tuple '()' is not a type (in '{text}').";
                return false;
            }

            list = [];
            error = null;
            return true;
        }

        while (true)
        {
            if (!TryParseType(text, ref pos, out var item, out error))
            {
                return false;
            }

            items.Add(item);
            if (pos >= text.Length)
            {
                error = $"Missing ')' in '{text}'.";
                return false;
            }

            var c = text[pos++];
            if (c == ')')
            {
                break;
            }

            if (c != ',')
            {
                error = $"Unexpected '{c}' at position {pos - 1} in '{text}'.";
                return false;
            }
        }

        list = [.. items];
        error = null;
        return true;
    }

    private static bool TryParseType(string text, ref int pos, [NotNullWhen(true)] out AbiType? type, [NotNullWhen(false)] out string? error)
    {
        type = null;
        if (pos < text.Length && text[pos] == '(')
        {
            if (!TryParseList(text, ref pos, allowEmpty: false, out var components, out error))
            {
                return false;
            }

            type = Tuple(components);
        }
        else
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiLetterOrDigit(text[pos]))
            {
                pos++;
            }

            var name = text[start..pos];
            if (!TryParseElementary(name, out type))
            {
                error = name.Length == 0
                    ? $"Expected a type at position {start} in '{text}'."
                    : $"Unknown ABI type '{name}' in '{text}'.";
                return false;
            }
        }

        while (pos < text.Length && text[pos] == '[')
        {
            var close = text.IndexOf(']', pos);
            if (close < 0)
            {
                error = $"Missing ']' in '{text}'.";
                return false;
            }

            var digits = text.AsSpan(pos + 1, close - pos - 1);
            pos = close + 1;
            if (digits.IsEmpty)
            {
                type = ArrayOf(type);
                continue;
            }

            // Canonical lengths are plain decimal without sign or leading zeros.
            if (digits[0] == '0' || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                error = $"Invalid static array length '[{digits}]' in '{text}'.";
                return false;
            }

            try
            {
                type = FixedArrayOf(type, length);
            }
            catch (ArgumentOutOfRangeException e)
            {
                error = e.Message;
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryParseElementary(string name, [NotNullWhen(true)] out AbiType? type)
    {
        type = name switch
        {
            "address" => Address,
            "bool" => Bool,
            "bytes" => Bytes,
            "string" => String,
            "uint" => UInt256,
            "int" => Int(256),
            _ => null,
        };
        if (type is not null)
        {
            return true;
        }

        if (TrySuffix(name, "uint", out var n) && IsValidIntBits(n))
        {
            type = UInt(n);
        }
        else if (TrySuffix(name, "int", out n) && IsValidIntBits(n))
        {
            type = Int(n);
        }
        else if (TrySuffix(name, "bytes", out n) && n is >= 1 and <= 32)
        {
            type = FixedBytes(n);
        }

        return type is not null;
    }

    private static bool TrySuffix(string name, string prefix, out int n)
    {
        n = 0;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length || name[prefix.Length] == '0')
        {
            return false;
        }

        return int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out n);
    }

    private static bool IsValidIntBits(int bits) => bits is >= 8 and <= 256 && bits % 8 == 0;

    /// <inheritdoc />
    public bool Equals(AbiType? other) => other is not null && CanonicalName == other.CanonicalName;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AbiType);

    /// <inheritdoc />
    public override int GetHashCode() => CanonicalName.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical name.</summary>
    public override string ToString() => CanonicalName;
}
