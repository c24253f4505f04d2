using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// One real silo host (the same composition as the executable) listening on a free loopback port,
/// on given storage and chain. Stop and start it again on the same storage to test restarts.
/// </summary>
public sealed class WalletNode : IAsyncDisposable
{
    public const string AdminKey = "wg_integration_admin_key_0123456789";

    private readonly WebApplication _app;

    private WalletNode(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client carrying the admin key.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="services">Registrations added after the host's own (the last registration of a service wins).</param>
    public static async Task<WalletNode> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var port = FreePort.GetLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var builder = WalletHost.CreateBuilder(["--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
            {
                ["Wallet:Auth:AdminApiKey"] = AdminKey,
                ["Wallet:DevChain:Enabled"] = "false",
            });
            if (settings.ContainsKey("Wallet:Api:RateLimit:PermitsPerSecond") is false)
            {
                // Tests poll hundreds of transactions at once; per-key rate limits have their own tests.
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1000000",
                    ["Wallet:Api:RateLimit:Burst"] = "1000000",
                });
            }
            b.WebHost.UseUrls(url.ToString());
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        services?.Invoke(builder.Services);
        var app = WalletHost.Build(builder);
        await app.StartAsync();
        return new WalletNode(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>POST /v1/transactions; returns status and body.</summary>
    public async Task<(int Status, JsonNode? Body)> SendAsync(object body, string? idempotencyKey = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/transactions") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> GetJsonAsync(string path, CancellationToken ct = default)
    {
        using var response = await Http.GetAsync(path, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
    }

    /// <summary>Polls GET /v1/transactions/{id} until every transaction is in one of the wanted statuses, or fails at the deadline.</summary>
    public async Task<List<JsonNode>> WaitForStatusAsync(IReadOnlyList<string> ids, TimeSpan deadline, params string[] statuses)
    {
        var until = DateTime.UtcNow + deadline;
        var results = new JsonNode[ids.Count];
        var remaining = Enumerable.Range(0, ids.Count).ToList();
        while (true)
        {
            var still = new List<int>();
            foreach (var i in remaining)
            {
                var tx = await GetJsonAsync($"v1/transactions/{ids[i]}");
                results[i] = tx;
                if (!statuses.Contains((string)tx["status"]!))
                {
                    still.Add(i);
                }
            }

            remaining = still;
            if (remaining.Count == 0)
            {
                return [.. results];
            }

            if (DateTime.UtcNow > until)
            {
                var sample = results[remaining[0]];
                throw new TimeoutException($"{remaining.Count} of {ids.Count} transactions not in [{string.Join(", ", statuses)}] after {deadline}; e.g. {sample?.ToJsonString()}");
            }

            await Task.Delay(200);
        }
    }
}
