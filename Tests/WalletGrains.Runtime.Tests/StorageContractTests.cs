using System.Text.Json.Nodes;
using WalletGrains.Testing;

namespace WalletGrains.Runtime.Tests;

/// <summary>The storage contract every provider keeps (memory, SQLite, PostgreSQL): version compare-and-swap and claims.</summary>
public sealed class StorageContractTests(PostgresFixture postgres)
{
    public static TheoryData<StorageKind> Kinds => [StorageKind.Memory, StorageKind.Sqlite, StorageKind.Postgres];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GrainStateWritesAreCompareAndSwapOnTheVersion(StorageKind kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind, postgres);
        await using var provider = await GrainStorageFor(storage);
        var key = new GrainStateKey("Contract", Guid.NewGuid().ToString("N"), "state");
        var grainStorage = provider.Storage;

        Assert.Null(await grainStorage.ReadAsync(key, Cancel));
        Assert.Equal(1, await grainStorage.WriteAsync(key, """{"a":1}""", null, Cancel));
        var firstWriteRace = await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.WriteAsync(key, """{"a":9}""", null, Cancel));
        Assert.Equal(("1", null), (firstWriteRace.StoredEtag, firstWriteRace.CurrentEtag));

        Assert.Equal(2, await grainStorage.WriteAsync(key, """{"a":2}""", 1, Cancel));
        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.WriteAsync(key, """{"a":9}""", 1, Cancel));
        Assert.Equal(("2", "1"), (stale.StoredEtag, stale.CurrentEtag));
        var stored = await grainStorage.ReadAsync(key, Cancel);
        Assert.Equal(2, stored!.Version);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":2}"""), JsonNode.Parse(stored.Json!)));

        // Clearing leaves a tombstone with a newer version: a holder of an old ETag can never match again.
        Assert.Equal(3, await grainStorage.ClearAsync(key, 2, Cancel));
        Assert.Equal(new StoredState(null, 3), await grainStorage.ReadAsync(key, Cancel));
        await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.WriteAsync(key, "{}", 2, Cancel));
        await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.WriteAsync(key, "{}", null, Cancel));
        await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.ClearAsync(key, 2, Cancel));
        Assert.Equal(4, await grainStorage.WriteAsync(key, """{"a":4}""", 3, Cancel));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OfManyConcurrentWritersWithOneVersionExactlyOneWins(StorageKind kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind, postgres);
        await using var provider = await GrainStorageFor(storage);
        var key = new GrainStateKey("Contract", Guid.NewGuid().ToString("N"), "race");
        await provider.Storage.WriteAsync(key, """{"writer":-1}""", null, Cancel);

        var writers = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await provider.Storage.WriteAsync(key, $$"""{"writer":{{i}}}""", 1, Cancel);
                return i;
            }
            catch (InconsistentStateException)
            {
                return -1;
            }
        }, Cancel));
        var winners = (await Task.WhenAll(writers)).Where(i => i >= 0).ToList();

        var winner = Assert.Single(winners);
        var stored = await provider.Storage.ReadAsync(key, Cancel);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(winner, JsonNode.Parse(stored.Json!)!["writer"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OfManyConcurrentReminderClaimsExactlyOneWins(StorageKind kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind, postgres);
        await using var provider = await GrainStorageFor(storage);
        var table = provider.Reminders;
        var key = Guid.NewGuid().ToString("N");
        await table.UpsertAsync(new ReminderRow("Contract", key, "r", 1_000, 1_000, 1_000, 0), Cancel);
        var due = Assert.Single(await table.ReadDueAsync(5_500, 10, Cancel));

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => table.TryClaimAsync(due, 6_000, Cancel), Cancel)));
        Assert.Single(claims, claimed => claimed);
        Assert.Empty(await table.ReadDueAsync(5_500, 10, Cancel));
        Assert.Equal(6_000, (await table.ReadAsync("Contract", key, "r", Cancel))!.NextDueMs);

        // Re-registering bumps the version, so a claim read before it fails.
        await table.UpsertAsync(new ReminderRow("Contract", key, "r", 7_000, 2_000, 7_000, 0), Cancel);
        Assert.False(await table.TryClaimAsync(due with { Version = due.Version + 1 }, 9_000, Cancel));
        Assert.True(await table.RemoveAsync("Contract", key, "r", Cancel));
        Assert.Empty(await table.ReadForGrainAsync("Contract", key, Cancel));
    }

    private static async Task<Providers> GrainStorageFor(TestStorage storage)
    {
        switch (storage.Kind)
        {
            case StorageKind.Sqlite:
                await MigrationRunner.ApplyAsync(SqlDialect.Sqlite, storage.ConnectionString, [], Cancel);
                var sqliteState = new SqliteGrainStorage(storage.ConnectionString, TimeProvider.System);
                var sqliteReminders = new SqliteReminderTable(storage.ConnectionString);
                return new Providers(sqliteState, sqliteReminders, () =>
                {
                    sqliteState.Dispose();
                    sqliteReminders.Dispose();
                    return ValueTask.CompletedTask;
                });
            case StorageKind.Postgres:
                await MigrationRunner.ApplyAsync(SqlDialect.PostgreSql, storage.ConnectionString, [], Cancel);
                var dataSource = PostgresDataSources.Create(storage.ConnectionString);
                return new Providers(new PostgresGrainStorage(dataSource, TimeProvider.System), new PostgresReminderTable(dataSource), dataSource.DisposeAsync);
            default:
                return new Providers(new MemoryGrainStorage(), new MemoryReminderTable(), () => ValueTask.CompletedTask);
        }
    }

    private sealed record Providers(IGrainStorage Storage, IReminderTable Reminders, Func<ValueTask> Dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Dispose();
    }
}
