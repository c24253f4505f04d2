using Npgsql;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>Fresh storage for one fixture: a SQLite file in a temp folder, or a new PostgreSQL database.</summary>
public sealed class TestStorage : IAsyncDisposable
{
    private readonly PostgresTestServer? _postgres;
    private readonly string? _directory;

    private TestStorage(string provider, string connectionString, PostgresTestServer? postgres, string? directory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgres = postgres;
        _directory = directory;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>, as Wallet:Storage:Provider takes it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestStorage> CreateAsync(StorageKind kind, string prefix)
    {
        if (kind == StorageKind.Sqlite)
        {
            var dir = Directory.CreateTempSubdirectory($"walletgrains-{prefix}-").FullName;
            return new TestStorage("sqlite", $"Data Source={Path.Combine(dir, "wallet.db")}", null, dir);
        }

        var postgres = await PostgresTestServer.StartAsync();
        var name = $"wallet_{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new TestStorage("postgres", postgres.ForDatabase(name), postgres, null);
    }

    /// <summary>Runs SQL of a test's own on this database, beside the silo (see <see cref="DatabaseSql"/>).</summary>
    public Task<object?> ScalarAsync(string sql) => DatabaseSql.ScalarAsync(_postgres is not null, ConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pool is left for the temp folder's own clean-up.
            }
        }
    }
}
