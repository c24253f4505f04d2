using System.Text.Json.Nodes;
using WalletGrains.Testing;

namespace WalletGrains.Cli.Tests;

public sealed class CliTests
{
    private static readonly JsonNode Signed = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector("eip1559_signed.json")))!;
    private static readonly string DevKey = (string)Signed["_meta"]!["private_key"]!;

    private static async Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await WalletCli.RunAsync(args, input, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public static TheoryData<string> AllSignedRaws()
    {
        var data = new TheoryData<string>();
        foreach (var c in Signed["eip1559"]!.AsArray().Concat(Signed["legacy_eip155"]!.AsArray()))
        {
            data.Add((string)c!["signed_raw"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllSignedRaws))]
    public async Task Decode_then_sign_reproduces_the_vector_bytes(string raw)
    {
        var (code, decoded, err) = await Run("", "tx", "decode", raw);
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(decoded)!;
        Assert.Equal((string)Signed["_meta"]!["sender"]!, (string)json["from"]!);

        var (signCode, signedOut, signErr) = await Run("", "tx", "sign", "--key", DevKey, decoded);
        Assert.True(signCode == 0, signErr);
        var signed = JsonNode.Parse(signedOut)!;
        Assert.Equal(raw, (string)signed["raw"]!);
        Assert.Equal((string)json["hash"]!, (string)signed["hash"]!);
    }

    [Fact]
    public async Task Decode_prints_every_field_with_the_documented_conventions()
    {
        var legacy = Signed["legacy_eip155"]![0]!;
        var (_, output, _) = await Run("", "tx", "decode", (string)legacy["signed_raw"]!);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(
            ["type", "chainId", "nonce", "to", "value", "data", "gasLimit", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "accessList", "v", "r", "s", "from", "hash"],
            json.Select(p => p.Key).ToArray());
        Assert.Equal(0, (int)json["type"]!);
        Assert.Null(json["maxFeePerGas"]);
        Assert.Null(json["accessList"]);
        Assert.Equal((string)legacy["unsigned"]!["gas_price"]!, (string)json["gasPrice"]!);
        Assert.Equal((string)legacy["signature"]!["v"]!, (string)json["v"]!);
        Assert.Equal(66, ((string)json["r"]!).Length);
    }

    [Fact]
    public async Task Batch_mode_reports_bad_lines_and_carries_on()
    {
        var good = (string)Signed["eip1559"]![1]!["signed_raw"]!;
        var stdin = string.Join('\n', good, "0xzz", "0x02c0", good) + "\n";
        var (code, output, _) = await Run(stdin, "tx", "decode", "-");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal((string)Signed["eip1559"]![1]!["tx_hash"]!, (string)lines[0]["hash"]!);
        Assert.NotNull(lines[1]["error"]);
        Assert.NotNull(lines[2]["error"]);
        Assert.Equal((string)lines[0]["hash"]!, (string)lines[3]["hash"]!);
    }

    [Fact]
    public async Task Sign_batch_signs_each_line()
    {
        var unsigned = new[]
        {
            """{"type":2,"chainId":"31337","nonce":"0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"1","gasLimit":"21000","maxFeePerGas":"2000000000","maxPriorityFeePerGas":"1"}""",
            """{"type":0,"chainId":"1","nonce":"7","to":null,"value":"0x10","data":"0x6000","gasLimit":"53000","gasPrice":"1000"}""",
            """{"type":2,"chainId":"1","nonce":"0","gasLimit":"21000","maxFeePerGas":"1","maxPriorityFeePerGas":"2","gasPrice":"1"}""",
            """{"type":1,"chainId":"1","nonce":"0","gasLimit":"21000","gasPrice":"1","bogus":1}""",
        };
        var (code, output, _) = await Run(string.Join('\n', unsigned), "tx", "sign", "--key", DevKey, "-");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(4, lines.Length);
        var (_, decoded, _) = await Run("", "tx", "decode", (string)lines[1]["raw"]!);
        var d = JsonNode.Parse(decoded)!;
        Assert.Null(d["to"]);
        Assert.Equal("16", (string)d["value"]!);
        Assert.Equal("7", (string)d["nonce"]!);
        Assert.Equal("0x6000", (string)d["data"]!);
        Assert.Contains("gasPrice", (string)lines[2]["error"]!, StringComparison.Ordinal);
        Assert.Contains("bogus", (string)lines[3]["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_key_is_an_error_that_does_not_echo_the_key()
    {
        var secretish = "0x" + new string('f', 64);
        var (code, output, error) = await Run("", "tx", "sign", "--key", secretish, "{}");
        Assert.NotEqual(0, code);
        Assert.Equal("", output);
        Assert.DoesNotContain(secretish[2..], error, StringComparison.Ordinal);
        Assert.Contains("--key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_checksums_and_rejects_bad_checksum()
    {
        var eip55 = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector("eip55.json")))!;
        var valid = eip55["valid"]![3]!;
        var (code, output, _) = await Run("", "address", (string)valid["lowercase"]!);
        Assert.Equal(0, code);
        Assert.Equal((string)valid["checksummed"]!, output.Trim());

        var (badCode, _, badErr) = await Run("", "address", (string)eip55["invalid"]![0]!["address"]!);
        Assert.Equal(1, badCode);
        Assert.Contains("checksum", badErr, StringComparison.Ordinal);
    }
}
