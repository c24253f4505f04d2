using Microsoft.Data.Sqlite;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// <see cref="IBalanceStore"/> on a SQLite file (sql/sqlite/0003_watches_balances.sql; migrate first). A refresh is one
/// work item of the file's shared <see cref="SqliteWriter"/> (one savepoint of a group commit) with prepared statements;
/// reads use pooled connections. Dispose to release the writer lease.
/// </summary>
public sealed class SqliteBalanceStore : IBalanceStore, IDisposable
{
    private const string UpsertSql =
        "INSERT INTO balances (chain_id, address, token, balance, block_number, updated_at_ms) VALUES ($chain, $address, $token, $balance, $block, $now) " +
        "ON CONFLICT (chain_id, address, token) DO UPDATE SET balance = excluded.balance, block_number = excluded.block_number, updated_at_ms = excluded.updated_at_ms;";

    private const string DeleteSql = "DELETE FROM balances WHERE chain_id = $chain AND address = $address AND token = $token;";

    private const string HeadSql =
        "INSERT INTO balance_heads (chain_id, block_number, updated_at_ms) VALUES ($chain, $block, $now) " +
        "ON CONFLICT (chain_id) DO UPDATE SET block_number = excluded.block_number, updated_at_ms = excluded.updated_at_ms;";

    private readonly SqliteStoreFile _file;

    /// <summary>Opens the store on an existing, migrated database file.</summary>
    public SqliteBalanceStore(string connectionString)
    {
        _file = new SqliteStoreFile(connectionString, "balance");
    }

    /// <inheritdoc />
    public Task<BalanceSnapshot?> LoadAsync(ulong chainId, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection =>
        {
            var chain = BalanceRow.Chain(chainId);
            using var head = connection.CreateCommand();
            head.CommandText = "SELECT block_number FROM balance_heads WHERE chain_id = $chain;";
            head.Parameters.AddWithValue("$chain", chain);
            if (head.ExecuteScalar() is not long block)
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT address, token, balance, block_number FROM balances WHERE chain_id = $chain;";
            command.Parameters.AddWithValue("$chain", chain);
            using var reader = command.ExecuteReader();
            var entries = new List<BalanceEntry>();
            while (reader.Read())
            {
                entries.Add(BalanceRow.Entry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }

            return new BalanceSnapshot(chainId, (ulong)block, entries);
        });

    /// <inheritdoc />
    public Task WriteAsync(BalanceWrite write, CancellationToken cancellationToken = default)
    {
        long chain, block;
        try
        {
            ArgumentNullException.ThrowIfNull(write);
            chain = BalanceRow.Chain(write.ChainId);
            block = BalanceRow.Block(write.BlockNumber);
            _file.ThrowIfDisposed();
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }

        var now = write.At.ToUnixTimeMilliseconds();
        return _file.WriteAsync(context =>
        {
            var delete = context.Statement(DeleteSql, "$chain", "$address", "$token");
            foreach (var key in write.Removals)
            {
                delete.Set(0, chain);
                delete.Set(1, key.Address.ToLowerHex());
                delete.Set(2, BalanceRow.Token(key.Token));
                delete.ExecuteNonQuery();
            }

            var upsert = context.Statement(UpsertSql, "$chain", "$address", "$token", "$balance", "$block", "$now");
            foreach (var entry in write.Upserts)
            {
                upsert.Set(0, chain);
                upsert.Set(1, entry.Key.Address.ToLowerHex());
                upsert.Set(2, BalanceRow.Token(entry.Key.Token));
                upsert.Set(3, entry.Balance.ToString());
                upsert.Set(4, BalanceRow.Block(entry.BlockNumber));
                upsert.Set(5, now);
                upsert.ExecuteNonQuery();
            }

            var head = context.Statement(HeadSql, "$chain", "$block", "$now");
            head.Set(0, chain);
            head.Set(1, block);
            head.Set(2, now);
            return head.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public Task<AddressBalances?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection =>
        {
            // One statement, so the head and the rows come from the same snapshot of the database.
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT h.block_number, b.token, b.balance, b.block_number FROM balance_heads h " +
                "LEFT JOIN balances b ON b.chain_id = h.chain_id AND b.address = $address WHERE h.chain_id = $chain ORDER BY b.token;";
            command.Parameters.AddWithValue("$chain", BalanceRow.Chain(chainId));
            command.Parameters.AddWithValue("$address", address.ToLowerHex());
            using var reader = command.ExecuteReader();
            ulong? head = null;
            var entries = new List<BalanceEntry>();
            var lower = address.ToLowerHex();
            while (reader.Read())
            {
                head = (ulong)reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    entries.Add(BalanceRow.Entry(lower, reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
                }
            }

            return head is { } block ? new AddressBalances(chainId, address, block, entries) : null;
        });

    /// <summary>Releases the writer lease and the pooled read connections.</summary>
    public void Dispose()
    {
        _file.Dispose();
    }

}
