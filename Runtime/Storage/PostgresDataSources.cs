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

    /// <summary>The runtime sends the same few statements all day: up to 32 of them are prepared server-side.</summary>
    internal static NpgsqlDataSource Create(string connectionString) => PostgresPool.Create(connectionString, autoPrepare: 32);
}
