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

    private readonly string _readConnectionString;
    private readonly SqliteWriter _writer;
    private int _disposed;

    /// <summary>Opens the store on an existing, migrated database file.</summary>
    public SqliteWatchStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException($"The SQLite watch store needs a database file; '{builder.DataSource}' is in memory.", nameof(connectionString));
        }

        _writer = SqliteWriter.Acquire(connectionString);
        builder.Pooling = true;
        _readConnectionString = builder.ToString();
    }

    /// <inheritdoc />
    public Task<Watch> UpsertAsync(Watch watch, CancellationToken cancellationToken = default)
    {
        WatchRow row;
        try
        {
            row = WatchRow.Create(watch);
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        }
        catch (Exception ex)
        {
            return Task.FromException<Watch>(ex);
        }

        return _writer.WriteAsync(context =>
        {
            var writer = context.Attachment(static connection => new SqliteWalletWriter(connection));
            var command = writer.Command(UpsertSql, "$chain", "$address", "$tokens", "$created");
            SqliteWalletWriter.Set(command, 0, row.ChainId);
            SqliteWalletWriter.Set(command, 1, row.Address);
            SqliteWalletWriter.Set(command, 2, row.Tokens);
            SqliteWalletWriter.Set(command, 3, row.CreatedAtMs);
            var created = (long)command.ExecuteScalar()!;
            return (row with { CreatedAtMs = created }).ToWatch();
        });
    }

    /// <inheritdoc />
    public Task<Watch?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        ReadAsync(connection =>
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
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }

        var lower = address.ToLowerHex();
        return _writer.WriteAsync(context =>
        {
            var writer = context.Attachment(static connection => new SqliteWalletWriter(connection));
            var command = writer.Command(RemoveSql, "$chain", "$address");
            SqliteWalletWriter.Set(command, 0, chain);
            SqliteWalletWriter.Set(command, 1, lower);
            return command.ExecuteNonQuery() > 0;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Watch>> ListAsync(ulong? chainId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<Watch>>(connection =>
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
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Dispose();
        using var connection = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Runs a read on a pooled connection; SQLite calls are synchronous, so the task is complete on return.</summary>
    private Task<T> ReadAsync<T>(Func<SqliteConnection, T> read)
    {
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            using var connection = SqliteWriter.OpenConnection(_readConnectionString);
            return Task.FromResult(read(connection));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
