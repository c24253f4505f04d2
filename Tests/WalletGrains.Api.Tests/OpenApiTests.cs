using System.Net;
using System.Text.Json;
using WalletGrains.Api.Tests.Infrastructure;

namespace WalletGrains.Api.Tests;

/// <summary>The OpenAPI document covers every route with name, summary, tag, responses and security; /docs serves the UI.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_lists_every_route_completely()
    {
        await using var host = await ApiTestHost.StartAsync();
        var doc = await Problems.JsonAsync(await host.SendAsync(HttpMethod.Get, "/openapi/v1.json", key: null), HttpStatusCode.OK);

        var expected = new (string Path, string Method, string Name)[]
        {
            ("/v1/transactions", "post", "SendTransaction"),
            ("/v1/transactions", "get", "ListTransactions"),
            ("/v1/transactions/{id}", "get", "GetTransaction"),
            ("/v1/transactions/{id}/cancel", "post", "CancelTransaction"),
            ("/v1/accounts", "get", "ListAccounts"),
            ("/v1/accounts/{chainId}/{address}", "get", "GetAccount"),
            ("/v1/api-keys", "post", "CreateApiKey"),
            ("/v1/watches", "post", "UpsertWatch"),
            ("/v1/watches", "get", "ListWatches"),
            ("/v1/watches/{chainId}/{address}", "get", "GetWatch"),
            ("/v1/watches/{chainId}/{address}", "delete", "DeleteWatch"),
            ("/v1/balances/{chainId}/{address}", "get", "GetBalances"),
            ("/v1/events", "get", "ListEvents"),
            ("/v1/events/stream", "get", "StreamEvents"),
            ("/v1/webhooks", "post", "CreateWebhook"),
            ("/v1/webhooks", "get", "ListWebhooks"),
            ("/v1/webhooks/{id}", "get", "GetWebhook"),
            ("/v1/webhooks/{id}", "delete", "DeleteWebhook"),
            ("/v1/webhooks/{id}/enable", "post", "EnableWebhook"),
            ("/v1/webhooks/{id}/disable", "post", "DisableWebhook"),
        };
        var paths = doc.GetProperty("paths");
        foreach (var (path, method, name) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing; paths: {string.Join(", ", Problems.Names(paths))}");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} missing");
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
            Assert.Contains("ApiKey", operation.GetProperty("security").EnumerateArray().SelectMany(Problems.Names));
            var responses = Problems.Names(operation.GetProperty("responses"));
            Assert.Contains(responses, r => r.StartsWith('2'));
            Assert.Contains("401", responses);
            if (operation.TryGetProperty("parameters", out var parameters))
            {
                Assert.DoesNotContain(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() == "caller");
            }
        }

        Assert.Equal(expected.Length, paths.EnumerateObject().Sum(p => p.Value.EnumerateObject().Count()));
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var send = paths.GetProperty("/v1/transactions").GetProperty("post");
        Assert.True(send.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Contains("Idempotency-Key", send.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("422", Problems.Names(send.GetProperty("responses")));
        Assert.Contains("503", Problems.Names(send.GetProperty("responses")));
    }

    [Fact]
    public async Task Docs_serve_the_swagger_ui_from_the_package()
    {
        await using var host = await ApiTestHost.StartAsync();

        var root = await host.SendAsync(HttpMethod.Get, "/docs", key: null);
        Assert.True(root.StatusCode is HttpStatusCode.OK or HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect, $"/docs answered {root.StatusCode}");

        var index = await host.SendAsync(HttpMethod.Get, "/docs/index.html", key: null);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        var html = await index.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);

        var config = await host.SendAsync(HttpMethod.Get, "/docs/index.js", key: null);
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Contains("/openapi/v1.json", await config.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var bundle = await host.SendAsync(HttpMethod.Get, "/docs/swagger-ui-bundle.js", key: null);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
    }
}
