using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// The real silo host (the executable's composition, <see cref="WalletHost"/>) on a free loopback port, with every
/// JSON-RPC request it sends counted at the HTTP boundary by <see cref="Rpc"/>.
/// </summary>
public sealed class BalanceNode : IAsyncDisposable
{
    public const string AdminKey = "wg_balances_admin_key_0123456789";

    private readonly WebApplication _app;

    private BalanceNode(WebApplication app, Uri baseUrl, RpcTrafficCounter rpc)
    {
        _app = app;
        Rpc = rpc;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    /// <summary>A client carrying the admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>The silo's JSON-RPC traffic to the chain.</summary>
    public RpcTrafficCounter Rpc { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<BalanceNode> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort.GetLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var rpc = new RpcTrafficCounter();
        var builder = WalletHost.CreateBuilder(["--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
            {
                ["Wallet:Auth:AdminApiKey"] = AdminKey,
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1000000",
                ["Wallet:Api:RateLimit:Burst"] = "1000000",
            });

            // Registered before AddWalletChains (which only adds a registry when none is there): the same registry,
            // with every request passing the counter on its way to the node.
            b.Services.AddSingleton(sp => new ChainRegistry(
                sp.GetRequiredService<IOptions<WalletOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                createTransport: () => rpc.CreateHandler()));
            b.WebHost.UseUrls(url.ToString());
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        var app = WalletHost.Build(builder);
        await app.StartAsync();
        return new BalanceNode(app, url, rpc);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Sends a request; returns status and parsed body (null when empty).</summary>
    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
