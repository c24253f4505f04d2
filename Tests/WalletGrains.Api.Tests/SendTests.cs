using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WalletGrains.Api.Tests.Infrastructure;
using WalletGrains.Api.Transactions;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api.Tests;

/// <summary>Accepted sends: the command the grain gets, the resource shape, idempotency and grain rejections.</summary>
public sealed class SendTests
{
    /// <summary>DESIGN.md §6, the Transaction resource, in order.</summary>
    internal static readonly string[] TransactionFields =
        ["id", "chainId", "from", "to", "value", "data", "nonce", "gasLimit", "status", "hash", "attempts", "receipt", "error", "cancelRequested", "createdAt", "updatedAt", "history"];

    internal static readonly string[] AttemptFields = ["hash", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice", "submittedAt"];
    internal static readonly string[] ReceiptFields = ["blockNumber", "blockHash", "gasUsed", "effectiveGasPrice", "status"];
    internal static readonly string[] ErrorFields = ["code", "message"];
    internal static readonly string[] HistoryFields = ["status", "at", "detail"];

    [Fact]
    public async Task Send_is_accepted_with_the_resource_and_its_location()
    {
        await using var host = await ApiTestHost.StartAsync();
        var to = ApiTestHost.Recipient;
        var json = $$"""
            {"chainId":"0x1","from":"{{ApiTestHost.Custodied.ToChecksumString()}}","to":"{{to.ToLowerHex()}}","value":"0xde0b6b3a7640000",
             "data":"0xA9059CBB","gasLimit":"60000","maxFeePerGas":"30000000000","maxPriorityFeePerGas":"0x3b9aca00"}
            """;
        var request = ApiTestHost.Request(HttpMethod.Post, "/v1/transactions", json);
        request.Headers.Add(TransactionsApi.IdempotencyKeyHeader, "order-42");
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        var command = Assert.Single(host.Gateway.Commands);
        Assert.Equal(ApiTestHost.Chain, command.ChainId);
        Assert.Equal(ApiTestHost.Custodied, command.From);
        Assert.Equal(to, command.To);
        Assert.Equal(UInt256.Parse("1000000000000000000"), command.Value);
        Assert.Equal(HexConvert.FromHex("a9059cbb"), command.Data.ToArray());
        Assert.Equal(60_000UL, command.GasLimit);
        Assert.Equal(UInt256.Parse("30000000000"), command.MaxFeePerGas);
        Assert.Equal(UInt256.Parse("1000000000"), command.MaxPriorityFeePerGas);
        Assert.Null(command.GasPrice);
        Assert.Equal(ApiCaller.BootstrapAdminId, command.ApiKeyId);
        Assert.Equal("order-42", command.IdempotencyKey);
        Assert.Matches("^[0-9a-f]{64}$", command.RequestHash);

        Assert.Equal(TransactionFields, Problems.Names(body));
        var id = body.GetProperty("id").GetString();
        Assert.Equal($"/v1/transactions/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(ApiTestHost.Custodied.ToChecksumString(), body.GetProperty("from").GetString());
        Assert.Equal(to.ToChecksumString(), body.GetProperty("to").GetString());
        Assert.Equal("1000000000000000000", body.GetProperty("value").GetString());
        Assert.Equal("0xa9059cbb", body.GetProperty("data").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("chainId").ValueKind);
        Assert.Equal(TransactionStatus.Submitted, body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("receipt").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
        var attempt = Assert.Single(body.GetProperty("attempts").EnumerateArray());
        Assert.Equal(AttemptFields, Problems.Names(attempt));
        Assert.Equal("30000000000", attempt.GetProperty("maxFeePerGas").GetString());
        Assert.All(body.GetProperty("history").EnumerateArray(), h => Assert.Equal(HistoryFields, Problems.Names(h)));
        Assert.False(response.Headers.Contains(TransactionsApi.ReplayedHeader));
    }

    [Fact]
    public async Task Contract_creation_and_defaults()
    {
        await using var host = await ApiTestHost.StartAsync();
        var json = $"{{\"chainId\":10,\"from\":\"{ApiTestHost.Custodied2.ToLowerHex()}\",\"to\":null,\"data\":\"0x6080\"}}";
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", json);

        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        var command = Assert.Single(host.Gateway.Commands);
        Assert.Null(command.To);
        Assert.Equal(UInt256.Zero, command.Value);
        Assert.Null(command.GasLimit);
        Assert.Null(command.IdempotencyKey);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("to").ValueKind);
        Assert.Equal("0", body.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Signed_raw_bytes_never_appear_in_the_resource()
    {
        await using var host = await ApiTestHost.StartAsync();
        var from = ApiTestHost.Custodied;
        var tx = TestData.FinishedTransaction("tx-raw", from, ApiTestHost.Recipient);
        host.Store.Transactions[tx.Id] = tx;

        var response = await host.SendAsync(HttpMethod.Get, "/v1/transactions/tx-raw");
        var text = (await Problems.JsonAsync(response, HttpStatusCode.OK)).GetRawText();

        foreach (var attempt in tx.Attempts)
        {
            Assert.DoesNotContain(HexConvert.ToHex(attempt.Raw.Span), text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(PropertyNames(JsonDocument.Parse(text).RootElement), n => n.Contains("raw", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Replayed_send_says_so()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Gateway.Respond = c => SendOutcome.Accepted(TestData.TransactionFor(c, "tx-earlier"), replayed: true);
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", Body(ApiTestHost.Custodied.ToLowerHex(), "\"1\""));

        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("tx-earlier", body.GetProperty("id").GetString());
        Assert.Equal("true", Assert.Single(response.Headers.GetValues(TransactionsApi.ReplayedHeader)));
    }

    [Fact]
    public async Task Equivalent_bodies_have_the_same_request_hash_and_different_ones_do_not()
    {
        await using var host = await ApiTestHost.StartAsync();
        var lower = ApiTestHost.Custodied.ToLowerHex();
        var checksum = ApiTestHost.Custodied.ToChecksumString();
        string[] equivalent =
        [
            Body(lower, "\"16\""),
            Body(checksum, "\"0x10\""),
            Body(lower.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), "\"0x0010\""),
            Body(checksum, "\"016\"", chainId: "\"1\""),
        ];
        string[] different =
        [
            Body(lower, "\"17\""),
            Body(ApiTestHost.Custodied2.ToLowerHex(), "\"16\""),
            Body(lower, "\"16\"", data: "\"0x00\""),
            Body(lower, "\"16\"", chainId: "10"),
        ];

        foreach (var json in equivalent.Concat(different))
        {
            var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", json);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var hashes = host.Gateway.Commands.Select(c => c.RequestHash).ToList();
        Assert.Single(hashes.Take(equivalent.Length).Distinct());
        Assert.Equal(different.Length + 1, hashes.Distinct().Count());

        // Absent value and data are the same request as "0" and "0x".
        var implicitZero = await host.SendAsync(HttpMethod.Post, "/v1/transactions", $"{{\"chainId\":1,\"from\":\"{lower}\",\"to\":\"{ApiTestHost.Recipient.ToLowerHex()}\"}}");
        var explicitZero = await host.SendAsync(HttpMethod.Post, "/v1/transactions", $"{{\"chainId\":1,\"from\":\"{lower}\",\"to\":\"{ApiTestHost.Recipient.ToLowerHex()}\",\"value\":\"0\",\"data\":\"0x\"}}");
        Assert.Equal(HttpStatusCode.Accepted, implicitZero.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, explicitZero.StatusCode);
        var last = host.Gateway.Commands.TakeLast(2).Select(c => c.RequestHash).ToList();
        Assert.Equal(last[0], last[1]);
    }

    [Fact]
    public void The_request_hash_is_sha256_of_the_documented_canonical_form()
    {
        // Written out as SendRequest's documentation gives it, field by field: stored hashes must keep matching
        // after any change to how the hash is computed.
        var from = ApiTestHost.Custodied;
        var to = ApiTestHost.Recipient;
        var big = UInt256.Parse("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        var cases = new (SendRequest Request, string Canonical)[]
        {
            (new SendRequest(1, from, to, new UInt256(16), [], null, null, null, null),
                $"walletgrains.send.v1\nchainId:1\nfrom:{from.ToLowerHex()}\nto:{to.ToLowerHex()}\nvalue:16\ngasLimit:\nmaxFeePerGas:\nmaxPriorityFeePerGas:\ngasPrice:\ndata:0\n"),
            (new SendRequest(ulong.MaxValue, from, null, big, [0x60, 0x00, 0xff], 53_000, big, new UInt256(2_000_000_000), null),
                $"walletgrains.send.v1\nchainId:{ulong.MaxValue}\nfrom:{from.ToLowerHex()}\nto:\nvalue:{big}\ngasLimit:53000\nmaxFeePerGas:{big}\nmaxPriorityFeePerGas:2000000000\ngasPrice:\ndata:3\n"),
            (new SendRequest(31337, from, to, UInt256.Zero, [], 21_000, null, null, new UInt256(7)),
                $"walletgrains.send.v1\nchainId:31337\nfrom:{from.ToLowerHex()}\nto:{to.ToLowerHex()}\nvalue:0\ngasLimit:21000\nmaxFeePerGas:\nmaxPriorityFeePerGas:\ngasPrice:7\ndata:0\n"),
        };

        foreach (var (request, canonical) in cases)
        {
            var expected = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(canonical), .. request.Data]));
            Assert.Equal(expected, request.ComputeRequestHash());
        }
    }

    public static TheoryData<string, int> GrainErrors() => new()
    {
        { WalletErrorCodes.InsufficientFunds, 422 },
        { WalletErrorCodes.FeeCapExceeded, 422 },
        { WalletErrorCodes.ExecutionReverted, 422 },
        { WalletErrorCodes.IdempotencyConflict, 422 },
        { WalletErrorCodes.GasEstimationFailed, 422 },
        { WalletErrorCodes.ChainUnavailable, 503 },
        { WalletErrorCodes.NotFound, 404 },
        { WalletErrorCodes.NotCancellable, 409 },
        { WalletErrorCodes.UnknownAccount, 422 },
        { "something_new", 422 },
    };

    [Theory]
    [MemberData(nameof(GrainErrors))]
    public async Task Grain_rejection_maps_to_its_status(string code, int status)
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Gateway.Respond = _ => SendOutcome.Rejected(new WalletError(code, $"grain says {code}", code == WalletErrorCodes.ExecutionReverted ? "0x08c379a0" : null));
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", Body(ApiTestHost.Custodied.ToLowerHex(), "\"1\""));

        var problem = await Problems.AssertAsync(response, (HttpStatusCode)status, code);
        Assert.Equal($"grain says {code}", problem.GetProperty("detail").GetString());
        if (code == WalletErrorCodes.ExecutionReverted)
        {
            Assert.Equal("0x08c379a0", problem.GetProperty("data").GetString());
        }
        else
        {
            Assert.False(problem.TryGetProperty("data", out _));
        }
    }

    [Fact]
    public async Task Unexpected_failure_is_a_500_problem_without_internals()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Gateway.Respond = _ => throw new InvalidOperationException("secret internal state");
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", Body(ApiTestHost.Custodied.ToLowerHex(), "\"1\""));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.InternalServerError, ApiErrorCodes.InternalError);
        Assert.DoesNotContain("secret", problem.GetRawText(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> PropertyNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => PropertyNames(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(PropertyNames),
        _ => [],
    };

    internal static string Body(string from, string value, string chainId = "1", string data = "null") =>
        $"{{\"chainId\":{chainId},\"from\":\"{from}\",\"to\":\"{ApiTestHost.Recipient.ToChecksumString()}\",\"value\":{value},\"data\":{data}}}";
}
