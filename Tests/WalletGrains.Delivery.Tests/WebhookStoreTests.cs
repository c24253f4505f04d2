using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Delivery.Tests;

/// <summary>The webhook store contract, the same on memory, SQLite and PostgreSQL.</summary>
public sealed class WebhookStoreTests
{
    public static TheoryData<string> Stores => ["memory", "sqlite", "postgres"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Webhooks_start_at_the_log_end_and_update_only_over_the_version_read(string kind)
    {
        await using var fixture = await StoreFixture.CreateAsync(kind);
        var (events, webhooks) = (fixture.Events, fixture.Webhooks);

        var empty = await webhooks.CreateAsync(New("wh_a"), Ct);
        Assert.Equal(0, empty.LastEventId);

        var appended = await events.AppendEventsAsync(TestEvents.Mix(3), Ct);
        var created = await webhooks.CreateAsync(New("wh_b", "https://example.com/hook?token=abc", ["transaction.*", "approval"]), Ct);
        Assert.Equal(appended[^1].Id, created.LastEventId);
        Assert.Equal(WebhookStates.Enabled, created.State);
        Assert.Equal(1, created.Version);
        Assert.Equal(0, created.Attempts);
        AssertSame(created, await webhooks.GetAsync("wh_b", Ct));
        Assert.Equal(["wh_a", "wh_b"], (await webhooks.ListAsync(Ct)).Select(w => w.Id));
        Assert.Null(await webhooks.GetAsync("wh_missing", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => webhooks.CreateAsync(New("wh_b"), Ct));

        // Every delivery column round-trips at millisecond precision; url, events and secret never change here.
        var at = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);
        var progress = created with
        {
            Url = new Uri("https://attacker.example/"),
            Secret = "changed",
            LastEventId = created.LastEventId + 7,
            Attempts = 3,
            FailingSince = at,
            NextAttemptAt = at.AddMinutes(5),
            LastError = "HTTP 500 Internal Server Error",
            LastAttemptAt = at.AddSeconds(1),
            LastDeliveredAt = at.AddSeconds(-1),
            LeaseOwner = "owner-1",
            LeaseUntil = at.AddMinutes(1),
        };
        var written = await webhooks.TryUpdateAsync(progress, Ct);
        Assert.NotNull(written);
        Assert.Equal(2, written.Version);
        var read = await webhooks.GetAsync("wh_b", Ct);
        Assert.NotNull(read);
        Assert.Equal(created.Url, read.Url);
        Assert.Equal(created.Secret, read.Secret);
        Assert.Equal(created.Events, read.Events);
        Assert.Equal(created.LastEventId + 7, read.LastEventId);
        Assert.Equal(3, read.Attempts);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), read.FailingSince);
        Assert.Equal("HTTP 500 Internal Server Error", read.LastError);
        Assert.Equal("owner-1", read.LeaseOwner);
        AssertSame(written with { Url = created.Url, Secret = created.Secret }, read);

        // A write over a stale version changes nothing.
        Assert.Null(await webhooks.TryUpdateAsync(created.Disable("stale", at), Ct));
        AssertSame(read, await webhooks.GetAsync("wh_b", Ct));

        var disabled = await webhooks.TryUpdateAsync(read.Disable("receiver gone", at), Ct);
        Assert.NotNull(disabled);
        Assert.False(disabled.IsEnabled);
        Assert.Equal("receiver gone", (await webhooks.GetAsync("wh_b", Ct))!.DisabledReason);
        var enabled = await webhooks.TryUpdateAsync(disabled.Enable(), Ct);
        Assert.NotNull(enabled);
        Assert.True(enabled.IsEnabled);
        Assert.Null(enabled.DisabledReason);
        Assert.Equal(0, enabled.Attempts);
        Assert.Equal(read.LastEventId, enabled.LastEventId);

        Assert.True(await webhooks.DeleteAsync("wh_b", Ct));
        Assert.False(await webhooks.DeleteAsync("wh_b", Ct));
        Assert.Null(await webhooks.TryUpdateAsync(enabled, Ct));
        Assert.Equal(["wh_a"], (await webhooks.ListAsync(Ct)).Select(w => w.Id));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_updates_of_one_version_let_exactly_one_win(string kind)
    {
        await using var fixture = await StoreFixture.CreateAsync(kind);
        var created = await fixture.Webhooks.CreateAsync(New("wh_race"), Ct);
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => fixture.Webhooks.TryUpdateAsync(created with { LastEventId = i }, Ct)));
        var winner = Assert.Single(results, r => r is not null);
        AssertSame(winner, await fixture.Webhooks.GetAsync("wh_race", Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Bad_rows_are_refused_before_writing(string kind)
    {
        await using var fixture = await StoreFixture.CreateAsync(kind);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Webhooks.CreateAsync(New("wh_x", "ftp://example.com/"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Webhooks.CreateAsync(New("wh_x") with { Events = [] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Webhooks.CreateAsync(New("wh_x") with { Secret = "" }, Ct));
        Assert.Empty(await fixture.Webhooks.ListAsync(Ct));
        var created = await fixture.Webhooks.CreateAsync(New("wh_y"), Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Webhooks.TryUpdateAsync(created with { State = "paused" }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Webhooks.TryUpdateAsync(created with { LastEventId = -1 }, Ct));
        AssertSame(created, await fixture.Webhooks.GetAsync("wh_y", Ct));
    }

    /// <summary>Record equality compares ImmutableArray by reference; the patterns are compared by value here.</summary>
    private static void AssertSame(Webhook? expected, Webhook? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected with { Events = [] }, actual with { Events = [] });
    }

    private static NewWebhook New(string id, string url = "http://127.0.0.1:9/hook", string[]? events = null) =>
        new(id, new Uri(url), [.. events ?? ["*"]], WebhookSecrets.NewSecret(), DateTimeOffset.UtcNow, "key_test");

    /// <summary>An event store and a webhook store on one fresh database (or in memory).</summary>
    private sealed class StoreFixture : IAsyncDisposable
    {
        private readonly TestStorage? _storage;

        private StoreFixture(IWalletStore events, IWebhookStore webhooks, TestStorage? storage)
        {
            Events = events;
            Webhooks = webhooks;
            _storage = storage;
        }

        public IWalletStore Events { get; }

        public IWebhookStore Webhooks { get; }

        public static async Task<StoreFixture> CreateAsync(string kind)
        {
            if (kind == "memory")
            {
                var memory = new MemoryWalletStore();
                return new StoreFixture(memory, new MemoryWebhookStore(memory), null);
            }

            var storage = await TestStorage.CreateAsync(kind);
            IWebhookStore webhooks = kind == "sqlite" ? new SqliteWebhookStore(storage.ConnectionString) : new PostgresWebhookStore(storage.ConnectionString);
            return new StoreFixture(storage.OpenWalletStore(), webhooks, storage);
        }

        public async ValueTask DisposeAsync()
        {
            if (Webhooks is IAsyncDisposable webhooks)
            {
                await webhooks.DisposeAsync();
            }

            if (Events is IAsyncDisposable events)
            {
                await events.DisposeAsync();
            }

            if (_storage is not null)
            {
                await _storage.DisposeAsync();
            }
        }
    }
}
