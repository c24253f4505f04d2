using Microsoft.Data.Sqlite;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// What every SQLite store of the wallet shares: the process-wide writer of its database file (<see cref="SqliteWriter"/>,
/// one connection and thread with group commit, shared with the runtime's grain state and reminders) and pooled
/// read connections that, in WAL mode, never wait for the writer. Dispose to release the writer lease.
/// </summary>
public sealed class SqliteStoreFile : IDisposable
{
    private readonly string _storeName;
    private readonly string _readConnectionString;
    private readonly SqliteWriter _writer;
    private int _disposed;

    /// <summary>Opens a migrated database file for the store called <paramref name="storeName"/> (used in messages).</summary>
    /// <exception cref="ArgumentException">The connection string names an in-memory database, which the writer and readers could not share.</exception>
    public SqliteStoreFile(string connectionString, string storeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _storeName = storeName;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                $"The SQLite {storeName} store needs a database file; '{builder.DataSource}' is in memory, which the writer and readers could not share.",
                nameof(connectionString));
        }

        // Acquiring creates the directory; the key is the file's full path, so every spelling of it shares one writer.
        _writer = SqliteWriter.Acquire(connectionString);
        builder.Pooling = true;
        _readConnectionString = builder.ToString();
    }

    /// <summary>Runs a read on a pooled connection; SQLite calls are synchronous, so the task is complete on return.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> read)
    {
        try
        {
            ThrowIfDisposed();
            using var connection = SqliteWriter.OpenConnection(_readConnectionString);
            return Task.FromResult(read(connection));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>Runs <paramref name="write"/> on the shared writer connection inside a savepoint of the next group transaction; completes after COMMIT.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> write) =>
        Volatile.Read(ref _disposed) != 0
            ? Task.FromException<T>(new ObjectDisposedException(_storeName, $"The SQLite {_storeName} store is disposed."))
            : _writer.WriteAsync(write);

    /// <summary>Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Releases the writer lease (the writer stops after queued writes when no store holds it) and the pooled read connections.</summary>
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
}
