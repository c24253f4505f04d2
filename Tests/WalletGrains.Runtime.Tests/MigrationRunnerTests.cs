using WalletGrains.Testing;

namespace WalletGrains.Runtime.Tests;

/// <summary>The versioned migration runner, on SQLite and on PostgreSQL (see the two subclasses).</summary>
public abstract class MigrationRunnerTests(StorageKind kind, PostgresFixture postgres) : IAsyncLifetime
{
    private TestStorage? _storage;

    private TestStorage Storage => _storage ?? throw new InvalidOperationException("Storage not created.");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IReadOnlyList<MigrationScript> RuntimeScripts => MigrationScript.FromAssembly(typeof(MigrationRunner).Assembly, Storage.Dialect);

    private IReadOnlyList<MigrationScript> TestScripts => MigrationScript.FromAssembly(typeof(MigrationRunnerTests).Assembly, Storage.Dialect, "testsql/");

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
    public async Task EachScriptIsAppliedOnceAndRecorded()
    {
        var first = await MigrationRunner.ApplyAsync(Storage.Dialect, Storage.ConnectionString, [], Cancel);
        Assert.Equal([(1, "runtime")], first.Select(s => (s.Version, s.Name)));

        var second = await MigrationRunner.ApplyAsync(Storage.Dialect, Storage.ConnectionString, [], Cancel);
        Assert.Empty(second);
        Assert.Equal(1L, Convert.ToInt64(await Storage.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(first[0].Checksum, await Storage.ScalarAsync("SELECT checksum FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task ScriptsFromAnotherAssemblyRunInVersionOrderAfterTheRuntimes()
    {
        var applied = await Apply(RuntimeScripts.Concat(TestScripts));
        Assert.Equal([1, 9001], applied.Select(s => s.Version));
        Assert.Equal("applied once", await Storage.ScalarAsync("SELECT note FROM migration_probe WHERE id = 1"));
    }

    [Fact]
    public async Task ConcurrentRunnersApplyEachScriptExactlyOnce()
    {
        var scripts = RuntimeScripts.Concat(TestScripts).ToList();
        var runners = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Apply(scripts), Cancel));
        var applied = (await Task.WhenAll(runners)).SelectMany(a => a).Select(s => s.Version).Order();

        // The probe script inserts a row with a fixed key: a second run would have failed, not duplicated it.
        Assert.Equal([1, 9001], applied);
        Assert.Equal(2L, Convert.ToInt64(await Storage.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AnAppliedScriptThatChangedIsReported()
    {
        await Apply(RuntimeScripts.Concat(TestScripts));
        var edited = TestScripts.Select(s => s with { Sql = s.Sql + "\n-- edited after it was applied\n" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Apply(RuntimeScripts.Concat(edited)));
        Assert.Contains("9001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoDifferentScriptsWithOneVersionAreRejected()
    {
        var clash = TestScripts.Select(s => s with { Name = "other_name" });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Apply(RuntimeScripts.Concat(TestScripts).Concat(clash)));
        Assert.Contains("9001", error.Message, StringComparison.Ordinal);
    }

    private Task<IReadOnlyList<MigrationScript>> Apply(IEnumerable<MigrationScript> scripts) =>
        Storage.Dialect == SqlDialect.Sqlite
            ? MigrationRunner.ApplySqliteAsync(Storage.ConnectionString, scripts, Cancel)
            : MigrationRunner.ApplyPostgresAsync(Storage.ConnectionString, scripts, Cancel);
}

public sealed class SqliteMigrationRunnerTests(PostgresFixture postgres) : MigrationRunnerTests(StorageKind.Sqlite, postgres);

public sealed class PostgresMigrationRunnerTests(PostgresFixture postgres) : MigrationRunnerTests(StorageKind.Postgres, postgres);
