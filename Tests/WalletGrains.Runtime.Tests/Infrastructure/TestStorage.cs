using Microsoft.Data.Sqlite;
using WalletGrains.Testing;

namespace WalletGrains.Runtime.Tests;

/// <summary>The storage a test runs on.</summary>
public enum StorageKind
{
    Memory,
    Sqlite,
    Postgres,
}

/// <summary>A fresh database (SQLite file in a temp dir, or a new PostgreSQL database) for one test.</summary>
public sealed class TestStorage : IAsyncDisposable
{
    private readonly PostgresFixture? _postgres;
    private readonly string? _directory;

    private TestStorage(StorageKind kind, string connectionString, PostgresFixture? postgres, string? directory)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _postgres = postgres;
        _directory = directory;
    }

    public StorageKind Kind { get; }

    public string ConnectionString { get; }

    public SqlDialect Dialect => Kind == StorageKind.Postgres ? SqlDialect.PostgreSql : SqlDialect.Sqlite;

    public static async Task<TestStorage> CreateAsync(StorageKind kind, PostgresFixture postgres)
    {
        switch (kind)
        {
            case StorageKind.Postgres:
                return new TestStorage(kind, await postgres.CreateDatabaseAsync("wg_runtime"), postgres, null);
            case StorageKind.Sqlite:
                var directory = Directory.CreateTempSubdirectory("walletgrains-sqlite-").FullName;
                return new TestStorage(kind, $"Data Source={Path.Combine(directory, "wallet.db")}", null, directory);
            default:
                return new TestStorage(kind, string.Empty, null, null);
        }
    }

    /// <summary>Grain storage "Default" and the reminder table on this storage.</summary>
    public void Configure(ISiloBuilder silo)
    {
        switch (Kind)
        {
            case StorageKind.Postgres:
                silo.AddPostgresGrainStorage(PersistentStateAttribute.DefaultStorageName, ConnectionString).UsePostgresReminders(ConnectionString);
                break;
            case StorageKind.Sqlite:
                silo.AddSqliteGrainStorage(PersistentStateAttribute.DefaultStorageName, ConnectionString).UseSqliteReminders(ConnectionString);
                break;
            default:
                silo.AddMemoryGrainStorage().UseInMemoryReminders();
                break;
        }
    }

    /// <summary>Runs a statement directly against the database (to corrupt or inspect rows).</summary>
    public Task<object?> ScalarAsync(string sql) => DatabaseSql.ScalarAsync(Kind == StorageKind.Postgres, ConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
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
                // A file still open by a pooled connection; the temp dir is cleaned by the OS eventually.
            }
        }
    }
}
