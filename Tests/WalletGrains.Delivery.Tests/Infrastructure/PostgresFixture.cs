using Npgsql;
using WalletGrains.Testing;

[assembly: AssemblyFixture(typeof(WalletGrains.Delivery.Tests.PostgresFixture))]

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// One PostgreSQL server for the whole run (<c>$WALLETGRAINS_TEST_POSTGRES</c>, or a throwaway cluster), started on
/// first use; each test creates its own database on it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresTestServer? _server;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await ServerAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return server.ForDatabase(name);
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
