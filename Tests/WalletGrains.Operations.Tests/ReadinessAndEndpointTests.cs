using System.Net;
using System.Text.Json;
using WalletGrains.Api.Operations;
using WalletGrains.Grains.Telemetry;
using WalletGrains.Operations.Tests.Infrastructure;
using WalletGrains.Testing;

namespace WalletGrains.Operations.Tests;

/// <summary>/health/ready and /metrics in a real host over a real anvil and SQLite.</summary>
public sealed class ReadinessAndEndpointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_turns_unhealthy_naming_the_chain_when_its_rpc_dies_and_recovers_when_it_is_back()
    {
        var anvil = await AnvilProcess.StartAsync(cancellationToken: Ct);
        var port = anvil.Port;
        var chain = anvil.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        FixedPortAnvil? restarted = null;
        await using var host = await OperationsTestHost.StartAsync(anvil.RpcUrl, anvil.ChainId);
        try
        {
            using (var ready = await host.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                var body = await ReadJsonAsync(ready);
                Assert.Equal("Healthy", Check(body, StorageReadinessCheck.Name).GetProperty("status").GetString());
                Assert.Equal("Healthy", Check(body, ChainRpcReadinessCheck.Name).GetProperty("status").GetString());
            }

            using (var live = await host.GetAsync("/health/live"))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            await anvil.DisposeAsync();

            using (var down = await host.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                var body = await ReadJsonAsync(down);
                Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
                var chains = Check(body, ChainRpcReadinessCheck.Name);
                Assert.Equal("Unhealthy", chains.GetProperty("status").GetString());
                Assert.Contains($"chain {chain} (anvil)", chains.GetProperty("description").GetString(), StringComparison.Ordinal);
                Assert.Equal("Healthy", Check(body, StorageReadinessCheck.Name).GetProperty("status").GetString());
            }

            var scrape = PrometheusParser.Parse(await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct));
            Assert.True(scrape.Sum("wallet_rpc_requests_total", ("chain", chain), ("method", "eth_blockNumber"), ("outcome", RpcOutcomes.Unreachable)) >= 1);

            restarted = await FixedPortAnvil.StartAsync(port, Deadline, Ct);
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await host.GetAsync("/health/ready");
                    return response.StatusCode == HttpStatusCode.OK;
                },
                Deadline,
                "/health/ready to answer 200 after anvil came back",
                Ct);
        }
        finally
        {
            await anvil.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Metrics_endpoint_serves_strict_exposition_with_rpc_and_http_server_metrics()
    {
        await using var anvil = await AnvilProcess.StartAsync(cancellationToken: Ct);
        await using var host = await OperationsTestHost.StartAsync(anvil.RpcUrl, anvil.ChainId);
        var chain = anvil.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var ready = await host.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        async Task<IReadOnlyDictionary<string, PromFamily>> ScrapeAsync()
        {
            using var response = await host.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(PrometheusExporter.ContentType, response.Content.Headers.ContentType!.ToString());
            return PrometheusParser.Parse(await response.Content.ReadAsStringAsync(Ct));
        }

        // ASP.NET Core records a request's duration when the request ends, which can be just after its client has the
        // answer: the readiness request shows in a scrape soon after, not necessarily in the first.
        var scrape = await Eventually.UntilAsync(
            ScrapeAsync,
            s => s.Sum("http_server_request_duration_seconds_count", ("http_route", "/health/ready"), ("http_response_status_code", "200")) >= 1,
            Deadline,
            "the readiness request in the scrape's http_server_request_duration_seconds",
            Ct);
        // eth_chainId from the start-up verification, eth_blockNumber from the readiness check.
        Assert.True(scrape.Sum("wallet_rpc_requests_total", ("chain", chain), ("method", "eth_chainId"), ("outcome", RpcOutcomes.Ok)) >= 1);
        Assert.True(scrape.Sum("wallet_rpc_requests_total", ("chain", chain), ("method", "eth_blockNumber"), ("outcome", RpcOutcomes.Ok)) >= 1);
        Assert.Equal("histogram", scrape["wallet_rpc_duration_seconds"].Type);
        Assert.Equal("histogram", scrape["http_server_request_duration_seconds"].Type);
        Assert.Contains("wallet_transactions_total", scrape.Keys);
    }

    [Fact]
    public async Task Unmigrated_storage_is_not_ready_and_metrics_can_require_the_admin_key()
    {
        await using var anvil = await AnvilProcess.StartAsync(cancellationToken: Ct);
        await using var host = await OperationsTestHost.StartAsync(
            anvil.RpcUrl, anvil.ChainId, migrate: false, new Dictionary<string, string?> { ["Wallet:Operations:MetricsRequireKey"] = "true" });

        using (var ready = await host.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = await ReadJsonAsync(ready);
            Assert.Equal("Unhealthy", Check(body, StorageReadinessCheck.Name).GetProperty("status").GetString());
            Assert.Equal("Healthy", Check(body, ChainRpcReadinessCheck.Name).GetProperty("status").GetString());
        }

        using (var anonymous = await host.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var admin = await host.GetAsync("/metrics", OperationsTestHost.AdminKey);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        PrometheusParser.Parse(await admin.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.Clone();
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
}
