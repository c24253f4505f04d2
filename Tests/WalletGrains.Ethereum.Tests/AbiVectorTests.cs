using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class AbiVectorTests
{
    public static TheoryData<string, string> FunctionCalls => VectorFile.Cases("abi.json", "function_calls");

    public static TheoryData<string, string> Encodes => VectorFile.Cases("abi.json", "encodes", "note");

    public static TheoryData<string, string> Decodes => VectorFile.Cases("abi.json", "decodes");

    [Theory]
    [MemberData(nameof(FunctionCalls))]
    public void Function_call_has_vector_selector_and_calldata(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var function = AbiFunction.Parse((string)c["signature"]!);
        var types = AbiJsonValues.Types(c["input_types"]!);
        Assert.Equal((string)c["signature"]!, function.Signature);
        Assert.Equal(types.Select(t => t.CanonicalName), function.Inputs.Select(t => t.CanonicalName));
        Assert.Equal((string)c["selector"]!, HexConvert.ToHex(function.Selector));
        Assert.Equal((string)c["selector"]!, HexConvert.ToHex(AbiSignature.Selector((string)c["signature"]!)));

        var values = AbiJsonValues.ListFromJson(types, c["values"]!.AsArray());
        var calldata = function.Encode(values);
        Assert.True((string)c["calldata"]! == HexConvert.ToHex(calldata), name);

        // Round trip: the calldata decodes to the vector's values.
        var decoded = function.DecodeInput(HexConvert.FromHex((string)c["calldata"]!));
        Assert.Equal(c["values"]!.ToJsonString(), AbiJsonValues.ListToJson(types, decoded));
    }

    [Theory]
    [MemberData(nameof(Encodes))]
    public void Encode_matches_vector_and_decodes_back(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var types = AbiJsonValues.Types(c["types"]!);
        var values = AbiJsonValues.ListFromJson(types, c["values"]!.AsArray());
        Assert.True((string)c["data"]! == HexConvert.ToHex(AbiCodec.Encode(types, values)), name);

        var decoded = AbiCodec.Decode(types, HexConvert.FromHex((string)c["data"]!));
        Assert.Equal(c["values"]!.ToJsonString(), AbiJsonValues.ListToJson(types, decoded));
    }

    [Theory]
    [MemberData(nameof(Decodes))]
    public void Decode_matches_vector_and_encodes_back(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var types = AbiJsonValues.Types(c["types"]!);
        var data = HexConvert.FromHex((string)c["data"]!);
        var decoded = AbiCodec.Decode(types, data);
        Assert.Equal(c["decoded"]!.ToJsonString(), AbiJsonValues.ListToJson(types, decoded));
        Assert.True(data.AsSpan().SequenceEqual(AbiCodec.Encode(types, decoded)), name);
    }

    [Fact]
    public void Multicall3_decodes_the_aggregate3_vector_result()
    {
        var c = VectorFile.Load("abi.json")["decodes"]!.AsArray().Single(d => (string)d!["name"]! == "multicall3_aggregate3_return")!;
        var results = Multicall3.DecodeAggregate3(HexConvert.FromHex((string)c["data"]!));
        var expected = c["decoded"]![0]!.AsArray();
        Assert.Equal(expected.Count, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal((bool)expected[i]![0]!, results[i].Success);
            Assert.Equal((string)expected[i]![1]!, HexConvert.ToHex(results[i].ReturnData));
        }

        var inner = c["inner"]!;
        Assert.True(Erc20.TryDecodeUInt256(results[0].ReturnData, out var value));
        Assert.Equal(UInt256.Parse((string)inner["entry0_returnData_decoded_as_uint256"]!), value);
        Assert.Equal((string)inner["entry1_revert_selector"]!, HexConvert.ToHex(AbiRevert.Error.Selector));
        Assert.True(AbiRevert.TryDecode(results[1].ReturnData, out var reason));
        Assert.Equal((string)inner["entry1_revert_reason"]!, reason);
        Assert.Equal(results[1].ReturnData, AbiRevert.EncodeError(reason));
    }

    [Fact]
    public void Multicall3_and_erc20_helpers_produce_the_vector_calldata()
    {
        var calls = VectorFile.Load("abi.json")["function_calls"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!);

        var balanceOf = calls["erc20_balanceOf"];
        Assert.Equal((string)balanceOf["calldata"]!, HexConvert.ToHex(Erc20.EncodeBalanceOf(Address.Parse((string)balanceOf["values"]![0]!))));

        foreach (var name in new[] { "erc20_transfer", "erc20_transfer_max" })
        {
            var transfer = calls[name];
            var calldata = Erc20.EncodeTransfer(Address.Parse((string)transfer["values"]![0]!), UInt256.Parse((string)transfer["values"]![1]!));
            Assert.Equal((string)transfer["calldata"]!, HexConvert.ToHex(calldata));
            var decoded = Erc20.Transfer.DecodeInput(calldata);
            Assert.Equal(Address.Parse((string)transfer["values"]![0]!), decoded[0]);
        }

        var aggregate = calls["multicall3_aggregate3"];
        var multicalls = aggregate["values"]![0]!.AsArray()
            .Select(v => new Multicall3Call(Address.Parse((string)v![0]!), (bool)v[1]!, HexConvert.FromHex((string)v[2]!)))
            .ToList();
        Assert.Equal((string)aggregate["calldata"]!, HexConvert.ToHex(Multicall3.EncodeAggregate3(multicalls)));
        Assert.Equal((string)VectorFile.Load("abi.json")["_meta"]!["addresses"]!["multicall3"]!, Multicall3.Address.ToChecksumString());
    }

    [Fact]
    public void Erc20_selectors_and_transfer_topic_match_keccak_vectors()
    {
        var cases = VectorFile.Load("keccak.json")["cases"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => (string)c!["expected"]!);
        Assert.Equal(cases["event_Transfer"], Erc20.TransferTopic.ToString());
        Assert.StartsWith(HexConvert.ToHex(Erc20.Transfer.Selector), cases["selector_transfer"], StringComparison.Ordinal);
        Assert.StartsWith(HexConvert.ToHex(Erc20.BalanceOf.Selector), cases["selector_balanceOf"], StringComparison.Ordinal);
    }
}
