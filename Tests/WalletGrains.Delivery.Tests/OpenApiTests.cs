using System.Text.Json;

namespace WalletGrains.Delivery.Tests;

/// <summary>The delivery routes are in the OpenAPI document completely: name, summary, tag, key, success and 401.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Delivery_routes_are_documented_completely()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        using var doc = JsonDocument.Parse(await host.Client(null).GetStringAsync("openapi/v1.json", TestContext.Current.CancellationToken));
        var paths = doc.RootElement.GetProperty("paths");
        var expected = new (string Path, string Method, string Name, string Success)[]
        {
            ("/v1/events", "get", "ListEvents", "200"),
            ("/v1/events/stream", "get", "StreamEvents", "200"),
            ("/v1/webhooks", "post", "CreateWebhook", "201"),
            ("/v1/webhooks", "get", "ListWebhooks", "200"),
            ("/v1/webhooks/{id}", "get", "GetWebhook", "200"),
            ("/v1/webhooks/{id}", "delete", "DeleteWebhook", "204"),
            ("/v1/webhooks/{id}/enable", "post", "EnableWebhook", "200"),
            ("/v1/webhooks/{id}/disable", "post", "DisableWebhook", "200"),
        };
        foreach (var (path, method, name, success) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} missing");
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
            Assert.Contains("ApiKey", operation.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)));
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty(success, out _), $"{method} {path}: no {success}");
            Assert.True(responses.TryGetProperty("401", out _), $"{method} {path}: no 401");
            if (operation.TryGetProperty("parameters", out var parameters))
            {
                Assert.DoesNotContain(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() is "caller" or "request" or "feed");
            }
        }

        var stream = paths.GetProperty("/v1/events/stream").GetProperty("get");
        Assert.True(stream.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Contains("Last-Event-ID", stream.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var page = paths.GetProperty("/v1/events").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json");
        Assert.True(page.TryGetProperty("schema", out _));
        var create = paths.GetProperty("/v1/webhooks").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }
}
