using Npgsql;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Watches;

/// <summary><see cref="IWatchStore"/> on PostgreSQL (table watches, sql/postgresql/0003_watches_balances.sql; migrate first).</summary>
public sealed class PostgresWatchStore : IWatchStore, IAsyncDisposable
{
    private const string UpsertSql =
        "INSERT INTO watches (chain_id, address, tokens, created_at_ms) VALUES ($1, $2, $3::json, $4) " +
        "ON CONFLICT (chain_id, address) DO UPDATE SET tokens = excluded.tokens RETURNING created_at_ms";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates and owns a connection pool for <paramref name="connectionString"/>.</summary>
    public PostgresWatchStore(string connectionString)
    {
        _dataSource = PostgresPool.Create(connectionString, autoPrepare: 8);
    }

    /// <inheritdoc />
    public async Task<Watch> UpsertAsync(Watch watch, CancellationToken cancellationToken = default)
    {
        var row = WatchRow.Create(watch);
        await using var command = _dataSource.CreateCommand(UpsertSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.ChainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Address });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Tokens });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.CreatedAtMs });
        var created = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return (row with { CreatedAtMs = created }).ToWatch();
    }

    /// <inheritdoc />
    public async Task<Watch?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT chain_id, address, tokens::text, created_at_ms FROM watches WHERE chain_id = $1 AND address = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WalletColumns.ToInt64(chainId, "chain id") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address.ToLowerHex() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? WatchRow.Read(reader).ToWatch() : null;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM watches WHERE chain_id = $1 AND address = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WalletColumns.ToInt64(chainId, "chain id") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address.ToLowerHex() });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Watch>> ListAsync(ulong? chainId, CancellationToken cancellationToken = default)
    {
        await using var command = chainId is { } id
            ? _dataSource.CreateCommand("SELECT chain_id, address, tokens::text, created_at_ms FROM watches WHERE chain_id = $1 ORDER BY address")
            : _dataSource.CreateCommand("SELECT chain_id, address, tokens::text, created_at_ms FROM watches ORDER BY chain_id, address");
        if (chainId is { } chain)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WalletColumns.ToInt64(chain, "chain id") });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var watches = new List<Watch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            watches.Add(WatchRow.Read(reader).ToWatch());
        }

        return watches;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
