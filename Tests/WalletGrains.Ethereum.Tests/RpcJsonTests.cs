using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Ethereum.Tests;

public sealed class RpcJsonTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [InlineData("\"0x0\"", "0")]
    [InlineData("\"0x7a69\"", "31337")]
    [InlineData("\"0x7A69\"", "31337")]
    [InlineData("\"0x00ff\"", "255")]
    [InlineData("\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", "115792089237316195423570985008687907853269984665640564039457584007913129639935")]
    public void Reads_quantities(string json, string expected) =>
        Assert.Equal(UInt256.Parse(expected), RpcJson.ParseQuantity(Json(json)));

    [Theory]
    [InlineData("\"0x\"")]
    [InlineData("\"7a69\"")]
    [InlineData("\"0X7a69\"")]
    [InlineData("\"0x7g\"")]
    [InlineData("\"0x 1\"")]
    [InlineData("\"-0x1\"")]
    [InlineData("\"0x10000000000000000000000000000000000000000000000000000000000000000\"")]
    [InlineData("31337")]
    [InlineData("null")]
    public void Rejects_malformed_quantities(string json) =>
        Assert.Throws<FormatException>(() => RpcJson.ParseQuantity(Json(json)));

    [Fact]
    public void Rejects_quantities_above_64_bits_where_64_bits_are_expected()
    {
        Assert.Equal(ulong.MaxValue, RpcJson.ParseUInt64(Json("\"0xffffffffffffffff\"")));
        Assert.Throws<FormatException>(() => RpcJson.ParseUInt64(Json("\"0x10000000000000000\"")));
    }

    [Theory]
    [InlineData("\"0x\"", 0)]
    [InlineData("\"0xdeadbeef\"", 4)]
    public void Reads_data(string json, int length) => Assert.Equal(length, RpcJson.ParseData(Json(json)).Length);

    [Theory]
    [InlineData("\"0xabc\"")]
    [InlineData("\"deadbeef\"")]
    [InlineData("\"0xzz\"")]
    public void Rejects_malformed_data(string json) => Assert.Throws<FormatException>(() => RpcJson.ParseData(Json(json)));

    [Fact]
    public void Reads_addresses_and_hashes_strictly()
    {
        Assert.Equal(Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), RpcJson.ParseAddress(Json("\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"")));
        Assert.Throws<FormatException>(() => RpcJson.ParseAddress(Json("\"0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266\"")));
        Assert.Throws<FormatException>(() => RpcJson.ParseBytes32(Json("\"0x1234\"")));
    }

    [Fact]
    public void Converts_parameters_to_json_rpc_forms()
    {
        Assert.Equal("\"0x2a\"", RpcJson.ToParam(42)!.ToJsonString());
        Assert.Equal("\"0x0\"", RpcJson.ToParam(0UL)!.ToJsonString());
        Assert.Equal("\"0x3b9aca00\"", RpcJson.ToParam(Wei.FromGwei(1))!.ToJsonString());
        Assert.Equal("true", RpcJson.ToParam(true)!.ToJsonString());
        Assert.Equal("\"latest\"", RpcJson.ToParam(BlockParameter.Latest)!.ToJsonString());
        Assert.Equal("\"0x10\"", RpcJson.ToParam(BlockParameter.FromNumber(16))!.ToJsonString());
        Assert.Equal("[\"0x1\",\"0x\"]", RpcJson.ToParam(new object[] { 1, Array.Empty<byte>() })!.ToJsonString());
        Assert.Null(RpcJson.ToParam(null));
        Assert.Throws<ArgumentOutOfRangeException>(() => RpcJson.ToParam(-1));
        Assert.Throws<ArgumentException>(() => RpcJson.ToParam(1.5m));
    }

    [Fact]
    public void Converts_results_to_requested_types()
    {
        Assert.Equal(31337UL, RpcJson.ConvertResult<ulong>(Json("\"0x7a69\"")));
        Assert.Null(RpcJson.ConvertResult<ulong?>(Json("null")));
        Assert.Null(RpcJson.ConvertResult<string>(Json("null")));
        Assert.Equal(JsonValueKind.Null, RpcJson.ConvertResult<JsonElement>(Json("null")).ValueKind);
        Assert.Equal(Bytes32.Zero, RpcJson.ConvertResult<Bytes32>(Json("\"0x" + new string('0', 64) + "\"")));
        Assert.Throws<FormatException>(() => RpcJson.ConvertResult<ulong>(Json("null")));
        Assert.Throws<NotSupportedException>(() => RpcJson.ConvertResult<DateTime>(Json("\"0x1\"")));
    }

    [Fact]
    public void Log_filters_send_or_lists_and_wildcards()
    {
        var a = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var filter = new RpcLogFilter
        {
            FromBlock = 1,
            ToBlock = BlockParameter.Latest,
            Addresses = [a],
            Topics = [[Erc20.TransferTopic, Erc20.ApprovalTopic], null, [Bytes32.FromAddress(a)]],
        };
        var json = filter.ToJson().ToJsonString();
        Assert.Equal(
            "{\"fromBlock\":\"0x1\",\"toBlock\":\"latest\",\"address\":\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"topics\":[[\""
            + Erc20.TransferTopic + "\",\"" + Erc20.ApprovalTopic + "\"],null,[\"0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266\"]]}",
            json);
    }
}
