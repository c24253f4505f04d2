using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Tests;

public sealed class AbiCodecTests
{
    private static readonly AbiType[] Word = [AbiType.UInt256];

    private static byte[] Words(params string[] hexWords) =>
        HexConvert.FromHex(string.Concat(hexWords.Select(w => w.PadLeft(64, '0'))));

    [Fact]
    public void Round_trips_random_values_of_mixed_static_and_dynamic_types()
    {
        var types = new[]
        {
            AbiType.Parse("bytes"), AbiType.Parse("string"), AbiType.Parse("int64[]"),
            AbiType.Parse("uint256"), AbiType.Parse("(bool,bytes)[]"),
        };
        Prop.ForAll<byte[], string, long[]>((bytes, text, longs) =>
        {
            bytes ??= [];
            text = new string((text ?? "").Where(c => !char.IsSurrogate(c)).ToArray());
            longs ??= [];
            var values = new object?[]
            {
                bytes,
                text,
                longs.Select(l => (object?)new BigInteger(l)).ToArray(),
                UInt256.FromBigInteger(new BigInteger(bytes.Take(32).ToArray(), isUnsigned: true)),
                longs.Select(l => (object?)new object?[] { l % 2 == 0, bytes.Take((int)(Math.Abs(l % 40))).ToArray() }).ToArray(),
            };
            var encoded = AbiCodec.Encode(types, values);
            var decoded = AbiCodec.Decode(types, encoded);
            return AbiCodec.Encode(types, decoded).AsSpan().SequenceEqual(encoded)
                && ((byte[])decoded[0]!).AsSpan().SequenceEqual(bytes)
                && (string)decoded[1]! == text
                && encoded.Length % 32 == 0;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(8, "-128")]
    [InlineData(8, "127")]
    [InlineData(16, "-1")]
    [InlineData(256, "-57896044618658097711785492504343953926634992332820282019728792003956564819968")]
    [InlineData(256, "57896044618658097711785492504343953926634992332820282019728792003956564819967")]
    public void Signed_integers_round_trip_at_their_limits(int bits, string value)
    {
        var type = AbiType.Int(bits);
        var v = BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(v, AbiCodec.Decode([type], AbiCodec.Encode(type, v))[0]);
    }

    [Theory]
    [InlineData("uint8", 256)]
    [InlineData("uint8", -1)]
    [InlineData("int8", 128)]
    [InlineData("int8", -129)]
    public void Encoder_rejects_values_outside_the_type(string type, long value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiCodec.Encode(AbiType.Parse(type), type.StartsWith('u') ? value : (object)new BigInteger(value)));

    [Fact]
    public void Encoder_rejects_wrong_shapes()
    {
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("bytes4"), new byte[3]));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint256[2]"), new object?[] { UInt256.One }));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("(uint256,bool)"), new object?[] { UInt256.One }));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode([AbiType.Bool, AbiType.Bool], [true]));
    }

    [Fact]
    public void Encoder_accepts_value_tuples_for_tuples()
    {
        var type = AbiType.Parse("(address,bool,bytes)");
        var address = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        var fromArray = AbiCodec.Encode(type, new object?[] { address, true, new byte[] { 1, 2 } });
        var fromTuple = AbiCodec.Encode(type, (address, true, new byte[] { 1, 2 }));
        Assert.Equal(fromArray, fromTuple);
    }

    [Fact]
    public void Decoder_rejects_an_offset_past_the_end() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Bytes], Words("40")));

    [Fact]
    public void Decoder_rejects_a_length_past_the_end() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Bytes], Words("20", "21", "00")));

    [Fact]
    public void Decoder_rejects_an_array_longer_than_the_data() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Parse("uint256[]")], Words("20", "ffffffff")));

    [Fact]
    public void Decoder_rejects_huge_offsets_and_lengths() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Bytes], Words("10000000000000000000000000000000000000020", "00")));

    [Fact]
    public void Decoder_rejects_truncated_data() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.UInt256, AbiType.UInt256], new byte[63]));

    [Theory]
    [InlineData("bool", "02")]
    [InlineData("bool", "0100000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("address", "01f39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    [InlineData("uint8", "0100")]
    [InlineData("int8", "80")]
    [InlineData("int8", "ff7f00000000000000000000000000000000000000000000000000000000007f")]
    [InlineData("bytes1", "0101000000000000000000000000000000000000000000000000000000000000")]
    public void Decoder_rejects_non_canonical_value_words(string type, string word) =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Parse(type)], Words(word)));

    [Fact]
    public void Decoder_rejects_invalid_utf8() =>
        Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.String], Words("20", "01", "ff00000000000000000000000000000000000000000000000000000000000000")));

    [Fact]
    public void Decoder_stops_offsets_that_alias_the_same_data_many_times()
    {
        // bytes[][] where 1000 inner arrays all point at one array of 1000 offsets, which all point at one 32-byte string:
        // small input, a million decoded elements if followed naively.
        const int n = 1000;
        var sb = new StringBuilder();
        sb.Append("20".PadLeft(64, '0'));                                    // outer offset
        sb.Append(n.ToString("x").PadLeft(64, '0'));                          // outer length
        for (var i = 0; i < n; i++)
        {
            sb.Append((32 * n).ToString("x").PadLeft(64, '0'));              // each inner array at the same place
        }

        sb.Append(n.ToString("x").PadLeft(64, '0'));                          // inner length
        for (var i = 0; i < n; i++)
        {
            sb.Append((32 * n).ToString("x").PadLeft(64, '0'));              // each bytes at the same place
        }

        sb.Append("20".PadLeft(64, '0'));
        sb.Append(new string('a', 64));
        var data = HexConvert.FromHex(sb.ToString());
        var e = Assert.Throws<AbiDecodingException>(() => AbiCodec.Decode([AbiType.Parse("bytes[][]")], data));
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Try_decode_reports_the_problem_instead_of_throwing()
    {
        Assert.False(AbiCodec.TryDecode(Word, new byte[5], out _, out var error));
        Assert.Contains("byte 0", error, StringComparison.Ordinal);
        Assert.True(AbiCodec.TryDecode(Word, Words("2a"), out var values, out _));
        Assert.Equal(new UInt256(42), values[0]);
    }

    [Fact]
    public void Revert_payloads_decode_to_reasons()
    {
        Assert.True(AbiRevert.TryDecode(AbiRevert.EncodeError("nope"), out var reason));
        Assert.Equal("nope", reason);
        Assert.True(AbiRevert.TryDecode(AbiRevert.EncodePanic(0x11), out reason));
        Assert.Equal("Panic(0x11)", reason);
        Assert.True(AbiRevert.TryDecode(HexConvert.FromHex("0xdeadbeef"), out reason));
        Assert.Equal("custom error 0xdeadbeef", reason);
        Assert.False(AbiRevert.TryDecode([], out _));
        Assert.Equal("0x4e487b71", HexConvert.ToHex(AbiRevert.Panic.Selector));
    }

    [Fact]
    public void Erc20_logs_decode_only_with_the_erc20_shape()
    {
        var from = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var to = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        var data = AbiCodec.Encode(AbiType.UInt256, new UInt256(1_000_000));
        Bytes32[] topics = [Erc20.TransferTopic, Bytes32.FromAddress(from), Bytes32.FromAddress(to)];

        Assert.True(Erc20.TryDecodeTransfer(topics, data, out var transfer));
        Assert.Equal(new Erc20Transfer(from, to, new UInt256(1_000_000)), transfer);
        Assert.False(Erc20.TryDecodeApproval(topics, data, out _));

        Bytes32[] approvalTopics = [Erc20.ApprovalTopic, Bytes32.FromAddress(from), Bytes32.FromAddress(to)];
        Assert.True(Erc20.TryDecodeApproval(approvalTopics, data, out var approval));
        Assert.Equal(new Erc20Approval(from, to, new UInt256(1_000_000)), approval);

        // ERC-721: token id as a fourth topic and no data.
        Assert.False(Erc20.TryDecodeTransfer([.. topics, Bytes32.FromUInt256(7)], [], out _));
        // A topic with dirty high bytes is not an indexed address.
        var dirty = topics[1].ToArray();
        dirty[0] = 1;
        Assert.False(Erc20.TryDecodeTransfer([topics[0], Bytes32.FromBytes(dirty), topics[2]], data, out _));
        Assert.False(Erc20.TryDecodeTransfer(topics, data.AsSpan(0, 31), out _));
        Assert.Equal(AbiSignature.EventTopic("Approval(address,address,uint256)"), Erc20.ApprovalTopic);
    }

    [Fact]
    public void Bytes32_parses_strictly_and_compares_by_value()
    {
        var text = "0x" + new string('a', 64);
        Assert.Equal(Bytes32.Parse(text), Bytes32.Parse(text.ToUpperInvariant().Replace("0XAA", "0xaa", StringComparison.Ordinal)));
        Assert.Equal(text, Bytes32.Parse(text).ToString());
        Assert.False(Bytes32.TryParse(new string('a', 64), out _));
        Assert.False(Bytes32.TryParse("0x" + new string('a', 62), out _));
        Assert.False(Bytes32.TryParse("0x" + new string('g', 64), out _));
        Assert.Equal(Bytes32.Zero, Bytes32.FromBytes(new byte[32]));
        Assert.Equal(new UInt256(5), Bytes32.FromUInt256(5).ToUInt256());
    }
}
