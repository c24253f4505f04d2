using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// An unsigned 256-bit integer, the EVM's word. Four 64-bit limbs, little-endian limb order.
/// Add and subtract are checked (overflow throws); multiply and divide go through
/// <see cref="BigInteger"/>, they are rare on hot paths.
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>, IComparable, ISpanFormattable
{
    private readonly ulong _u0;
    private readonly ulong _u1;
    private readonly ulong _u2;
    private readonly ulong _u3;

    /// <summary>Creates a value from limbs, least significant first.</summary>
    public UInt256(ulong u0, ulong u1 = 0, ulong u2 = 0, ulong u3 = 0)
    {
        _u0 = u0;
        _u1 = u1;
        _u2 = u2;
        _u3 = u3;
    }

    /// <summary>0.</summary>
    public static UInt256 Zero => default;

    /// <summary>1.</summary>
    public static UInt256 One => new(1);

    /// <summary>2^256 - 1.</summary>
    public static UInt256 MaxValue => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>2^256 as a BigInteger, the exclusive upper bound.</summary>
    public static BigInteger Modulus { get; } = BigInteger.One << 256;

    /// <summary>True for 0.</summary>
    public bool IsZero => (_u0 | _u1 | _u2 | _u3) == 0;

    /// <summary>True when the value fits in 64 bits.</summary>
    public bool FitsInUInt64 => (_u1 | _u2 | _u3) == 0;

    /// <summary>Number of significant bits (0 for zero).</summary>
    public int BitLength =>
        _u3 != 0 ? 256 - BitOperations.LeadingZeroCount(_u3) :
        _u2 != 0 ? 192 - BitOperations.LeadingZeroCount(_u2) :
        _u1 != 0 ? 128 - BitOperations.LeadingZeroCount(_u1) :
        64 - BitOperations.LeadingZeroCount(_u0);

    /// <summary>Bytes in the minimal big-endian form (0 for zero), as RLP encodes integers.</summary>
    public int ByteLength => (BitLength + 7) / 8;

    /// <summary>The low 64 bits; throws when the value does not fit.</summary>
    public ulong ToUInt64() => FitsInUInt64 ? _u0 : throw new OverflowException($"{this} does not fit in 64 bits.");

    /// <summary>Converts to BigInteger.</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> buf = stackalloc byte[32];
        WriteBigEndian(buf);
        return new BigInteger(buf, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Converts from BigInteger; throws when negative or at least 2^256.</summary>
    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new OverflowException($"{value} is outside the uint256 range [0, 2^256-1].");
        }

        Span<byte> buf = stackalloc byte[32];
        buf.Clear();
        var count = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(buf[(32 - count)..], out _, isUnsigned: true, isBigEndian: true);
        return FromBigEndian(buf);
    }

    /// <summary>Reads up to 32 big-endian bytes (leading zeros allowed).</summary>
    public static UInt256 FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32)
        {
            throw new OverflowException($"{bytes.Length} bytes do not fit in a uint256.");
        }

        Span<byte> buf = stackalloc byte[32];
        buf.Clear();
        bytes.CopyTo(buf[(32 - bytes.Length)..]);
        return new UInt256(
            BinaryPrimitives.ReadUInt64BigEndian(buf[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(buf));
    }

    /// <summary>Writes the 32-byte big-endian form.</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("Destination needs 32 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _u3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _u2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _u1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _u0);
    }

    /// <summary>Writes the minimal big-endian form (no leading zeros, empty for zero) and returns its length.</summary>
    public int WriteMinimalBigEndian(Span<byte> destination)
    {
        Span<byte> buf = stackalloc byte[32];
        WriteBigEndian(buf);
        var len = ByteLength;
        buf[(32 - len)..].CopyTo(destination);
        return len;
    }

    /// <summary>The 32-byte big-endian form.</summary>
    public byte[] ToBigEndian32()
    {
        var b = new byte[32];
        WriteBigEndian(b);
        return b;
    }

    /// <summary>The minimal big-endian form.</summary>
    public byte[] ToMinimalBigEndian()
    {
        var b = new byte[ByteLength];
        WriteMinimalBigEndian(b);
        return b;
    }

    /// <summary>
    /// Parses a decimal string, or <c>0x</c>-hex. Rejects signs, whitespace, empty input and values
    /// of 2^256 or more.
    /// </summary>
    public static UInt256 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{HexConvert.Truncate(text)}' is not an unsigned 256-bit integer (decimal digits or 0x-hex).");
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out UInt256 value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (HexConvert.HasPrefix(text))
        {
            var digits = text.AsSpan(2);
            if (digits.Length is 0 or > 64)
            {
                // Leading zeros beyond 64 digits are tolerated only if they are zeros.
                digits = digits.TrimStart('0');
                if (text.Length == 2 || digits.Length > 64)
                {
                    return false;
                }
            }

            ulong u0 = 0, u1 = 0, u2 = 0, u3 = 0;
            foreach (var c in digits)
            {
                var n = HexConvert.Nibble(c);
                if (n < 0)
                {
                    return false;
                }

                u3 = (u3 << 4) | (u2 >> 60);
                u2 = (u2 << 4) | (u1 >> 60);
                u1 = (u1 << 4) | (u0 >> 60);
                u0 = (u0 << 4) | (uint)n;
            }

            value = new UInt256(u0, u1, u2, u3);
            return true;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        if (text.Length <= 19)
        {
            value = new UInt256(ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
            return true;
        }

        var big = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (big >= Modulus)
        {
            return false;
        }

        value = FromBigInteger(big);
        return true;
    }

    /// <summary>Decimal text.</summary>
    public override string ToString() => FitsInUInt64 ? _u0.ToString(CultureInfo.InvariantCulture) : ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats as decimal, or as <c>0x</c> quantity hex (no leading zeros) with format "x".</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        format is "x" or "X" ? ToHexQuantity() : ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var s = ToString(format.ToString(), provider);
        if (s.Length > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        s.CopyTo(destination);
        charsWritten = s.Length;
        return true;
    }

    /// <summary>JSON-RPC quantity form: <c>0x</c> and hex digits without leading zeros (<c>0x0</c> for zero).</summary>
    public string ToHexQuantity()
    {
        if (IsZero)
        {
            return "0x0";
        }

        Span<byte> buf = stackalloc byte[32];
        WriteBigEndian(buf);
        var hex = Convert.ToHexStringLower(buf).TrimStart('0');
        return "0x" + hex;
    }

    /// <inheritdoc />
    public bool Equals(UInt256 other) => _u0 == other._u0 && _u1 == other._u1 && _u2 == other._u2 && _u3 == other._u3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_u0, _u1, _u2, _u3);

    /// <inheritdoc />
    public int CompareTo(UInt256 other)
    {
        if (_u3 != other._u3)
        {
            return _u3.CompareTo(other._u3);
        }

        if (_u2 != other._u2)
        {
            return _u2.CompareTo(other._u2);
        }

        return _u1 != other._u1 ? _u1.CompareTo(other._u1) : _u0.CompareTo(other._u0);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj is UInt256 other ? CompareTo(other) : throw new ArgumentException("Not a UInt256.", nameof(obj));

    /// <summary>Checked addition.</summary>
    public static UInt256 operator +(UInt256 a, UInt256 b)
    {
        var r0 = a._u0 + b._u0;
        ulong c = r0 < a._u0 ? 1UL : 0UL;
        var (r1, c1) = AddCarry(a._u1, b._u1, c);
        var (r2, c2) = AddCarry(a._u2, b._u2, c1);
        var (r3, c3) = AddCarry(a._u3, b._u3, c2);
        return c3 != 0 ? throw new OverflowException($"{a} + {b} overflows uint256.") : new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Checked subtraction.</summary>
    public static UInt256 operator -(UInt256 a, UInt256 b)
    {
        if (a < b)
        {
            throw new OverflowException($"{a} - {b} is negative.");
        }

        var r0 = a._u0 - b._u0;
        ulong borrow = a._u0 < b._u0 ? 1UL : 0UL;
        var (r1, b1) = SubBorrow(a._u1, b._u1, borrow);
        var (r2, b2) = SubBorrow(a._u2, b._u2, b1);
        var (r3, _) = SubBorrow(a._u3, b._u3, b2);
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Checked multiplication.</summary>
    public static UInt256 operator *(UInt256 a, UInt256 b)
    {
        if (a.FitsInUInt64 && b.FitsInUInt64)
        {
            var hi = Math.BigMul(a._u0, b._u0, out var lo);
            return new UInt256(lo, hi);
        }

        return FromBigInteger(a.ToBigInteger() * b.ToBigInteger());
    }

    /// <summary>Integer division (truncating).</summary>
    public static UInt256 operator /(UInt256 a, UInt256 b)
    {
        if (b.IsZero)
        {
            throw new DivideByZeroException($"{a} / 0.");
        }

        return a.FitsInUInt64 && b.FitsInUInt64 ? new UInt256(a._u0 / b._u0) : FromBigInteger(a.ToBigInteger() / b.ToBigInteger());
    }

    /// <summary>Remainder.</summary>
    public static UInt256 operator %(UInt256 a, UInt256 b)
    {
        if (b.IsZero)
        {
            throw new DivideByZeroException($"{a} % 0.");
        }

        return a.FitsInUInt64 && b.FitsInUInt64 ? new UInt256(a._u0 % b._u0) : FromBigInteger(a.ToBigInteger() % b.ToBigInteger());
    }

    /// <inheritdoc cref="Equals(UInt256)" />
    public static bool operator ==(UInt256 a, UInt256 b) => a.Equals(b);

    /// <inheritdoc cref="Equals(UInt256)" />
    public static bool operator !=(UInt256 a, UInt256 b) => !a.Equals(b);

    /// <inheritdoc cref="CompareTo(UInt256)" />
    public static bool operator <(UInt256 a, UInt256 b) => a.CompareTo(b) < 0;

    /// <inheritdoc cref="CompareTo(UInt256)" />
    public static bool operator >(UInt256 a, UInt256 b) => a.CompareTo(b) > 0;

    /// <inheritdoc cref="CompareTo(UInt256)" />
    public static bool operator <=(UInt256 a, UInt256 b) => a.CompareTo(b) <= 0;

    /// <inheritdoc cref="CompareTo(UInt256)" />
    public static bool operator >=(UInt256 a, UInt256 b) => a.CompareTo(b) >= 0;

    /// <summary>Widening conversion.</summary>
    public static implicit operator UInt256(ulong value) => new(value);

    /// <summary>Widening conversion.</summary>
    public static implicit operator UInt256(uint value) => new(value);

    /// <summary>Narrowing conversion; throws when the value is negative or too large.</summary>
    public static explicit operator UInt256(BigInteger value) => FromBigInteger(value);

    /// <summary>Widening conversion.</summary>
    public static implicit operator BigInteger(UInt256 value) => value.ToBigInteger();

    /// <summary>The larger of two values.</summary>
    public static UInt256 Max(UInt256 a, UInt256 b) => a >= b ? a : b;

    /// <summary>The smaller of two values.</summary>
    public static UInt256 Min(UInt256 a, UInt256 b) => a <= b ? a : b;

    private static (ulong Sum, ulong Carry) AddCarry(ulong a, ulong b, ulong carry)
    {
        var s = a + b;
        var c = s < a ? 1UL : 0UL;
        var s2 = s + carry;
        c += s2 < s ? 1UL : 0UL;
        return (s2, c);
    }

    private static (ulong Diff, ulong Borrow) SubBorrow(ulong a, ulong b, ulong borrow)
    {
        var d = a - b;
        var br = a < b ? 1UL : 0UL;
        var d2 = d - borrow;
        br += d < borrow ? 1UL : 0UL;
        return (d2, br);
    }
}
