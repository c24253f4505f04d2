using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// The one writer connection of a SQLite wallet database. SQLite admits one writer at a time, so writes queue
/// here and run one after another on a dedicated thread; writes that queued up meanwhile share one transaction
/// (group commit: one fsync for many commits), each inside its own savepoint so a failing write is undone alone.
/// BEGIN IMMEDIATE takes the write lock up front, so a read transaction never has to upgrade (no SQLITE_BUSY
/// deadlock). Commands are prepared once per SQL text and reused. Stores on the same file in one process (two
/// silos in a test host) share one writer, so they never wait on each other's lock.
/// </summary>
internal sealed class SqliteWalletWriter
{
    /// <summary>Most writes per transaction; bounds the latency one group adds to the next.</summary>
    private const int MaxGroup = 64;

    private static readonly Lock RegistryGate = new();
    private static readonly Dictionary<string, SqliteWalletWriter> Registry = new(StringComparer.Ordinal);

    private readonly string _registryKey;
    private readonly string _connectionString;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private SqliteConnection? _connection;
    private int _references;

    private SqliteWalletWriter(string registryKey, string connectionString)
    {
        _registryKey = registryKey;
        _connectionString = connectionString;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"sqlite-wallet-writer {Path.GetFileName(registryKey)}" };
        _thread.Start();
    }

    /// <summary>The writer of the database file <paramref name="fullPath"/>; pair with <see cref="Release"/>.</summary>
    public static SqliteWalletWriter Acquire(string fullPath, string connectionString)
    {
        lock (RegistryGate)
        {
            if (!Registry.TryGetValue(fullPath, out var writer))
            {
                writer = new SqliteWalletWriter(fullPath, connectionString);
                Registry.Add(fullPath, writer);
            }

            writer._references++;
            return writer;
        }
    }

    /// <summary>Runs <paramref name="write"/> on the writer connection inside a savepoint of the next group transaction; completes after COMMIT.</summary>
    public Task<T> RunAsync<T>(Func<SqliteWalletWriter, T> write)
    {
        var operation = new Write<T>(write);
        return _queue.Writer.TryWrite(operation)
            ? operation.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWalletStore), "The SQLite wallet store is disposed."));
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> with parameters named <paramref name="parameters"/> (created
    /// once; callers set values by position). Valid only inside a write.
    /// </summary>
    public SqliteCommand Command(string sql, params string[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection!.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands.Add(sql, command);
        }

        return command;
    }

    /// <summary>Sets a parameter, mapping null to SQL NULL.</summary>
    public static void Set(SqliteCommand command, int index, object? value) => command.Parameters[index].Value = value ?? DBNull.Value;

    /// <summary>Drops one reference; the last one stops the thread after the queued writes.</summary>
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

        _queue.Writer.TryComplete();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void Loop()
    {
        var group = new List<IWrite>(MaxGroup);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (group.Count < MaxGroup && reader.TryRead(out var write))
            {
                group.Add(write);
            }

            CommitGroup(group);
            group.Clear();
        }

        CloseConnection();
    }

    private void CommitGroup(List<IWrite> group)
    {
        try
        {
            if (_connection is null)
            {
                _connection = SqliteWalletStore.Open(_connectionString);

                // WAL: readers never wait for the writer. FULL: a commit acknowledged to a grain survives power loss,
                // not only a process crash (invariant 2).
                Execute("PRAGMA journal_mode = WAL;");
                Execute("PRAGMA synchronous = FULL;");

                // 32 MiB of page cache (default 2 MiB): id and hash indexes take random inserts, and a commit of 100
                // transactions touches a few hundred index pages; keeping them cached halves the commit time.
                Execute("PRAGMA cache_size = -32768;");

                // Attempts and idempotency keys must name an existing transaction, as on PostgreSQL.
                Execute("PRAGMA foreign_keys = ON;");
            }

            Execute("BEGIN IMMEDIATE;");
            foreach (var write in group)
            {
                Execute("SAVEPOINT wallet_write;");
                try
                {
                    write.Run(this);
                    Execute("RELEASE wallet_write;");
                }
                catch (Exception ex)
                {
                    write.Fail(ex);
                    Execute("ROLLBACK TO wallet_write;");
                    Execute("RELEASE wallet_write;");
                }
            }

            Execute("COMMIT;");
        }
        catch (Exception ex)
        {
            // The group transaction is lost: every write fails (one that failed on its own keeps its own error).
            foreach (var write in group)
            {
                write.Fail(ex);
            }

            CloseConnection();
        }

        foreach (var write in group)
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

    private interface IWrite
    {
        void Run(SqliteWalletWriter writer);

        void Fail(Exception exception);

        void Complete();
    }

    private sealed class Write<T>(Func<SqliteWalletWriter, T> write) : IWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public void Run(SqliteWalletWriter writer) => _result = write(writer);

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
