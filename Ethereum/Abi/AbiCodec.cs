using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Abi;

/// <summary>
/// Solidity ABI encoding and decoding of parameter lists (head/tail layout, as
/// <c>abi.encode</c>/<c>abi.decode</c>).
/// </summary>
/// <remarks>
/// Values: <c>uintN</c> → <see cref="UInt256"/> (encode also takes BigInteger, <see cref="Wei"/> and
/// non-negative .NET integers); <c>intN</c> → <see cref="BigInteger"/> (encode also takes .NET
/// integers); <c>address</c> → <see cref="Address"/>; <c>bool</c> → bool; <c>bytesN</c> and
/// <c>bytes</c> → byte[] (encode also takes ReadOnlyMemory&lt;byte&gt; and, for bytes32,
/// <see cref="Bytes32"/>); <c>string</c> → string; arrays and tuples → object?[] (encode takes any
/// IList, and ValueTuples for tuples). The decoder is strict: offsets and lengths must stay inside
/// the data, value words must be canonical (zero padding, sign extension, bool 0 or 1).
/// </remarks>
public static class AbiCodec
{
    private const int Word = AbiType.WordSize;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes values as the parameter list <paramref name="types"/>.</summary>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"{types.Count} types but {values.Count} values.", nameof(values));
        }

        var buffer = new List<byte>(Word * types.Count);
        EncodeSequence(types, values, buffer);
        return [.. buffer];
    }

    /// <summary>Encodes one value of one type as a single-element parameter list.</summary>
    public static byte[] Encode(AbiType type, object? value) => Encode([type], [value]);

    /// <summary>Decodes the parameter list <paramref name="types"/>; throws <see cref="AbiDecodingException"/> on malformed data.</summary>
    public static object?[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var reader = new Reader(data);
        return reader.ReadSequence(types, 0);
    }

    /// <summary>Try-pattern form of <see cref="Decode"/> for data from untrusted sources (return data, logs).</summary>
    public static bool TryDecode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data, [NotNullWhen(true)] out object?[]? values, [NotNullWhen(false)] out string? error)
    {
        try
        {
            values = Decode(types, data);
            error = null;
            return true;
        }
        catch (AbiDecodingException e)
        {
            values = null;
            error = e.Message;
            return false;
        }
    }

    private static void EncodeSequence(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values, List<byte> output)
    {
        var headSize = 0;
        foreach (var t in types)
        {
            headSize += t.HeadSize;
        }

        var tails = new List<byte>();
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i];
            if (type.IsDynamic)
            {
                WriteUInt(output, (ulong)(headSize + tails.Count));
                EncodeValue(type, values[i], tails);
            }
            else
            {
                EncodeValue(type, values[i], output);
            }
        }

        output.AddRange(tails);
    }

    private static void EncodeValue(AbiType type, object? value, List<byte> output)
    {
        switch (type.Kind)
        {
            case AbiKind.UInt:
                WriteWord(output, ToUnsigned(type, value));
                break;
            case AbiKind.Int:
                WriteWord(output, ToSignedWord(type, value));
                break;
            case AbiKind.Address:
                if (value is not Address address)
                {
                    throw Mismatch(type, value);
                }

                output.AddRange(new byte[Word - Address.Length]);
                output.AddRange(address.Bytes.ToArray());
                break;
            case AbiKind.Bool:
                WriteUInt(output, value is bool b ? (b ? 1UL : 0UL) : throw Mismatch(type, value));
                break;
            case AbiKind.FixedBytes:
                {
                    var bytes = ToBytes(type, value);
                    if (bytes.Length != type.Size)
                    {
                        throw new ArgumentException($"{type} needs exactly {type.Size} bytes, got {bytes.Length}.");
                    }

                    WritePadded(output, bytes);
                    break;
                }

            case AbiKind.Bytes:
                {
                    var bytes = ToBytes(type, value);
                    WriteUInt(output, (ulong)bytes.Length);
                    WritePadded(output, bytes);
                    break;
                }

            case AbiKind.String:
                {
                    var bytes = value is string s ? Encoding.UTF8.GetBytes(s) : throw Mismatch(type, value);
                    WriteUInt(output, (ulong)bytes.Length);
                    WritePadded(output, bytes);
                    break;
                }

            case AbiKind.Array:
                {
                    var items = ToList(type, value);
                    WriteUInt(output, (ulong)items.Count);
                    EncodeSequence(Repeat(type.Element!, items.Count), items, output);
                    break;
                }

            case AbiKind.FixedArray:
                {
                    var items = ToList(type, value);
                    if (items.Count != type.Size)
                    {
                        throw new ArgumentException($"{type} needs exactly {type.Size} elements, got {items.Count}.");
                    }

                    EncodeSequence(Repeat(type.Element!, items.Count), items, output);
                    break;
                }

            case AbiKind.Tuple:
                {
                    var items = ToList(type, value);
                    if (items.Count != type.Components.Count)
                    {
                        throw new ArgumentException($"{type} has {type.Components.Count} components, got {items.Count} values.");
                    }

                    EncodeSequence(type.Components, items, output);
                    break;
                }

            default:
                throw new InvalidOperationException($"Unhandled ABI kind {type.Kind}.");
        }
    }

    private static UInt256 ToUnsigned(AbiType type, object? value)
    {
        BigInteger big = value switch
        {
            UInt256 u => u,
            Wei w => w.Value,
            BigInteger bi => bi,
            ulong ul => ul,
            uint ui => ui,
            ushort us => us,
            byte by => by,
            long l => l,
            int i => i,
            _ => throw Mismatch(type, value),
        };
        if (big.Sign < 0 || big >= BigInteger.One << type.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(value), big, $"Value {big} does not fit {type}.");
        }

        return UInt256.FromBigInteger(big);
    }

    private static UInt256 ToSignedWord(AbiType type, object? value)
    {
        BigInteger big = value switch
        {
            BigInteger bi => bi,
            long l => l,
            int i => i,
            short s => s,
            sbyte sb => sb,
            ulong ul => ul,
            uint ui => ui,
            UInt256 u => u,
            _ => throw Mismatch(type, value),
        };
        var limit = BigInteger.One << (type.Size - 1);
        if (big < -limit || big >= limit)
        {
            throw new ArgumentOutOfRangeException(nameof(value), big, $"Value {big} does not fit {type}.");
        }

        // Two's complement over the full word: sign extension to 256 bits is what the ABI requires.
        return UInt256.FromBigInteger(big.Sign < 0 ? big + UInt256.Modulus : big);
    }

    private static byte[] ToBytes(AbiType type, object? value) => value switch
    {
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        Memory<byte> memory => memory.ToArray(),
        Bytes32 word => word.ToArray(),
        _ => throw Mismatch(type, value),
    };

    private static IReadOnlyList<object?> ToList(AbiType type, object? value)
    {
        switch (value)
        {
            case IReadOnlyList<object?> list:
                return list;
            case IList list:
                {
                    var items = new object?[list.Count];
                    list.CopyTo(items, 0);
                    return items;
                }

            case ITuple tuple when type.Kind == AbiKind.Tuple:
                {
                    var items = new object?[tuple.Length];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = tuple[i];
                    }

                    return items;
                }

            default:
                throw Mismatch(type, value);
        }
    }

    private static AbiType[] Repeat(AbiType type, int count)
    {
        var types = new AbiType[count];
        Array.Fill(types, type);
        return types;
    }

    private static void WriteUInt(List<byte> output, ulong value) => WriteWord(output, value);

    private static void WriteWord(List<byte> output, UInt256 value)
    {
        Span<byte> word = stackalloc byte[Word];
        value.WriteBigEndian(word);
        foreach (var b in word)
        {
            output.Add(b);
        }
    }

    private static void WritePadded(List<byte> output, byte[] bytes)
    {
        output.AddRange(bytes);
        var pad = (Word - bytes.Length % Word) % Word;
        for (var i = 0; i < pad; i++)
        {
            output.Add(0);
        }
    }

    private static ArgumentException Mismatch(AbiType type, object? value) =>
        new($"A {type} value cannot be a {value?.GetType().Name ?? "null"}.");

    /// <summary>Walks the data with bounds checks and a work budget against offset-aliasing blow-ups.</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;

        // Well-formed data reads each word once; aliasing offsets could make a small input decode
        // into an enormous value, so reads are capped at a few times the input size.
        private long _budget;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _budget = 4L * (data.Length / Word) + 64;
        }

        public object?[] ReadSequence(IReadOnlyList<AbiType> types, int start)
        {
            var values = new object?[types.Count];
            var pos = start;
            for (var i = 0; i < types.Count; i++)
            {
                var type = types[i];
                if (type.IsDynamic)
                {
                    var offset = ReadLength(pos, "offset");
                    var target = (long)start + offset;
                    if (target > _data.Length)
                    {
                        throw new AbiDecodingException($"Offset {offset} of {type} at byte {pos} points past the end of {_data.Length} bytes.");
                    }

                    values[i] = ReadDynamic(type, (int)target);
                }
                else
                {
                    values[i] = ReadStatic(type, pos);
                }

                pos += type.HeadSize;
            }

            return values;
        }

        private object? ReadDynamic(AbiType type, int pos)
        {
            switch (type.Kind)
            {
                case AbiKind.Bytes:
                    return ReadBytes(type, pos);
                case AbiKind.String:
                    {
                        var bytes = ReadBytes(type, pos);
                        try
                        {
                            return StrictUtf8.GetString(bytes);
                        }
                        catch (DecoderFallbackException e)
                        {
                            throw new AbiDecodingException($"string at byte {pos} is not valid UTF-8: {e.Message}");
                        }
                    }

                case AbiKind.Array:
                    {
                        var count = ReadLength(pos, "array length");
                        var element = type.Element!;
                        if ((long)count * element.HeadSize > _data.Length - (pos + Word))
                        {
                            throw new AbiDecodingException($"{type} at byte {pos} claims {count} elements, more than the {_data.Length - pos - Word} bytes that follow.");
                        }

                        return ReadSequence(Repeat(element, count), pos + Word);
                    }

                case AbiKind.FixedArray:
                    return ReadSequence(Repeat(type.Element!, type.Size), pos);
                case AbiKind.Tuple:
                    return ReadSequence(type.Components, pos);
                default:
                    throw new InvalidOperationException($"{type} is not dynamic.");
            }
        }

        private object? ReadStatic(AbiType type, int pos)
        {
            switch (type.Kind)
            {
                case AbiKind.UInt:
                    {
                        var word = ReadWord(pos);
                        if (type.Size < 256 && word[..((256 - type.Size) / 8)].ContainsAnyExcept((byte)0))
                        {
                            throw new AbiDecodingException($"{type} at byte {pos} has non-zero high bytes.");
                        }

                        return UInt256.FromBigEndian(word);
                    }

                case AbiKind.Int:
                    {
                        var word = ReadWord(pos);
                        var value = new BigInteger(word, isUnsigned: false, isBigEndian: true);
                        var limit = BigInteger.One << (type.Size - 1);
                        if (value < -limit || value >= limit)
                        {
                            throw new AbiDecodingException($"{type} at byte {pos} is not a sign-extended {type.Size}-bit value.");
                        }

                        return value;
                    }

                case AbiKind.Address:
                    {
                        var word = ReadWord(pos);
                        if (word[..(Word - Address.Length)].ContainsAnyExcept((byte)0))
                        {
                            throw new AbiDecodingException($"address at byte {pos} has non-zero high bytes.");
                        }

                        return Address.FromBytes(word[(Word - Address.Length)..]);
                    }

                case AbiKind.Bool:
                    {
                        var word = ReadWord(pos);
                        if (word[..(Word - 1)].ContainsAnyExcept((byte)0) || word[Word - 1] > 1)
                        {
                            throw new AbiDecodingException($"bool at byte {pos} is neither 0 nor 1.");
                        }

                        return word[Word - 1] == 1;
                    }

                case AbiKind.FixedBytes:
                    {
                        var word = ReadWord(pos);
                        if (word[type.Size..].ContainsAnyExcept((byte)0))
                        {
                            throw new AbiDecodingException($"{type} at byte {pos} has non-zero padding.");
                        }

                        return word[..type.Size].ToArray();
                    }

                case AbiKind.FixedArray:
                    return ReadSequence(Repeat(type.Element!, type.Size), pos);
                case AbiKind.Tuple:
                    return ReadSequence(type.Components, pos);
                default:
                    throw new InvalidOperationException($"{type} is not static.");
            }
        }

        private byte[] ReadBytes(AbiType type, int pos)
        {
            var length = ReadLength(pos, "length");
            var padded = ((long)length + Word - 1) / Word * Word;
            if (pos + Word + padded > _data.Length)
            {
                throw new AbiDecodingException($"{type} at byte {pos} claims {length} bytes, more than the {_data.Length - pos - Word} bytes that follow.");
            }

            Spend(padded / Word);
            return _data.Slice(pos + Word, length).ToArray();
        }

        private int ReadLength(int pos, string what)
        {
            var word = ReadWord(pos);
            if (word[..(Word - 4)].ContainsAnyExcept((byte)0))
            {
                throw new AbiDecodingException($"The {what} at byte {pos} is larger than any valid data.");
            }

            var value = (uint)(word[Word - 4] << 24 | word[Word - 3] << 16 | word[Word - 2] << 8 | word[Word - 1]);
            return value <= int.MaxValue
                ? (int)value
                : throw new AbiDecodingException($"The {what} at byte {pos} is larger than any valid data.");
        }

        private ReadOnlySpan<byte> ReadWord(int pos)
        {
            if (pos < 0 || (long)pos + Word > _data.Length)
            {
                throw new AbiDecodingException($"Reading a word at byte {pos} runs past the end of {_data.Length} bytes.");
            }

            Spend(1);
            return _data.Slice(pos, Word);
        }

        private void Spend(long words)
        {
            _budget -= words;
            if (_budget < 0)
            {
                throw new AbiDecodingException("The data decodes to far more than its own size; offsets overlap.");
            }
        }
    }
}
