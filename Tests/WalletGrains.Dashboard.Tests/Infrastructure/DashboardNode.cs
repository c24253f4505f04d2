using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using WalletGrains.Api.Dashboard;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Dashboard.Tests.Infrastructure;

/// <summary>
/// One real silo host (the executable's composition, dashboard included) on a free loopback port, in a
/// chosen environment.
/// </summary>
public sealed class DashboardNode : IAsyncDisposable
{
    public const string AdminKey = "wg_dashboard_admin_key_0123456789abcdef";

    private readonly WebApplication _app;

    private DashboardNode(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = CreateClient(AdminKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client carrying the admin key.</summary>
    public HttpClient Http { get; }

    public static async Task<DashboardNode> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment)
    {
        var port = FreePort.GetLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var builder = WalletHost.CreateBuilder(["--environment", environment], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:Auth:AdminApiKey"] = AdminKey,
                ["Wallet:DevChain:Enabled"] = "false",
                // The browser test polls every second and sends in bursts; rate limits have their own tests.
                ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1000000",
                ["Wallet:Api:RateLimit:Burst"] = "1000000",
            });
            b.Configuration.AddInMemoryCollection(settings);
            b.WebHost.UseUrls(url.ToString());
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        var app = WalletHost.Build(builder);
        await app.StartAsync();
        return new DashboardNode(app, url);
    }

    /// <summary>A client with the given Bearer key, or none.</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Creates an API key through POST /v1/api-keys and returns its secret.</summary>
    public async Task<string> CreateApiKeyAsync(string role, IEnumerable<string>? allowedFrom = null, CancellationToken ct = default)
    {
        var body = new JsonObject { ["role"] = role };
        if (allowedFrom is not null)
        {
            body["allowedFrom"] = new JsonArray([.. allowedFrom.Select(a => JsonValue.Create(a))]);
        }

        using var response = await Http.PostAsJsonAsync("v1/api-keys", body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode
            ? (string)JsonNode.Parse(text)!["key"]!
            : throw new HttpRequestException($"POST v1/api-keys: {(int)response.StatusCode} {text}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
