using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;
using WalletGrains.Runtime.Testing;
using WalletGrains.Testing;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// Webhooks end to end: created through the API, fed by events appended to the real store, received by a real HTTP
/// listener that checks the signature independently; failures, retries, the retry window and re-enabling.
/// </summary>
public sealed class WebhookDeliveryTests
{
    /// <summary>How long a test waits for an observable condition.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Receiver_gets_correctly_signed_events_in_order_and_only_those_it_asked_for(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage);
        await using var receiver = await WebhookReceiver.StartAsync();

        var before = await host.Store.AppendEventsAsync(TestEvents.Mix(2), Ct);
        var created = await CreateWebhookAsync(host, receiver.Url, "transaction.*", "balance.changed");
        Assert.Equal(before[^1].Id, (long)created["cursor"]!);
        var secret = (string)created["secret"]!;
        Assert.StartsWith(WebhookSecrets.SecretPrefix, secret, StringComparison.Ordinal);

        var appended = new List<WalletEvent>();
        appended.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(7), Ct));
        appended.AddRange(await host.Store.AppendEventsAsync([.. TestEvents.Mix(5), TestEvents.Approval()], Ct));
        var expected = appended.Where(e => e.Type.StartsWith("transaction.", StringComparison.Ordinal) || e.Type == WalletEventTypes.BalanceChanged).ToList();

        await Eventually.HoldsAsync(() => receiver.Accepted.Count >= expected.Count, Wait, $"{expected.Count} deliveries", Ct);
        var received = receiver.Accepted;
        Assert.Equal(expected.Select(e => e.Id), received.Select(r => JsonNode.Parse(r.Body)!["id"]!.GetValue<long>()));

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < expected.Count; i++)
        {
            var (request, stored) = (received[i], expected[i]);
            Assert.True(SignatureCheck.Verify(request.Signature, request.Body, secret, out var t), $"signature '{request.Signature}' of event {stored.Id}");
            Assert.InRange(t, now - 300, now + 5);
            Assert.False(SignatureCheck.Verify(request.Signature, request.Body, secret + "x", out _));
            Assert.False(SignatureCheck.Verify(request.Signature, request.Body, WebhookSecrets.NewSecret(), out _));
            var tampered = (byte[])request.Body.Clone();
            tampered[^2] ^= 1;
            Assert.False(SignatureCheck.Verify(request.Signature, tampered, secret, out _));

            Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
            Assert.Equal(stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), request.EventIdHeader);
            var body = JsonNode.Parse(request.Body)!.AsObject();
            Assert.Equal(["id", "type", "createdAt", "chainId", "removed", "data"], body.Select(p => p.Key));
            Assert.Equal(stored.Type, (string)body["type"]!);
            Assert.Equal(stored.ChainId, (ulong)body["chainId"]!);
            Assert.Equal(stored.Removed, (bool)body["removed"]!);
            Assert.Equal(stored.CreatedAt, DateTimeOffset.Parse((string)body["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(JsonValueKind.Object, body["data"]!.GetValueKind());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.Data), body["data"]), $"data of event {stored.Id}");

            // Byte for byte what GET /v1/events shows for the same event.
            using var page = JsonDocument.Parse(await host.Http.GetStringAsync($"v1/events?after={stored.Id - 1}&limit=1", Ct));
            Assert.Equal(page.RootElement.GetProperty("items")[0].GetRawText(), Encoding.UTF8.GetString(request.Body));
        }

        // The trailing approval does not match: the cursor passes it without a request.
        var id = (string)created["id"]!;
        var state = await Eventually.UntilAsync(() => GetWebhookAsync(host, id), w => (long)w["cursor"]! == appended[^1].Id, Wait, "the cursor past the skipped approval", Ct);
        Assert.Equal(0, (int)state["attempts"]!);
        Assert.Null(state["lastError"]);
        Assert.NotNull(state["lastDeliveredAt"]);
        Assert.False(state.AsObject().ContainsKey("secret"));
        Assert.Equal(expected.Count, receiver.Requests.Count);

        var list = JsonNode.Parse(await host.Http.GetStringAsync("v1/webhooks", Ct))!["items"]!.AsArray();
        var listed = Assert.Single(list)!.AsObject();
        Assert.False(listed.ContainsKey("secret"));
        Assert.Equal(receiver.Url.AbsoluteUri, (string)listed["url"]!);
        Assert.Equal(["transaction.*", "balance.changed"], listed["events"]!.AsArray().Select(e => (string)e!));
    }

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Receiver_that_fails_for_a_while_gets_every_event_later_in_order(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage, settings: new Dictionary<string, string?>
        {
            ["Wallet:Webhooks:InitialBackoff"] = "00:00:00.020",
            ["Wallet:Webhooks:MaxBackoff"] = "00:00:00.100",
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        var failing = true;
        receiver.Respond = _ => Volatile.Read(ref failing) ? 500 : 204;

        var created = await CreateWebhookAsync(host, receiver.Url, "*");
        var id = (string)created["id"]!;
        var appended = (await host.Store.AppendEventsAsync(TestEvents.Mix(6), Ct)).ToList();

        // While the receiver fails, the first event is retried and nothing after it is tried; the error is visible.
        var failingState = await Eventually.UntilAsync(() => GetWebhookAsync(host, id), w => (int)w["attempts"]! >= 3, Wait, "three failed attempts", Ct);
        Assert.Equal("HTTP 500 Internal Server Error", (string)failingState["lastError"]!);
        Assert.Equal((long)created["cursor"]!, (long)failingState["cursor"]!);
        Assert.NotNull(failingState["failingSince"]);
        Assert.All(receiver.Requests, r => Assert.Equal(appended[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.EventIdHeader));

        Volatile.Write(ref failing, false);
        appended.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(3), Ct));
        await Eventually.HoldsAsync(() => receiver.Accepted.Count >= appended.Count, Wait, $"{appended.Count} deliveries", Ct);
        Assert.Equal(appended.Select(e => e.Id), receiver.Accepted.Select(r => JsonNode.Parse(r.Body)!["id"]!.GetValue<long>()));
        Assert.All(receiver.Requests, r => Assert.True(SignatureCheck.Verify(r.Signature, r.Body, (string)created["secret"]!, out _)));

        var recovered = await Eventually.UntilAsync(() => GetWebhookAsync(host, id), w => (long)w["cursor"]! == appended[^1].Id, Wait, "the cursor at the last event", Ct);
        Assert.Equal(0, (int)recovered["attempts"]!);
        Assert.Null(recovered["lastError"]);
        Assert.Null(recovered["failingSince"]);
        Assert.Equal("enabled", (string)recovered["state"]!);
    }

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Receiver_that_never_recovers_is_disabled_after_the_retry_window_and_enable_resumes_from_the_cursor(string kind)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage, clock);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => 503;
        var created = await CreateWebhookAsync(host, receiver.Url, "*");
        var id = (string)created["id"]!;
        var appended = await host.Store.AppendEventsAsync(TestEvents.Mix(2), Ct);
        var window = new WebhookOptions().RetryFor;
        var maxBackoff = new WebhookOptions().MaxBackoff;

        // Each failure schedules the next attempt at most MaxBackoff later; moving the clock by that much brings it on.
        var attempts = 0;
        JsonNode state;
        while (true)
        {
            var seen = attempts;
            state = await Eventually.UntilAsync(
                () => GetWebhookAsync(host, id),
                w => (int)w["attempts"]! > seen || (string)w["state"]! == "disabled",
                Wait,
                $"attempt {seen + 1}", Ct);
            attempts = (int)state["attempts"]!;
            if ((string)state["state"]! == "disabled")
            {
                break;
            }

            Assert.True(attempts < 200, "the webhook was never disabled");
            clock.Advance(maxBackoff);
        }
        var failingSince = DateTimeOffset.Parse((string)state["failingSince"]!, System.Globalization.CultureInfo.InvariantCulture);
        var disabledAt = DateTimeOffset.Parse((string)state["disabledAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(disabledAt - failingSince, window, window + maxBackoff);
        Assert.Contains($"Event {appended[0].Id}", (string)state["disabledReason"]!, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", (string)state["disabledReason"]!, StringComparison.Ordinal);
        Assert.Equal((long)created["cursor"]!, (long)state["cursor"]!);
        Assert.Equal(attempts, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(appended[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.EventIdHeader));
        var dispatcher = host.Services.GetRequiredService<WebhookDispatcher>();
        await Eventually.HoldsAsync(() => !dispatcher.ActiveWebhooks.Contains(id), Wait, "the worker of the disabled webhook to stop", Ct);

        // Re-enabled, delivery resumes with the event that failed, then the next one.
        receiver.Respond = _ => 200;
        using var enable = await host.Http.PostAsync($"v1/webhooks/{id}/enable", null, Ct);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var enabled = JsonNode.Parse(await enable.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("enabled", (string)enabled["state"]!);
        Assert.Null(enabled["disabledReason"]);
        await Eventually.HoldsAsync(() => receiver.Accepted.Count >= 2, Wait, "the two events after re-enabling", Ct);
        Assert.Equal(appended.Select(e => e.Id), receiver.Accepted.Select(r => JsonNode.Parse(r.Body)!["id"]!.GetValue<long>()));
        await Eventually.UntilAsync(() => GetWebhookAsync(host, id), w => (long)w["cursor"]! == appended[^1].Id, Wait, "the cursor at the last event", Ct);
    }

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Two_silos_on_one_database_deliver_each_event_once_in_order(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var first = await DeliveryHost.StartAsync(storage);
        await using var second = await DeliveryHost.StartAsync(storage);
        await using var receiver = await WebhookReceiver.StartAsync();
        await CreateWebhookAsync(first, receiver.Url, "*");
        second.Services.GetRequiredService<IWebhookDispatcher>().Wake();

        // Both dispatchers run a worker for the webhook; appends land on either silo, so either may be first to see them.
        var appended = new List<WalletEvent>();
        for (var i = 0; i < 10; i++)
        {
            var host = i % 2 == 0 ? first : second;
            appended.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(2), Ct));
        }

        await Eventually.HoldsAsync(() => receiver.Accepted.Count >= appended.Count, Wait, $"{appended.Count} deliveries", Ct);
        Assert.Equal(appended.Select(e => e.Id), receiver.Accepted.Select(r => JsonNode.Parse(r.Body)!["id"]!.GetValue<long>()));
        Assert.Equal(appended.Count, receiver.Requests.Count);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_codes_and_write_nothing()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        string[] bad =
        [
            "{}",
            """{"url":"ftp://example.com/x","events":["*"]}""",
            """{"url":"/relative","events":["*"]}""",
            """{"url":"http://user:pass@example.com/x","events":["*"]}""",
            """{"url":"http://example.com/x#fragment","events":["*"]}""",
            """{"url":"http://example.com/x","events":[]}""",
            """{"url":"http://example.com/x","events":["transaction.confirm"]}""",
            """{"url":"http://example.com/x","events":["nothing.*"]}""",
            """{"url":"http://example.com/x","events":"*"}""",
            """{"url":"http://example.com/x","events":[1]}""",
            """{"url":"http://example.com/x","events":["*"],"secret":"mine"}""",
            """{"url":42,"events":["*"]}""",
            """{"url":"http://example.com/x","events":["*"],}""",
        ];
        foreach (var json in bad)
        {
            using var response = await host.PostJsonAsync("v1/webhooks", json);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request", json);
        }

        using (var text = await host.Http.PostAsync("v1/webhooks", new StringContent("""{"url":"http://example.com/x","events":["*"]}""", Encoding.UTF8, "text/plain"), Ct))
        {
            await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType, "invalid_request", "text/plain");
        }

        var reader = host.Client(await host.AddKeyAsync("reader"));
        using (var forbidden = await reader.PostAsync("v1/webhooks", new StringContent("""{"url":"http://example.com/x","events":["*"]}""", Encoding.UTF8, "application/json"), Ct))
        {
            await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden", "reader key");
        }

        using (var anonymous = await host.Client(null).GetAsync("v1/webhooks", Ct))
        {
            await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized", "no key");
        }

        Assert.Empty(await host.Webhooks.ListAsync(Ct));
        using (var missing = await host.Http.GetAsync("v1/webhooks/wh_nope", Ct))
        {
            await AssertProblemAsync(missing, HttpStatusCode.NotFound, "not_found", "GET unknown");
        }

        using (var missing = await host.Http.DeleteAsync("v1/webhooks/wh_nope", Ct))
        {
            await AssertProblemAsync(missing, HttpStatusCode.NotFound, "not_found", "DELETE unknown");
        }

        using (var missing = await host.Http.PostAsync("v1/webhooks/wh_nope/enable", null, Ct))
        {
            await AssertProblemAsync(missing, HttpStatusCode.NotFound, "not_found", "enable unknown");
        }

        // A good one: 201 with Location, no-store, the secret once; disable, delete; its worker goes away.
        using var created = await host.PostJsonAsync("v1/webhooks", """{"url":"https://example.com/hook?token=t","events":["transaction.*","transaction.*","approval"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
        var id = (string)body["id"]!;
        Assert.Equal($"/v1/webhooks/{id}", created.Headers.Location?.ToString());
        Assert.Equal(["transaction.*", "approval"], body["events"]!.AsArray().Select(e => (string)e!));
        var dispatcher = host.Services.GetRequiredService<WebhookDispatcher>();
        await Eventually.HoldsAsync(() => dispatcher.ActiveWebhooks.Contains(id), Wait, "a worker for the new webhook", Ct);

        using (var disable = await host.Http.PostAsync($"v1/webhooks/{id}/disable", null, Ct))
        {
            var disabled = JsonNode.Parse(await disable.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal("disabled", (string)disabled["state"]!);
            Assert.Contains("through the API", (string)disabled["disabledReason"]!, StringComparison.Ordinal);
        }

        await Eventually.HoldsAsync(() => !dispatcher.ActiveWebhooks.Contains(id), Wait, "the worker of the disabled webhook to stop", Ct);
        using (var delete = await host.Http.DeleteAsync($"v1/webhooks/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var gone = await host.Http.GetAsync($"v1/webhooks/{id}", Ct))
        {
            await AssertProblemAsync(gone, HttpStatusCode.NotFound, "not_found", "GET deleted");
        }

        Assert.Empty(await host.Webhooks.ListAsync(Ct));
    }

    internal static async Task<JsonNode> CreateWebhookAsync(DeliveryHost host, Uri url, params string[] events)
    {
        var json = new JsonObject { ["url"] = url.AbsoluteUri, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]) }.ToJsonString();
        using var response = await host.PostJsonAsync("v1/webhooks", json);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!;
    }

    internal static async Task<JsonNode> GetWebhookAsync(DeliveryHost host, string id) =>
        JsonNode.Parse(await host.Http.GetStringAsync($"v1/webhooks/{id}", Ct))!;

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string what)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string)JsonNode.Parse(text)!["code"]!);
    }
}

