using Npgsql;
using WalletGrains.Testing;

[assembly: AssemblyFixture(typeof(WalletGrains.Monitor.Tests.PostgresFixture))]

namespace WalletGrains.Monitor.Tests;

/// <summary>One PostgreSQL server for the whole run ($WALLETGRAINS_TEST_POSTGRES or a throwaway cluster); each test gets its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresTestServer? _server;

    private PostgresTestServer Server => _server ?? throw new InvalidOperationException("PostgreSQL fixture not initialised.");

    public async ValueTask InitializeAsync() => _server = await PostgresTestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"wg_monitor_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return Server.ForDatabase(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its leftover connections.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
