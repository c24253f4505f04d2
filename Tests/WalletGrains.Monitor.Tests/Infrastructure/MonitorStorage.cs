using Microsoft.Data.Sqlite;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

/// <summary>Which database a test runs on.</summary>
public enum StorageKind
{
    Sqlite,
    Postgres,
}

/// <summary>Fresh storage for one test: a SQLite file in a temp folder or a new PostgreSQL database, for grain state, reminders and the event log.</summary>
public sealed class MonitorStorage : IAsyncDisposable
{
    private readonly PostgresFixture? _postgres;
    private readonly string? _directory;
    private IWalletStore? _reader;

    private MonitorStorage(StorageKind kind, string connectionString, PostgresFixture? postgres, string? directory)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _postgres = postgres;
        _directory = directory;
    }

    public StorageKind Kind { get; }

    public string ConnectionString { get; }

    /// <summary>The event log of this database, read through a store of the test's own (hosts come and go).</summary>
    public EventLog Events => new(_reader ??= CreateWalletStore());

    public static async Task<MonitorStorage> CreateAsync(StorageKind kind, PostgresFixture postgres)
    {
        if (kind == StorageKind.Postgres)
        {
            return new MonitorStorage(kind, await postgres.CreateDatabaseAsync("wg_monitor"), postgres, null);
        }

        var directory = Directory.CreateTempSubdirectory("walletgrains-monitor-").FullName;
        return new MonitorStorage(kind, $"Data Source={Path.Combine(directory, "wallet.db")}", null, directory);
    }

    /// <summary>Grain storage "Default" and reminders on this database.</summary>
    public void Configure(ISiloBuilder silo)
    {
        if (Kind == StorageKind.Postgres)
        {
            silo.AddPostgresGrainStorage(PersistentStateAttribute.DefaultStorageName, ConnectionString).UsePostgresReminders(ConnectionString);
        }
        else
        {
            silo.AddSqliteGrainStorage(PersistentStateAttribute.DefaultStorageName, ConnectionString).UseSqliteReminders(ConnectionString);
        }
    }

    /// <summary>The wallet store on this database (the silo migrates it at start).</summary>
    public IWalletStore CreateWalletStore() => Kind == StorageKind.Postgres
        ? new PostgresWalletStore(ConnectionString)
        : new SqliteWalletStore(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_reader is IAsyncDisposable reader)
        {
            await reader.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DropDatabaseAsync(ConnectionString);
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pooled connection; the temp folder's own clean-up takes it.
            }
        }
    }
}
