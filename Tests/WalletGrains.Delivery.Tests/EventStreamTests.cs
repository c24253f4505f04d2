using System.Net;
using System.Text.Json.Nodes;
using WalletGrains.Grains;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// <c>GET /v1/events/stream</c> over real HTTP: messages carry id, type and the event JSON; a client that
/// reconnects with Last-Event-ID continues with no gap and no duplicate; heartbeats keep an idle stream alive.
/// </summary>
public sealed class EventStreamTests
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Reconnecting_with_Last_Event_ID_resumes_without_gap_or_duplicate(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage);
        var reader = host.Client(await host.AddKeyAsync("reader"));
        var log = new List<WalletEvent>(await host.Store.AppendEventsAsync(TestEvents.Mix(5), Ct));
        var received = new List<SseMessage>();

        await using (var first = await SseClient.OpenAsync(reader, "v1/events/stream", cancellationToken: Ct))
        {
            Assert.Equal("no-cache", first.Response.Headers.CacheControl?.ToString());
            for (var i = 0; i < 5; i++)
            {
                received.Add(await first.NextAsync(MessageTimeout));
            }

            // Appended while connected: pushed without a reconnect.
            log.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(3), Ct));
            for (var i = 0; i < 3; i++)
            {
                received.Add(await first.NextAsync(MessageTimeout));
            }
        }

        // Disconnected: these are committed while nobody listens.
        log.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(4), Ct));
        log.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(2), Ct));

        // Last-Event-ID wins over ?after= (a reconnecting EventSource keeps its original URL).
        await using (var second = await SseClient.OpenAsync(reader, "v1/events/stream?after=0", lastEventId: received[^1].Id, cancellationToken: Ct))
        {
            for (var i = 0; i < 6; i++)
            {
                received.Add(await second.NextAsync(MessageTimeout));
            }
        }

        Assert.Equal(log.Select(e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(m => m.Id));
        for (var i = 0; i < log.Count; i++)
        {
            var data = JsonNode.Parse(received[i].Data)!;
            Assert.Equal(log[i].Type, received[i].Event);
            Assert.Equal(log[i].Id, (long)data["id"]!);
            Assert.Equal(log[i].Type, (string)data["type"]!);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(log[i].Data), data["data"]));
        }

        // ?after= alone starts after that id.
        await using var third = await SseClient.OpenAsync(reader, $"v1/events/stream?after={log[^2].Id}", cancellationToken: Ct);
        Assert.Equal(log[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await third.NextAsync(MessageTimeout)).Id);
    }

    [Fact]
    public async Task Filtered_stream_sends_only_matching_types_and_heartbeats_when_idle()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage, settings: new Dictionary<string, string?>
        {
            ["Wallet:Events:HeartbeatInterval"] = "00:00:00.100",
        });
        var appended = await host.Store.AppendEventsAsync(TestEvents.Mix(8), Ct);
        var balances = appended.Where(e => e.Type == WalletEventTypes.BalanceChanged).ToList();

        await using var stream = await SseClient.OpenAsync(host.Http, "v1/events/stream?types=balance.changed", cancellationToken: Ct);
        foreach (var expected in balances)
        {
            var message = await stream.NextAsync(MessageTimeout);
            Assert.Equal(expected.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Id);
            Assert.Equal(WalletEventTypes.BalanceChanged, message.Event);
        }

        // The opening comment, then heartbeats while nothing matches.
        await stream.WaitForCommentsAsync(stream.Comments + 3, MessageTimeout);
        var later = await host.Store.AppendEventsAsync([TestEvents.Approval(), TestEvents.BalanceChanged()], Ct);
        Assert.Equal(later[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await stream.NextAsync(MessageTimeout)).Id);
    }

    [Fact]
    public async Task Events_written_by_another_store_instance_arrive_by_polling()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        await using var stream = await SseClient.OpenAsync(host.Http, "v1/events/stream", cancellationToken: Ct);

        // Another writer on the same database (as another process would be): no in-process signal reaches the stream.
        await using var other = (IAsyncDisposable)storage.OpenWalletStore();
        var appended = await ((Grains.Storage.IWalletStore)other).AppendEventsAsync(TestEvents.Mix(2), Ct);
        Assert.Equal(appended[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await stream.NextAsync(MessageTimeout)).Id);
        Assert.Equal(appended[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await stream.NextAsync(MessageTimeout)).Id);
    }

    [Fact]
    public async Task Stopping_the_host_ends_open_streams()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        var host = await DeliveryHost.StartAsync(storage);
        await using var stream = await SseClient.OpenAsync(host.Http, "v1/events/stream", cancellationToken: Ct);
        await host.Store.AppendEventsAsync([TestEvents.Approval()], Ct);
        await stream.NextAsync(MessageTimeout);

        // Kestrel waits for open requests when it stops; the stream must end by itself, well before the 30 s shutdown timeout.
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopped.Elapsed}");
        await Assert.ThrowsAnyAsync<Exception>(() => stream.NextAsync(MessageTimeout));
    }

    [Fact]
    public async Task Bad_resume_points_are_refused()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        foreach (var (path, lastEventId) in new[] { ("v1/events/stream", "abc"), ("v1/events/stream", "-3"), ("v1/events/stream?after=x", null), ("v1/events/stream?types=nope", null) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            using var response = await host.Http.SendAsync(request, Ct);
            await WebhookDeliveryTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request", $"{path} {lastEventId}");
        }

        using var anonymous = await host.Client(null).GetAsync("v1/events/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
