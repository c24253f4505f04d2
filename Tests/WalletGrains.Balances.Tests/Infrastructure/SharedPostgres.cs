using Npgsql;
using WalletGrains.Testing;

[assembly: AssemblyFixture(typeof(WalletGrains.Balances.Tests.Infrastructure.SharedPostgres))]

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test assembly (<c>$WALLETGRAINS_TEST_POSTGRES</c>, or a throwaway cluster started
/// on first use and stopped when the assembly's tests end); each user gets a fresh database on it.
/// </summary>
public sealed class SharedPostgres : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresTestServer? _server;

    /// <summary>A connection string to a new, empty database.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        await Gate.WaitAsync();
        try
        {
            _server ??= await PostgresTestServer.StartAsync();
        }
        finally
        {
            Gate.Release();
        }

        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return _server.ForDatabase(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}
