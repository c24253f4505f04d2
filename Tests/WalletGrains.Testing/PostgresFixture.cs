using Npgsql;

namespace WalletGrains.Testing;

/// <summary>
/// One PostgreSQL server for a whole test assembly (<c>$WALLETGRAINS_TEST_POSTGRES</c>, or a throwaway cluster), started
/// on first use so tests that never touch PostgreSQL do not pay for it; each test creates its own database on it.
/// A test project uses it with <c>[assembly: AssemblyFixture(typeof(WalletGrains.Testing.PostgresFixture))]</c>.
/// </summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresTestServer? _server;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>Creates an empty database with a unique name starting with <paramref name="prefix"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await ServerAsync();
        // PostgreSQL truncates identifiers to 63 bytes; keep the unique suffix whole.
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return server.ForDatabase(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its leftover connections.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var server = await ServerAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<PostgresTestServer> ServerAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _server ??= await PostgresTestServer.StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
