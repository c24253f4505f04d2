using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

/// <summary>
/// A JSON-RPC proxy in front of anvil that behaves like a node with a log range limit: <c>eth_getLogs</c> over more
/// than <see cref="MaxRange"/> blocks is refused with reth's wording and code (-32602 "query exceeds max block
/// range N"); methods in <see cref="Unsupported"/> are answered as a node without them answers (-32601); everything
/// else, batches included (item by item), goes to anvil unchanged. Every call is recorded in <see cref="Calls"/>.
/// </summary>
public sealed class RefusingRpcProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _upstream;
    private int _refused;

    private RefusingRpcProxy(WebApplication app, Uri upstream, int maxRange, Uri url)
    {
        _app = app;
        _upstream = upstream;
        MaxRange = maxRange;
        Url = url;
    }

    public Uri Url { get; }

    public int MaxRange { get; }

    /// <summary>eth_getLogs queries refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Methods this proxy answers with -32601, as a node that does not serve them.</summary>
    public ConcurrentDictionary<string, bool> Unsupported { get; } = new(StringComparer.Ordinal);

    /// <summary>Every call received, in order: method and parameters.</summary>
    public ConcurrentQueue<(string Method, JsonArray? Params)> Calls { get; } = new();

    /// <summary>The block range of every eth_getLogs query passed on to anvil.</summary>
    public ConcurrentQueue<ulong> AcceptedRanges { get; } = new();

    public static async Task<RefusingRpcProxy> StartAsync(Uri upstream, int maxRange)
    {
        var port = FreePort.GetLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new RefusingRpcProxy(app, upstream, maxRange, url);
        app.MapPost("/", proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var request = JsonNode.Parse(await reader.ReadToEndAsync())!;
        JsonNode response;
        if (request is JsonArray batch)
        {
            var answers = new JsonArray();
            foreach (var item in batch)
            {
                answers.Add(await AnswerAsync(item!));
            }

            response = answers;
        }
        else
        {
            response = await AnswerAsync(request);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private async Task<JsonNode> AnswerAsync(JsonNode request)
    {
        var method = (string?)request["method"] ?? "";
        Calls.Enqueue((method, request["params"]?.DeepClone() as JsonArray));
        if (Unsupported.ContainsKey(method))
        {
            return new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = request["id"]?.DeepClone(),
                ["error"] = new JsonObject { ["code"] = -32601, ["message"] = $"the method {method} does not exist/is not available" },
            };
        }

        if ((string?)request["method"] == "eth_getLogs" && request["params"]?[0] is JsonObject filter
            && TryBlock(filter["fromBlock"], out var from) && TryBlock(filter["toBlock"], out var to))
        {
            var range = to - from + 1;
            if (range > (ulong)MaxRange)
            {
                Interlocked.Increment(ref _refused);
                return new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = request["id"]?.DeepClone(),
                    ["error"] = new JsonObject { ["code"] = -32602, ["message"] = $"query exceeds max block range {MaxRange.ToString(CultureInfo.InvariantCulture)}" },
                };
            }

            AcceptedRanges.Enqueue(range);
        }

        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var answer = await _http.PostAsync(_upstream, content);
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
    }

    private static bool TryBlock(JsonNode? node, out ulong number)
    {
        number = 0;
        var text = (string?)node;
        return text is not null && text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
    }
}
