using System.Collections.Concurrent;
using Npgsql;

namespace WalletGrains.Runtime;

/// <summary>The silo's PostgreSQL connection pools, one per connection string, disposed with the silo.</summary>
internal sealed class PostgresDataSources : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _sources = new(StringComparer.Ordinal);

    public NpgsqlDataSource Get(string connectionString) =>
        _sources.GetOrAdd(connectionString, static cs => new Lazy<NpgsqlDataSource>(() => Create(cs))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values.Where(s => s.IsValueCreated))
        {
            await source.Value.DisposeAsync();
        }

        _sources.Clear();
    }

    internal static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);

        // The runtime sends the same few statements all day: let Npgsql prepare them server-side.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        // No connection keeps session state (no SET, LISTEN, temporary table or session-level advisory lock; the
        // migration lock is transaction-scoped), so the reset Npgsql sends with a pooled connection's next use
        // (DISCARD ALL, or its parts once statements are prepared) would only cost PostgreSQL a parse and run per commit.
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        return builder.Build();
    }
}
