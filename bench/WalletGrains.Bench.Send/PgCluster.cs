using System.Diagnostics;
using Npgsql;
using WalletGrains.Testing;

namespace WalletGrains.Bench.Send;

/// <summary>
/// The PostgreSQL server of a run: the one given (--postgres or $WALLETGRAINS_BENCH_POSTGRES), or a
/// durable throwaway cluster (fsync and synchronous_commit on) from <c>scripts/pg-test.sh start --durable</c>,
/// stopped on dispose. Each silo gets a fresh database on it.
/// </summary>
internal sealed class PgCluster : IAsyncDisposable
{
    private readonly bool _owned;

    private PgCluster(string connectionString, bool owned)
    {
        ConnectionString = connectionString;
        _owned = owned;
    }

    public string ConnectionString { get; }

    public static async Task<PgCluster> StartAsync(string? given) =>
        given is not null
            ? new PgCluster(given, owned: false)
            : new PgCluster((await RunScriptAsync("start", "--durable")).Trim(), owned: true);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "wallet_bench_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, once its silo has stopped (autovacuum would otherwise go on working on it).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The server's durability settings, to print with the results.</summary>
    public async Task<string> DescribeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var settings = new List<string>();
        foreach (var name in new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method" })
        {
            await using var command = new NpgsqlCommand($"SHOW {name}", connection);
            settings.Add($"{name}={await command.ExecuteScalarAsync()}");
        }

        return string.Join(", ", settings);
    }

    /// <summary>
    /// Runs CHECKPOINT, so the WAL files written so far are recycled for the WAL to come. A cluster in service has
    /// recycled files ready; a fresh one creates and zero-fills every 16 MB file on the backend whose commit needs it
    /// (at the send path's write rate a 50-65 ms COMMIT about every 2 s). Returns what happened, for the report.
    /// </summary>
    /// <param name="when">Where in the scenario it ran, for the report ("before the run").</param>
    public async Task<string> CheckpointAsync(string when)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        try
        {
            await using var command = new NpgsqlCommand("CHECKPOINT", connection);
            var started = Stopwatch.GetTimestamp();
            await command.ExecuteNonQueryAsync();
            return $"CHECKPOINT {when} ({Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms), so the run writes into recycled WAL files as a cluster in service does";
        }
        catch (PostgresException e)
        {
            return $"CHECKPOINT {when} refused ({e.SqlState}: {e.MessageText}); the run may pay for new WAL files";
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_owned)
        {
            await RunScriptAsync("stop", ConnectionString);
        }
    }

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(RepoPaths.Root, "scripts", "pg-test.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed with {process.ExitCode}: {await error}");
    }
}
