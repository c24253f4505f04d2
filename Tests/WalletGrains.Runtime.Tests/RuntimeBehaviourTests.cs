using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Runtime.Testing;
using WalletGrains.Testing;

namespace WalletGrains.Runtime.Tests;

/// <summary>The issue's required behaviours, each run on SQLite and on PostgreSQL (see the two subclasses).</summary>
public abstract class RuntimeBehaviourTests(StorageKind kind, PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>How long a test waits for an observable condition.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private TestStorage? _storage;

    protected TestProbe Probe { get; } = new();

    protected FakeTimeProvider Time { get; } = new();

    protected TestStorage Storage => _storage ?? throw new InvalidOperationException("Storage not created.");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _storage = await TestStorage.CreateAsync(kind, postgres);

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ConcurrentCallsToOneGrainNeverOverlapAndAllApply()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        const int Calls = 5_000;

        // Callers on many threads at once, each through its own reference.
        var calls = Enumerable.Range(0, Calls)
            .Select(_ => Task.Run(() => silo.GrainFactory.GetGrain<ICounterGrain>(key).Increment(), Cancel))
            .ToArray();
        var results = await Task.WhenAll(calls);

        // Each increment read the count, awaited, and wrote count + 1: distinct results 1..N mean no lost update.
        Assert.Equal(Enumerable.Range(1, Calls), results.Order());
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(0, await grain.GetOverlaps());
        Assert.Equal(Calls, await grain.GetCount());

        await grain.Persist();
        await silo.RestartAsync(Cancel);
        Assert.Equal(Calls, await silo.GrainFactory.GetGrain<ICounterGrain>(key).GetCount());
    }

    [Fact]
    public async Task DifferentGrainsRunTurnsAtTheSameTime()
    {
        await using var silo = await StartSiloAsync();
        const int Parties = 8;
        var group = NewKey();

        // Each call returns only once all eight are inside their grains at the same time.
        var meetings = Enumerable.Range(0, Parties).Select(i => silo.GrainFactory.GetGrain<IRendezvousGrain>($"{group}-{i}").Meet(group, Parties));
        await Task.WhenAll(meetings).WaitAsync(Wait, Cancel);
    }

    [Fact]
    public async Task ExceptionsReachCallerWithTypeAndMessageAndGrainKeepsServing()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<IFaultyGrain>(key);
        Assert.Equal(1, await grain.Ping());

        var sync = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowSync("sync failure 42"));
        Assert.Equal("sync failure 42", sync.Message);
        var async = await Assert.ThrowsAsync<TestGrainException>(() => grain.ThrowAsync("async failure 43"));
        Assert.Equal("async failure 43", async.Message);

        // Same activation (its in-memory counter continues), activated once.
        Assert.Equal(2, await grain.Ping());
        Assert.Equal(1, Probe.Count("activate", key));
        var stats = silo.Introspection.GetSnapshot().GrainTypes.Single(t => t.GrainType == nameof(FaultyGrain));
        Assert.Equal(4, stats.Calls);
        Assert.Equal(2, stats.Failures);
    }

    [Fact]
    public async Task StateSurvivesRestartAndClearRemovesIt()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        Assert.Equal(new ValueSnapshot(null, false, null), await silo.GrainFactory.GetGrain<IValueGrain>(key).Get());

        await silo.GrainFactory.GetGrain<IValueGrain>(key).Set("kept across restarts");
        await silo.RestartAsync(Cancel);
        Assert.Contains(Probe.Where("deactivate", key), e => e.Detail == nameof(DeactivationReasonCode.ShuttingDown));

        var restored = await silo.GrainFactory.GetGrain<IValueGrain>(key).Get();
        Assert.Equal("kept across restarts", restored.Value);
        Assert.True(restored.RecordExists);
        Assert.Equal("1", restored.Etag);

        await silo.GrainFactory.GetGrain<IValueGrain>(key).Clear();
        await silo.RestartAsync(Cancel);
        var cleared = await silo.GrainFactory.GetGrain<IValueGrain>(key).Get();
        Assert.Null(cleared.Value);
        Assert.False(cleared.RecordExists);
        Assert.IsType<DBNull>(await Storage.ScalarAsync($"SELECT payload FROM grain_state WHERE grain_key = '{key}'"));
    }

    [Fact]
    public async Task StaleWriteFromSecondSiloFailsAndNeverOverwrites()
    {
        await using var cluster = await StartClusterAsync(2);
        var key = NewKey();
        var first = cluster.Silos[0].GrainFactory.GetGrain<IValueGrain>(key);
        var second = cluster.Silos[1].GrainFactory.GetGrain<IValueGrain>(key);

        await first.Set("one");
        Assert.Equal("one", (await second.Get()).Value);
        await first.Set("two");

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => second.Set("stale"));
        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Equal("two", (await first.Reload()).Value);

        // The activation that saw the conflict is dropped; the next call reloads version 2 and may write.
        await Probe.WaitUntilAsync(p => p.Where("deactivate", key).Any(e => e.Detail == nameof(DeactivationReasonCode.ApplicationError)), "stale activation deactivated");
        Assert.Equal("two", (await second.Get()).Value);
        await second.Set("three");
        Assert.Equal("three", (await first.Reload()).Value);
    }

    [Fact]
    public async Task FailedStateLoadFailsTheCallAndALaterCallRetries()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        await silo.GrainFactory.GetGrain<IValueGrain>(key).Set("good");
        await silo.StopAsync(Cancel);
        await Storage.ScalarAsync($"UPDATE grain_state SET payload = '[1, 2, 3]' WHERE grain_key = '{key}'");

        await silo.StartAsync(Cancel);
        var grain = silo.GrainFactory.GetGrain<IValueGrain>(key);
        await Assert.ThrowsAsync<JsonException>(() => grain.Get());
        Assert.Equal(1, Probe.Count("activate", key));

        await Storage.ScalarAsync($"UPDATE grain_state SET payload = '{{\"value\":\"repaired\"}}' WHERE grain_key = '{key}'");
        Assert.Equal("repaired", (await grain.Get()).Value);
        Assert.Equal(2, Probe.Count("activate", key));
    }

    [Fact]
    public async Task ReminderRegisteredBeforeRestartFiresAfterIt()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        await silo.GrainFactory.GetGrain<IReminderGrain>(key).Start("fee-bump", TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        await silo.StopAsync(Cancel);

        Time.Advance(TimeSpan.FromSeconds(30));
        await silo.StartAsync(Cancel);
        Assert.Equal(1, Probe.Count("activate", key));
        Time.Advance(TimeSpan.FromSeconds(1));

        await Probe.WaitUntilAsync(p => p.Count("tick", key) == 1, "a tick after the restart");
        Assert.Equal(2, Probe.Count("activate", key));
        Assert.StartsWith("fee-bump@", Probe.Where("tick", key)[0].Detail, StringComparison.Ordinal);
        Assert.Equal(["fee-bump"], await silo.GrainFactory.GetGrain<IReminderGrain>(key).List());
    }

    [Fact]
    public async Task TicksMissedWhileDownCollapseIntoOne()
    {
        await using var silo = await StartSiloAsync();
        var key = NewKey();
        await silo.GrainFactory.GetGrain<IReminderGrain>(key).Start("heartbeat", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        await silo.StopAsync(Cancel);

        Time.Advance(TimeSpan.FromMinutes(10));
        await silo.StartAsync(Cancel);
        Time.Advance(TimeSpan.Zero);
        await WaitForRemindersAsync(silo);

        // About 600 slots passed; one tick fires, for the latest slot (which is now).
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal([$"heartbeat@{now}"], Probe.Where("tick", key).Select(e => e.Detail));

        Time.Advance(TimeSpan.FromSeconds(1));
        await WaitForRemindersAsync(silo);
        Assert.Equal(2, Probe.Count("tick", key));
    }

    [Fact]
    public async Task WithTwoSilosOnOneDatabaseEachTickFiresOnce()
    {
        await using var cluster = await StartClusterAsync(2);
        var key = NewKey();
        await cluster.Silos[0].GrainFactory.GetGrain<IReminderGrain>(key).Start("watch", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        for (var tick = 1; tick <= 5; tick++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await WaitForRemindersAsync([.. cluster.Silos]);
            Assert.Equal(tick, Probe.Count("tick", key));
        }

        var ticks = Probe.Where("tick", key);
        Assert.Equal(ticks.Count, ticks.Select(t => t.Detail).Distinct().Count());
        Assert.DoesNotContain(ticks, t => t.Detail.Contains("overlapped", StringComparison.Ordinal));

        await cluster.Silos[1].GrainFactory.GetGrain<IReminderGrain>(key).Stop("watch");
        Time.Advance(TimeSpan.FromSeconds(3));
        await WaitForRemindersAsync([.. cluster.Silos]);
        Assert.Equal(5, Probe.Count("tick", key));
    }

    [Fact]
    public async Task CallCycleFailsFastNamingTheGrains()
    {
        await using var silo = await StartSiloAsync();
        var a = "a-" + NewKey();
        var b = "b-" + NewKey();

        // Fake time never advances here, so only cycle detection (not the timeout) can end this call.
        var error = await Assert.ThrowsAsync<DeadlockException>(
            () => silo.GrainFactory.GetGrain<ICycleGrain>(a).CallPeerThenBack(b).WaitAsync(Wait, Cancel));
        Assert.Equal(3, error.CallChain.Count);
        Assert.Contains($"CycleGrain/{a}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"CycleGrain/{b}", error.Message, StringComparison.Ordinal);

        Assert.Equal("pong from " + a, await silo.GrainFactory.GetGrain<ICycleGrain>(a).Ping());
        Assert.Equal($"via {b}: pong from {a}", await silo.GrainFactory.GetGrain<IReentrantCycleGrain>(a).CallPeerThenBack(b));
    }

    [Fact]
    public async Task HangingCallFailsAtTheCallTimeoutNamingTheGrain()
    {
        await using var silo = await StartSiloAsync(o => o.CallTimeout = TimeSpan.FromSeconds(30));
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<ICycleGrain>(key);
        var hanging = grain.Hang();
        var queued = grain.Ping();
        await Probe.WaitUntilAsync(p => p.Count("hanging", key) == 1, "the hanging turn started");

        Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(hanging.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => hanging);
        Assert.Contains($"CycleGrain/{key}.ICycleGrain.Hang", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => queued);

        Probe.Open("hang:" + key);
        Assert.Equal("pong from " + key, await grain.Ping());
    }

    [Fact]
    public async Task IdleActivationsAreCollectedAndOnDeactivateRuns()
    {
        await using var silo = await StartSiloAsync(o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        });
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<IValueGrain>(key);
        await grain.Set("idle");

        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, silo.Introspection.GetSnapshot().Activations);

        Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitUntilAsync(p => p.Where("deactivate", key).Any(e => e.Detail == nameof(DeactivationReasonCode.ActivationIdle)), "idle collection");
        await Eventually.HoldsAsync(() => silo.Introspection.GetSnapshot().Activations == 0, Wait, "the directory is empty", TestContext.Current.CancellationToken);

        Assert.Equal("idle", (await grain.Get()).Value);
        Assert.Equal(2, Probe.Count("activate", key));
    }

    protected static string NewKey() => Guid.NewGuid().ToString("N")[..12];

    protected Task<TestSilo> StartSiloAsync(Action<SiloOptions>? options = null) =>
        TestSilo.StartAsync(ConfigureSilo(options), services => services.AddSingleton(Probe), Time, Cancel);

    protected Task<TestCluster> StartClusterAsync(int silos, Action<SiloOptions>? options = null) =>
        TestCluster.StartAsync(silos, ConfigureSilo(options), services => services.AddSingleton(Probe), Time, Cancel);

    /// <summary>Waits until every silo has finished a reminder poll that started at the current fake time and no tick is still running.</summary>
    protected async Task WaitForRemindersAsync(params TestSilo[] silos)
    {
        var now = Time.GetUtcNow();
        await Eventually.HoldsAsync(
            () => silos.All(s => s.Introspection.GetSnapshot().Reminders is { } r && r.LastPollAt >= now && r.TicksInFlight == 0),
            Wait,
            $"reminder polls at {now:O} finished", TestContext.Current.CancellationToken);
    }

    private Action<ISiloBuilder> ConfigureSilo(Action<SiloOptions>? options) => silo =>
    {
        Storage.Configure(silo);
        if (options is not null)
        {
            silo.Configure(options);
        }
    };
}

public sealed class SqliteRuntimeBehaviourTests(PostgresFixture postgres) : RuntimeBehaviourTests(StorageKind.Sqlite, postgres);

public sealed class PostgresRuntimeBehaviourTests(PostgresFixture postgres) : RuntimeBehaviourTests(StorageKind.Postgres, postgres);
