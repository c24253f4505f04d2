using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Rlp;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class RlpVectorTests
{
    public static TheoryData<string, string> Valid => VectorFile.Cases("rlp.json", "valid");

    public static TheoryData<string, string> Invalid => VectorFile.Cases("rlp.json", "invalid");

    public static TheoryData<string, string> DecodeOnly => VectorFile.Cases("rlp.json", "valid_decode_only");

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_case_encodes_to_out(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var item = FromSourceValue(c["in"]);
        Assert.True((string)c["out"]! == HexConvert.ToHex(item.Encode()), name);
        Assert.Equal(item.EncodedLength, item.Encode().Length);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_case_decodes_to_in_bytes(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var encoded = HexConvert.FromHex((string)c["out"]!);
        var decoded = RlpItem.Decode(encoded);
        Assert.True(Format(c["in_bytes"]) == decoded.ToString(), name);
        Assert.Equal(encoded, decoded.Encode());
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_scalar_reads_and_writes_through_the_span_api(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var encoded = HexConvert.FromHex((string)c["out"]!);
        if (c["in"] is not JsonValue value)
        {
            return;
        }

        var reader = new RlpReader(encoded);
        Assert.True(reader.TryReadString(out var bytes), name);
        Assert.True(reader.TryReadEnd(), name);
        Assert.Equal((string)c["in_bytes"]!, HexConvert.ToHex(bytes));

        var written = new byte[RlpWriter.GetStringLength(bytes)];
        var writer = new RlpWriter(written);
        writer.WriteString(bytes);
        Assert.Equal(encoded, written);

        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var n = (ulong)value;
            var reader2 = new RlpReader(encoded);
            Assert.Equal(n, reader2.ReadUInt64());
            var intBuffer = new byte[RlpWriter.GetUInt64Length(n)];
            var intWriter = new RlpWriter(intBuffer);
            intWriter.WriteUInt64(n);
            Assert.Equal(encoded, intBuffer);
        }
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_case_is_rejected(string name, string json)
    {
        var encoded = HexConvert.FromHex((string)JsonNode.Parse(json)!["rlp"]!);
        Assert.False(RlpItem.TryDecode(encoded, out var item, out var error), $"{name} decoded to {item}");
        Assert.NotEqual(RlpError.None, error);
        var ex = Assert.Throws<RlpException>(() => RlpItem.Decode(encoded));
        Assert.Equal(error, ex.Error);
    }

    [Theory]
    [MemberData(nameof(DecodeOnly))]
    public void Decode_only_case_decodes_and_reencodes(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var encoded = HexConvert.FromHex((string)c["rlp"]!);
        Assert.True(RlpItem.TryDecode(encoded, out var item, out _), name);
        Assert.Equal(Format(c["decoded_bytes"]), item.ToString());
        Assert.Equal(encoded, item.Encode());
    }

    [Fact]
    public void Reader_rejects_non_canonical_integers_without_moving()
    {
        // 0x8200ff: the string 00 ff, a valid byte string but not a minimal integer.
        var reader = new RlpReader([0x82, 0x00, 0xff]);
        Assert.False(reader.TryReadUInt64(out _));
        Assert.Equal(RlpError.LeadingZeroInInteger, reader.Error);
        Assert.Equal(0, reader.Offset);
        Assert.True(reader.TryReadString(out var bytes));
        Assert.Equal(new byte[] { 0x00, 0xff }, bytes.ToArray());
    }

    [Fact]
    public void Reader_reports_absolute_offsets_inside_lists()
    {
        // [0x01, 0x8100]: the second item wraps a low byte, at offset 2 of the whole input.
        var reader = new RlpReader([0xc3, 0x01, 0x81, 0x00]);
        var list = reader.ReadList();
        Assert.Equal(1UL, list.ReadUInt64());
        Assert.False(list.TryReadString(out _));
        Assert.Equal(RlpError.NonCanonicalSingleByte, list.Error);
        Assert.Equal(2, list.ErrorOffset);
    }

    [Fact]
    public void Deep_nesting_is_rejected_not_overflowing_the_stack()
    {
        Assert.True(RlpItem.TryDecode(Nested(RlpItem.MaxDepth - 1), out _, out var shallowError), shallowError.ToString());
        Assert.False(RlpItem.TryDecode(Nested(RlpItem.MaxDepth), out _, out var error));
        Assert.Equal(RlpError.TooDeep, error);
        Assert.False(RlpItem.TryDecode(Nested(200_000), out _, out error));
        Assert.Equal(RlpError.TooDeep, error);
    }

    /// <summary>An empty list wrapped in <paramref name="wraps"/> single-item lists, built back to front.</summary>
    private static byte[] Nested(int wraps)
    {
        var reversed = new List<byte> { 0xc0 };
        Span<byte> header = stackalloc byte[9];
        for (var i = 0; i < wraps; i++)
        {
            var writer = new RlpWriter(header);
            writer.WriteListHeader(reversed.Count);
            for (var h = writer.Position - 1; h >= 0; h--)
            {
                reversed.Add(header[h]);
            }
        }

        reversed.Reverse();
        return [.. reversed];
    }

    /// <summary>The vector's <c>in</c> value: JSON string = bytes (chars as single bytes), "#n" = big integer, number = integer, array = list.</summary>
    private static RlpItem FromSourceValue(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            return new RlpList(array.Select(FromSourceValue));
        }

        var value = (JsonValue)node!;
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            return RlpString.FromUInt64((ulong)value);
        }

        var text = (string)value!;
        if (text.StartsWith('#'))
        {
            var big = BigInteger.Parse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);
            return new RlpString(big.IsZero ? [] : big.ToByteArray(isUnsigned: true, isBigEndian: true));
        }

        return new RlpString(text.Select(ch => checked((byte)ch)).ToArray());
    }

    /// <summary>The vector's <c>in_bytes</c>/<c>decoded_bytes</c> tree in <see cref="RlpItem.ToString"/>'s notation.</summary>
    private static string Format(JsonNode? node) =>
        node is JsonArray array ? "[" + string.Join(", ", array.Select(Format)) + "]" : (string)node!;
}
