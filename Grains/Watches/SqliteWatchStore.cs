using Microsoft.Data.Sqlite;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Watches;

/// <summary>
/// <see cref="IWatchStore"/> on a SQLite file (table watches, sql/sqlite/0003_watches_balances.sql; migrate first).
/// Writes go through the process-wide <see cref="SqliteWriter"/> of the file, shared with the runtime and the wallet
/// store; reads use pooled connections. Dispose to release the writer lease.
/// </summary>
public sealed class SqliteWatchStore : IWatchStore, IDisposable
{
    private const string UpsertSql =
        "INSERT INTO watches (chain_id, address, tokens, created_at_ms) VALUES ($chain, $address, $tokens, $created) " +
        "ON CONFLICT (chain_id, address) DO UPDATE SET tokens = excluded.tokens RETURNING created_at_ms;";

    private const string RemoveSql = "DELETE FROM watches WHERE chain_id = $chain AND address = $address;";

    private readonly SqliteStoreFile _file;

    /// <summary>Opens the store on an existing, migrated database file.</summary>
    public SqliteWatchStore(string connectionString)
    {
        _file = new SqliteStoreFile(connectionString, "watch");
    }

    /// <inheritdoc />
    public Task<Watch> UpsertAsync(Watch watch, CancellationToken cancellationToken = default)
    {
        WatchRow row;
        try
        {
            row = WatchRow.Create(watch);
            _file.ThrowIfDisposed();
        }
        catch (Exception ex)
        {
            return Task.FromException<Watch>(ex);
        }

        return _file.WriteAsync(context =>
        {
            var command = context.Statement(UpsertSql, "$chain", "$address", "$tokens", "$created");
            command.Set(0, row.ChainId);
            command.Set(1, row.Address);
            command.Set(2, row.Tokens);
            command.Set(3, row.CreatedAtMs);
            var created = command.ExecuteScalarInt64() ?? throw new InvalidOperationException("The watch upsert returned no row.");
            return (row with { CreatedAtMs = created }).ToWatch();
        });
    }

    /// <inheritdoc />
    public Task<Watch?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WatchRow.Columns} FROM watches WHERE chain_id = $chain AND address = $address;";
            command.Parameters.AddWithValue("$chain", WalletColumns.ToInt64(chainId, "chain id"));
            command.Parameters.AddWithValue("$address", address.ToLowerHex());
            using var reader = command.ExecuteReader();
            return reader.Read() ? WatchRow.Read(reader).ToWatch() : null;
        });

    /// <inheritdoc />
    public Task<bool> RemoveAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        long chain;
        try
        {
            chain = WalletColumns.ToInt64(chainId, "chain id");
            _file.ThrowIfDisposed();
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }

        var lower = address.ToLowerHex();
        return _file.WriteAsync(context =>
        {
            var command = context.Statement(RemoveSql, "$chain", "$address");
            command.Set(0, chain);
            command.Set(1, lower);
            return command.ExecuteNonQuery() > 0;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Watch>> ListAsync(ulong? chainId, CancellationToken cancellationToken = default) =>
        _file.ReadAsync<IReadOnlyList<Watch>>(connection =>
        {
            using var command = connection.CreateCommand();
            if (chainId is { } id)
            {
                command.CommandText = $"SELECT {WatchRow.Columns} FROM watches WHERE chain_id = $chain ORDER BY address;";
                command.Parameters.AddWithValue("$chain", WalletColumns.ToInt64(id, "chain id"));
            }
            else
            {
                command.CommandText = $"SELECT {WatchRow.Columns} FROM watches ORDER BY chain_id, address;";
            }

            using var reader = command.ExecuteReader();
            var watches = new List<Watch>();
            while (reader.Read())
            {
                watches.Add(WatchRow.Read(reader).ToWatch());
            }

            return watches;
        });

    /// <summary>Releases the writer lease and the pooled read connections.</summary>
    public void Dispose()
    {
        _file.Dispose();
    }

}
