using System.Diagnostics;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>Transport behaviour against a stub HTTP server: timeouts, HTTP failures, batches, malformed answers.</summary>
public sealed class RpcTransportTests
{
    private static EthRpcClient Client(Uri url, TimeSpan? timeout = null, int maxBatch = 100) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new RpcClientOptions(url) { Timeout = timeout ?? TimeSpan.FromSeconds(5), MaxBatchSize = maxBatch });

    private static string Result(JsonNode request, string result) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]!.DeepClone(), ["result"] = result }.ToJsonString();

    [Fact]
    public async Task A_hung_endpoint_fails_with_timeout_within_the_configured_time()
    {
        await using var server = new RpcStubServer(_ => null);
        using var client = Client(server.Url, TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ChainIdAsync(TestContext.Current.CancellationToken));
        watch.Stop();
        Assert.Equal(RpcErrorKind.Timeout, e.Kind);
        Assert.Equal("eth_chainId", e.Method);
        Assert.Contains("300 ms", e.Message, StringComparison.Ordinal);
        // Generous bound: the point is that the call ends because of its own timeout, not the 100 s HttpClient default.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_per_call_timeout_overrides_the_default()
    {
        await using var server = new RpcStubServer(_ => null);
        using var client = Client(server.Url, TimeSpan.FromSeconds(60));
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SendAsync(EthRequests.BlockNumber(), TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));
        Assert.Equal(RpcErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        await using var server = new RpcStubServer(_ => null);
        using var client = Client(server.Url, TimeSpan.FromSeconds(60));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ChainIdAsync(cts.Token));
    }

    [Fact]
    public async Task A_port_where_nothing_listens_is_server_unavailable()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.GetLoopbackPort()}/");
        using var client = Client(url, TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ChainIdAsync(TestContext.Current.CancellationToken));
        Assert.Equal(RpcErrorKind.ServerUnavailable, e.Kind);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Theory]
    [InlineData(429, "{\"error\":\"slow down\"}", RpcErrorKind.RateLimited)]
    [InlineData(503, "<html>Service Unavailable</html>", RpcErrorKind.ServerUnavailable)]
    [InlineData(502, "", RpcErrorKind.ServerUnavailable)]
    [InlineData(404, "not found", RpcErrorKind.Unknown)]
    [InlineData(200, "<html>captive portal</html>", RpcErrorKind.Unknown)]
    public async Task Http_failures_are_classified_by_status(int status, string body, RpcErrorKind kind)
    {
        await using var server = new RpcStubServer(_ => (status, body));
        using var client = Client(server.Url);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.BlockNumberAsync(TestContext.Current.CancellationToken));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(status, e.HttpStatus);
    }

    [Fact]
    public async Task A_json_rpc_error_sent_with_http_500_is_classified_by_its_message()
    {
        await using var server = new RpcStubServer(body =>
        {
            var id = JsonNode.Parse(body)!["id"]!.ToJsonString();
            return (500, $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":-32000,\"message\":\"nonce too low: address 0xf39F, tx: 0 state: 1\"}}}}");
        });
        using var client = Client(server.Url);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SendRawTransactionAsync(new byte[] { 1 }, TestContext.Current.CancellationToken));
        Assert.Equal(RpcErrorKind.NonceTooLow, e.Kind);
        Assert.Equal(-32000, e.Code);
        Assert.Equal(500, e.HttpStatus);
        Assert.Equal("eth_sendRawTransaction", e.Method);
    }

    [Fact]
    public async Task A_malformed_result_is_an_error_that_quotes_it()
    {
        await using var server = new RpcStubServer(body => (200, Result(JsonNode.Parse(body)!, "0xzz")));
        using var client = Client(server.Url);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.BlockNumberAsync(TestContext.Current.CancellationToken));
        Assert.Equal(RpcErrorKind.Unknown, e.Kind);
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
        Assert.Contains("0xzz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_for_another_id_is_rejected()
    {
        await using var server = new RpcStubServer(_ => (200, "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":\"0x1\"}"));
        using var client = Client(server.Url);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ChainIdAsync(TestContext.Current.CancellationToken));
        Assert.Contains("another request", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_answers_are_matched_by_id_whatever_their_order()
    {
        await using var server = new RpcStubServer(body =>
        {
            var answers = JsonNode.Parse(body)!.AsArray().Reverse().Select(r => r!["method"]!.GetValue<string>() switch
            {
                "eth_chainId" => JsonNode.Parse(Result(r, "0x7a69")),
                "eth_blockNumber" => JsonNode.Parse(Result(r, "0x10")),
                _ => new JsonObject { ["jsonrpc"] = "2.0", ["id"] = r["id"]!.DeepClone(), ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" } },
            });
            return (200, new JsonArray([.. answers]).ToJsonString());
        });
        using var client = Client(server.Url);
        var batch = new RpcBatch();
        var chainId = batch.Add(EthRequests.ChainId());
        var missing = batch.Add(new RpcRequest<string>("eth_noSuchMethod", [], e => e.GetString()!));
        var blockNumber = batch.Add(EthRequests.BlockNumber());
        await client.SendBatchAsync(batch, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, server.Requests);
        Assert.Equal(31337UL, chainId.Value);
        Assert.Equal(16UL, blockNumber.Value);
        Assert.False(missing.IsSuccess);
        Assert.Equal(-32601, missing.Error!.Code);
        Assert.Same(missing.Error, Assert.Throws<RpcException>(() => missing.Value));
    }

    [Fact]
    public async Task A_batch_item_without_an_answer_fails_alone()
    {
        await using var server = new RpcStubServer(body =>
        {
            var first = JsonNode.Parse(body)!.AsArray()[0]!;
            return (200, "[" + Result(first, "0x1") + "]");
        });
        using var client = Client(server.Url);
        var batch = new RpcBatch();
        var answered = batch.Add(EthRequests.ChainId());
        var dropped = batch.Add(EthRequests.BlockNumber());
        await client.SendBatchAsync(batch, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1UL, answered.Value);
        Assert.Contains("no answer", dropped.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_rejected_as_a_whole_fails_every_item()
    {
        await using var server = new RpcStubServer(_ => (200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,\"message\":\"batch limit exceeded\"}}"));
        using var client = Client(server.Url);
        var batch = new RpcBatch();
        var a = batch.Add(EthRequests.ChainId());
        var b = batch.Add(EthRequests.BlockNumber());
        await client.SendBatchAsync(batch, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(RpcErrorKind.RateLimited, a.Error!.Kind);
        Assert.Equal(RpcErrorKind.RateLimited, b.Error!.Kind);
    }

    [Fact]
    public async Task Large_batches_are_split_into_posts_of_the_maximum_size()
    {
        await using var server = new RpcStubServer(body =>
            (200, new JsonArray([.. JsonNode.Parse(body)!.AsArray().Select(r => JsonNode.Parse(Result(r!, "0x2a")))]).ToJsonString()));
        using var client = Client(server.Url, maxBatch: 3);
        var batch = new RpcBatch();
        var items = Enumerable.Range(0, 7).Select(_ => batch.Add(EthRequests.BlockNumber())).ToList();
        await client.SendBatchAsync(batch, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, server.Requests);
        Assert.All(items, i => Assert.Equal(42UL, i.Value));
    }

    [Fact]
    public async Task A_batch_that_times_out_fails_its_items_and_throws()
    {
        await using var server = new RpcStubServer(_ => null);
        using var client = Client(server.Url, TimeSpan.FromMilliseconds(200));
        var batch = new RpcBatch();
        var item = batch.Add(EthRequests.ChainId());
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SendBatchAsync(batch, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(RpcErrorKind.Timeout, e.Kind);
        Assert.Same(e, item.Error);
    }

    [Fact]
    public async Task Requests_are_json_rpc_2_with_hex_parameters()
    {
        string? seen = null;
        await using var server = new RpcStubServer(body =>
        {
            seen = body;
            return (200, Result(JsonNode.Parse(body)!, "0x0"));
        });
        using var client = Client(server.Url);
        await client.GetTransactionCountAsync(Model.Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), BlockParameter.FromNumber(255), TestContext.Current.CancellationToken);
        var request = JsonNode.Parse(seen!)!;
        Assert.Equal("2.0", (string)request["jsonrpc"]!);
        Assert.Equal("eth_getTransactionCount", (string)request["method"]!);
        Assert.Equal("[\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"0xff\"]", request["params"]!.ToJsonString());
    }
}
