using Npgsql;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// <see cref="IBalanceStore"/> on PostgreSQL (sql/postgresql/0003_watches_balances.sql; migrate first). A refresh is one
/// batch (one implicit transaction, one round trip): deletes and upserts as multi-row statements over unnest'ed arrays,
/// then the head row.
/// </summary>
public sealed class PostgresBalanceStore : IBalanceStore, IAsyncDisposable
{
    private const string DeleteSql =
        "DELETE FROM balances AS b USING unnest($2::text[], $3::text[]) AS u(address, token) " +
        "WHERE b.chain_id = $1 AND b.address = u.address AND b.token = u.token";

    private const string UpsertSql =
        "INSERT INTO balances (chain_id, address, token, balance, block_number, updated_at_ms) " +
        "SELECT $1, u.address, u.token, u.balance, u.block_number, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(address, token, balance, block_number) " +
        "ON CONFLICT (chain_id, address, token) DO UPDATE SET balance = excluded.balance, block_number = excluded.block_number, updated_at_ms = excluded.updated_at_ms";

    private const string HeadSql =
        "INSERT INTO balance_heads (chain_id, block_number, updated_at_ms) VALUES ($1, $2, $3) " +
        "ON CONFLICT (chain_id) DO UPDATE SET block_number = excluded.block_number, updated_at_ms = excluded.updated_at_ms";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates and owns a connection pool for <paramref name="connectionString"/>.</summary>
    public PostgresBalanceStore(string connectionString)
    {
        _dataSource = PostgresPool.Create(connectionString, autoPrepare: 8);
    }

    /// <inheritdoc />
    public async Task<BalanceSnapshot?> LoadAsync(ulong chainId, CancellationToken cancellationToken = default)
    {
        var chain = BalanceRow.Chain(chainId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);

        // Repeatable read: the head and the rows from one snapshot.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var head = new NpgsqlCommand("SELECT block_number FROM balance_heads WHERE chain_id = $1", connection, transaction);
        head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chain });
        if (await head.ExecuteScalarAsync(cancellationToken) is not long block)
        {
            return null;
        }

        await using var command = new NpgsqlCommand("SELECT address, token, balance, block_number FROM balances WHERE chain_id = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chain });
        var entries = new List<BalanceEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(BalanceRow.Entry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new BalanceSnapshot(chainId, (ulong)block, entries);
    }

    /// <inheritdoc />
    public async Task WriteAsync(BalanceWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var chain = BalanceRow.Chain(write.ChainId);
        var now = write.At.ToUnixTimeMilliseconds();
        await using var batch = _dataSource.CreateBatch();
        if (write.Removals.Count > 0)
        {
            var delete = new NpgsqlBatchCommand(DeleteSql);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chain });
            delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. write.Removals.Select(k => k.Address.ToLowerHex())] });
            delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. write.Removals.Select(k => BalanceRow.Token(k.Token))] });
            batch.BatchCommands.Add(delete);
        }

        if (write.Upserts.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(UpsertSql);
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chain });
            upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. write.Upserts.Select(e => e.Key.Address.ToLowerHex())] });
            upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. write.Upserts.Select(e => BalanceRow.Token(e.Key.Token))] });
            upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. write.Upserts.Select(e => e.Balance.ToString())] });
            upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. write.Upserts.Select(e => BalanceRow.Block(e.BlockNumber))] });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now });
            batch.BatchCommands.Add(upsert);
        }

        var head = new NpgsqlBatchCommand(HeadSql);
        head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chain });
        head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = BalanceRow.Block(write.BlockNumber) });
        head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now });
        batch.BatchCommands.Add(head);

        // A batch without an explicit transaction runs as one implicit transaction: all of it or nothing.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AddressBalances?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT h.block_number, b.token, b.balance, b.block_number FROM balance_heads h " +
            "LEFT JOIN balances b ON b.chain_id = h.chain_id AND b.address = $2 WHERE h.chain_id = $1 ORDER BY b.token");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = BalanceRow.Chain(chainId) });
        var lower = address.ToLowerHex();
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lower });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        ulong? head = null;
        var entries = new List<BalanceEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            head = (ulong)reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                entries.Add(BalanceRow.Entry(lower, reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return head is { } block ? new AddressBalances(chainId, address, block, entries) : null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
