using System.Net;
using System.Text.Json;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Telemetry;
using WalletGrains.Operations.Tests.Infrastructure;
using WalletGrains.Testing;

namespace WalletGrains.Operations.Tests;

/// <summary><see cref="RpcMetricsHandler"/> against a real anvil, a closed port, and fake transports for statuses and timeouts.</summary>
public sealed class RpcMetricsHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Single_calls_errors_and_batches_against_anvil_are_counted_per_method_and_outcome()
    {
        await using var anvil = await AnvilProcess.StartAsync(cancellationToken: Ct);
        using var scope = new MetricsScope();
        using var rpc = Client(scope.Metrics, anvil.ChainId, new SocketsHttpHandler(), anvil.RpcUrl);
        (string, string) chain = ("chain", anvil.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var before = scope.Scrape();

        await rpc.Rpc.BlockNumberAsync(Ct);
        await rpc.Rpc.BlockNumberAsync(Ct);
        await Assert.ThrowsAsync<RpcException>(() => rpc.Rpc.CallAsync("wallet_noSuchMethod", cancellationToken: Ct));
        var batch = new RpcBatch();
        var chainId = batch.Add(EthRequests.ChainId());
        var block = batch.Add(EthRequests.BlockNumber());
        var bad = batch.Add(new RpcRequest<JsonElement>("wallet_noSuchMethod", [], e => e.Clone()));
        await rpc.Rpc.SendBatchAsync(batch, cancellationToken: Ct);
        Assert.True(chainId.IsSuccess && block.IsSuccess && !bad.IsSuccess);
        var after = scope.Scrape();

        double Delta(string method, string outcome) =>
            after.Sum("wallet_rpc_requests_total", chain, ("method", method), ("outcome", outcome))
            - before.Sum("wallet_rpc_requests_total", chain, ("method", method), ("outcome", outcome));
        Assert.Equal(3, Delta("eth_blockNumber", RpcOutcomes.Ok));
        Assert.Equal(1, Delta("eth_chainId", RpcOutcomes.Ok));
        Assert.Equal(2, Delta("wallet_noSuchMethod", RpcOutcomes.Error));
        Assert.Equal(1, after.Value("wallet_rpc_duration_seconds_count", chain, ("method", RpcMetricsHandler.BatchMethod)));
        Assert.Equal(2, after.Value("wallet_rpc_duration_seconds_count", chain, ("method", "eth_blockNumber")));
        Assert.True(after.Value("wallet_rpc_duration_seconds_sum", chain, ("method", "eth_blockNumber")) > 0);
    }

    [Fact]
    public async Task A_closed_port_counts_as_unreachable()
    {
        using var scope = new MetricsScope();
        var closed = new Uri($"http://127.0.0.1:{FreePort.GetLoopbackPort()}/");
        using var rpc = Client(scope.Metrics, 777, new SocketsHttpHandler(), closed);

        var error = await Assert.ThrowsAsync<RpcException>(() => rpc.Rpc.BlockNumberAsync(Ct));

        Assert.Equal(RpcErrorKind.ServerUnavailable, error.Kind);
        Assert.Equal(1, scope.Scrape().Value("wallet_rpc_requests_total", ("chain", "777"), ("method", "eth_blockNumber"), ("outcome", RpcOutcomes.Unreachable)));
    }

    [Fact]
    public async Task Http_statuses_and_timeouts_are_outcomes()
    {
        using var scope = new MetricsScope();
        using var unavailable = Client(scope.Metrics, 778, new AnswerHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))), new Uri("http://127.0.0.1:1/"));
        using var silent = Client(scope.Metrics, 779, new AnswerHandler(async (_, token) =>
        {
            // Answers only when cancelled: the client's timeout is what ends the call.
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        }), new Uri("http://127.0.0.1:1/"), TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<RpcException>(() => unavailable.Rpc.GasPriceAsync(Ct));
        var timeout = await Assert.ThrowsAsync<RpcException>(() => silent.Rpc.GasPriceAsync(Ct));

        Assert.Equal(RpcErrorKind.Timeout, timeout.Kind);
        var scrape = scope.Scrape();
        Assert.Equal(1, scrape.Value("wallet_rpc_requests_total", ("chain", "778"), ("method", "eth_gasPrice"), ("outcome", "http_503")));
        Assert.Equal(1, scrape.Value("wallet_rpc_requests_total", ("chain", "779"), ("method", "eth_gasPrice"), ("outcome", RpcOutcomes.Timeout)));
    }

    [Fact]
    public async Task Bodies_that_are_not_json_rpc_count_as_unknown_errors()
    {
        using var scope = new MetricsScope();
        using var http = new HttpClient(new RpcMetricsHandler(scope.Metrics, 780, new AnswerHandler((_, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("not json either") }))));

        using var response = await http.PostAsync(new Uri("http://127.0.0.1:1/"), new StringContent("not json"), Ct);

        Assert.Equal("not json either", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, scope.Scrape().Value("wallet_rpc_requests_total", ("chain", "780"), ("method", RpcMetricsHandler.UnknownMethod), ("outcome", RpcOutcomes.Error)));
    }

    private static MeasuredClient Client(WalletMetrics metrics, ulong chainId, HttpMessageHandler transport, Uri url, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new RpcMetricsHandler(metrics, chainId, transport), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new MeasuredClient(http, new EthRpcClient(http, new RpcClientOptions(url) { Timeout = timeout ?? TimeSpan.FromSeconds(10) }));
    }

    /// <summary>A transport that answers with a function.</summary>
    private sealed class AnswerHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }

    /// <summary>An RPC client and the HttpClient it does not own, disposed together.</summary>
    private sealed class MeasuredClient(HttpClient http, EthRpcClient rpc) : IDisposable
    {
        public EthRpcClient Rpc { get; } = rpc;

        public void Dispose()
        {
            Rpc.Dispose();
            http.Dispose();
        }
    }
}
