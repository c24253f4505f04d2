using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>
/// One SQLite database file as the runtime uses it: reads on pooled connections, and every write through a single
/// writer connection that commits concurrent writes together (group commit: one transaction and one fsync per batch,
/// each write in its own savepoint so one failure does not undo the others). Shared by all silos of the process on
/// the same file, since SQLite allows one writer at a time anyway.
/// </summary>
internal sealed class SqliteDatabase
{
    /// <summary>Most writes committed in one transaction; bounds the latency one batch adds to the next.</summary>
    private const int MaxBatch = 256;

    private static readonly Lock RegistryGate = new();
    private static readonly Dictionary<string, SqliteDatabase> Registry = new(StringComparer.Ordinal);

    private readonly string _registryKey;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly Channel<IWriteOperation> _writes = Channel.CreateUnbounded<IWriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private int _references;

    private SqliteDatabase(string registryKey, string connectionString)
    {
        _registryKey = registryKey;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        builder.Pooling = true;
        _readConnectionString = builder.ToString();
        builder.Pooling = false;
        _writeConnectionString = builder.ToString();
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = $"sqlite-writer {Path.GetFileName(builder.DataSource)}" };
        _writer.Start();
    }

    /// <summary>Busy timeout for every connection: another process holding the write lock makes us wait, not fail.</summary>
    internal static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the shared database for a connection string; pair with <see cref="Release"/>.</summary>
    public static SqliteDatabase Acquire(string connectionString)
    {
        SqliteSetup.EnsureInitialized();
        var key = KeyOf(connectionString);
        lock (RegistryGate)
        {
            if (!Registry.TryGetValue(key, out var database))
            {
                database = new SqliteDatabase(key, connectionString);
                Registry.Add(key, database);
            }

            database._references++;
            return database;
        }
    }

    public void Release()
    {
        lock (RegistryGate)
        {
            if (--_references > 0)
            {
                return;
            }

            Registry.Remove(_registryKey);
        }

        _writes.Writer.TryComplete();
        _writer.Join();
    }

    /// <summary>Runs <paramref name="operation"/> on the writer connection inside the next group-commit transaction.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteDatabase, T> operation)
    {
        var write = new WriteOperation<T>(operation);
        return _writes.Writer.TryWrite(write)
            ? write.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase), $"SQLite database '{_registryKey}' is closed."));
    }

    /// <summary>Runs <paramref name="operation"/> on a pooled read connection.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> operation)
    {
        try
        {
            using var connection = OpenConnection(_readConnectionString);
            return Task.FromResult(operation(connection));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>A command on the writer connection, prepared once per SQL text; only valid inside a write operation.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection!.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>Opens a connection with the busy timeout set (used by readers and the migration runner).</summary>
    internal static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static string KeyOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return connectionString;
        }

        var full = Path.GetFullPath(source);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return full;
    }

    private void WriterLoop()
    {
        var reader = _writes.Reader;
        var batch = new List<IWriteOperation>(MaxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            CommitBatch(batch);
            batch.Clear();
        }

        CloseConnection();
    }

    private void CommitBatch(List<IWriteOperation> batch)
    {
        try
        {
            if (_connection is null)
            {
                _connection = OpenConnection(_writeConnectionString);
                Execute("PRAGMA journal_mode = WAL;");

                // FULL: a write acknowledged to a grain survives power loss, not only a process crash (invariant 2).
                Execute("PRAGMA synchronous = FULL;");
            }

            Execute("BEGIN IMMEDIATE;");
            foreach (var write in batch)
            {
                Execute("SAVEPOINT write_op;");
                try
                {
                    write.Run(this);
                    Execute("RELEASE write_op;");
                }
                catch (Exception ex)
                {
                    write.Fail(ex);
                    Execute("ROLLBACK TO write_op;");
                    Execute("RELEASE write_op;");
                }
            }

            Execute("COMMIT;");
        }
        catch (Exception ex)
        {
            // The transaction is lost: every write of the batch fails (one that failed on its own keeps its error).
            foreach (var write in batch)
            {
                write.Fail(ex);
            }

            CloseConnection();
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    private void Execute(string sql) => Command(sql).ExecuteNonQuery();

    private void CloseConnection()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        _connection?.Dispose();
        _connection = null;
    }

    private interface IWriteOperation
    {
        void Run(SqliteDatabase database);

        void Fail(Exception exception);

        void Complete();
    }

    private sealed class WriteOperation<T>(Func<SqliteDatabase, T> operation) : IWriteOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public void Run(SqliteDatabase database) => _result = operation(database);

        public void Fail(Exception exception) => _error ??= exception;

        public void Complete()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }
    }
}

/// <summary>Initialises the bundled SQLite native library once per process.</summary>
internal static class SqliteSetup
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    public static void EnsureInitialized() => _ = Initialized.Value;
}
