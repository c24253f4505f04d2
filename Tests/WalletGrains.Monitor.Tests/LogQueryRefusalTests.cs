using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Monitoring;

namespace WalletGrains.Monitor.Tests;

public sealed class LogQueryRefusalTests
{
    public static TheoryData<int> Rows => [.. Enumerable.Range(0, LogQueryRefusal.Patterns.Count)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_recognises_its_example_and_is_not_shadowed(int index)
    {
        var row = LogQueryRefusal.Patterns[index];
        Assert.Same(row, LogQueryRefusal.FindRow(row.Example));
        Assert.Equal(row.Kind, LogQueryRefusal.Classify(Error(-32000, row.Example)));
        Assert.False(string.IsNullOrWhiteSpace(row.Source));
    }

    // Real wordings with the codes nodes and providers send them with.
    [Theory]
    [InlineData(-32005, "query returned more than 10000 results", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32005, "query timeout exceeded", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32602, "query exceeds max block range 100000", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32602, "range 1000000 exceeds limit of 10000", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32602, "Query returned more than 10000 results. Try with this block range [0x118dc91, 0x1198cc3].", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32701, "exceed maximum block range: 50000", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32005, "Requested range exceeds maximum RPC range limit", LogQueryRefusalKind.TooLarge)]
    [InlineData(35, "ranges over 10000 blocks are not supported on freetier", LogQueryRefusalKind.TooLarge)]
    [InlineData(-32000, "exceed max addresses or topics per search position", LogQueryRefusalKind.TooManyAlternatives)]
    [InlineData(-32005, "limit exceeded", LogQueryRefusalKind.None)]
    [InlineData(-32000, "invalid block range params", LogQueryRefusalKind.None)]
    [InlineData(-32601, "Method not found", LogQueryRefusalKind.None)]
    [InlineData(3, "execution reverted", LogQueryRefusalKind.None)]
    public void Classifies_real_wordings(int code, string message, LogQueryRefusalKind kind) =>
        Assert.Equal(kind, LogQueryRefusal.Classify(Error(code, message)));

    [Fact]
    public void A_result_count_refusal_is_recognised_although_the_send_path_reads_its_code_as_a_rate_limit()
    {
        var error = Error(-32005, "query returned more than 10000 results");
        Assert.Equal(RpcErrorKind.RateLimited, error.Kind);
        Assert.Equal(LogQueryRefusalKind.TooLarge, LogQueryRefusal.Classify(error));
    }

    [Fact]
    public void Tenderly_puts_its_wording_in_the_error_data()
    {
        var error = Error(-32602, "invalid params", "{\"error_id\":\"4ed9\",\"payload\":\"range 9009594 is bigger than range limit 2000\"}");
        Assert.Equal(LogQueryRefusalKind.TooLarge, LogQueryRefusal.Classify(error));
    }

    [Fact]
    public void A_timed_out_query_counts_as_too_large_and_an_unreachable_node_does_not()
    {
        Assert.Equal(LogQueryRefusalKind.TooLarge, LogQueryRefusal.Classify(new RpcException("eth_getLogs", RpcErrorKind.Timeout, "eth_getLogs got no answer within 10000 ms.")));
        Assert.Equal(LogQueryRefusalKind.None, LogQueryRefusal.Classify(new RpcException("eth_getLogs", RpcErrorKind.ServerUnavailable, "eth_getLogs failed: Connection refused")));
    }

    [Fact]
    public void A_request_body_too_large_for_the_node_asks_for_fewer_addresses() =>
        Assert.Equal(LogQueryRefusalKind.TooManyAlternatives, LogQueryRefusal.Classify(
            new RpcException("batch of 2 (eth_getLogs, ...)", RpcErrorKind.Unknown, "got HTTP 413 without a JSON-RPC answer: Request Entity Too Large", httpStatus: 413)));

    private static RpcException Error(int code, string message, string? data = null)
    {
        var error = new System.Text.Json.Nodes.JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null)
        {
            error["data"] = System.Text.Json.Nodes.JsonNode.Parse(data);
        }

        using var document = System.Text.Json.JsonDocument.Parse(error.ToJsonString());
        return RpcException.FromErrorObject("eth_getLogs", document.RootElement);
    }
}
