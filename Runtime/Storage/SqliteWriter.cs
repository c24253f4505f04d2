using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>
/// A lease on the one write path to a SQLite database file in this process, shared by the runtime (grain state,
/// reminders) and the wallet store. SQLite admits one writer per file, and the bundled SQLite (3.35.5, built
/// without usleep) makes a second writer connection wait in whole-second steps of its busy handler; so every write
/// to a file goes through one connection on one thread. Work items queued meanwhile share one transaction (group
/// commit: BEGIN IMMEDIATE … COMMIT, one fsync), each in its own savepoint so a failing item is undone alone.
/// Checkpoints of a file's write-ahead log run beside the writer on a connection of their own
/// (<see cref="SqliteCheckpointer"/>), not in the writer thread after a commit as SQLite's automatic ones would.
/// Files are told apart by the full path of their Data Source. Two processes writing one file still contend
/// through SQLite's busy handler: one silo process per SQLite file is the supported deployment.
/// Dispose the lease once; the last lease on a file stops its writer after the queued work.
/// </summary>
public sealed class SqliteWriter : IDisposable
{
    private readonly FileWriter _writer;
    private int _disposed;

    private SqliteWriter(FileWriter writer) => _writer = writer;

    /// <summary>
    /// How long the write-ahead log may grow (in pages) before the writer finishes a checkpoint itself between two
    /// groups so that the log starts over (see <see cref="SqliteCheckpointer"/>); read when a file's writer starts.
    /// 8,192 pages are 32 MiB at SQLite's default page size. Tests lower it.
    /// </summary>
    internal static long CheckpointCatchUpFrames { get; set; } = 8192;

    /// <summary>How long a connection waits for another process's write lock before failing.</summary>
    public static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The registry key: the full path of the Data Source, or the whole connection string for an in-memory database.</summary>
    public string DatabaseKey => _writer.Key;

    /// <summary>
    /// A lease on the writer of <paramref name="connectionString"/>'s database file (its directory is created if
    /// missing). The first lease on a file opens the writer connection with its connection string (pooling off).
    /// </summary>
    public static SqliteWriter Acquire(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return new SqliteWriter(FileWriter.Acquire(connectionString));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer thread inside a savepoint of the next group transaction and
    /// completes after COMMIT with its result, or with the exception it threw (its changes rolled back), or with the
    /// error that lost the whole transaction. <paramref name="work"/> must not begin, commit or roll back
    /// transactions itself, and must not wait on other writes (it runs on the only writer thread).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Volatile.Read(ref _disposed) != 0
            ? Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWriter), $"This lease on the SQLite writer of '{_writer.Key}' is disposed."))
            : _writer.Enqueue(work);
    }

    /// <summary>Releases the lease; the last one on a file waits for the queued work, then closes the writer connection.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _writer.Release();
        }
    }

    /// <summary>Opens a connection with <see cref="BusyTimeout"/> set, so another process's write lock makes it wait, not fail.</summary>
    public static SqliteConnection OpenConnection(string connectionString)
    {
        SqliteSetup.EnsureInitialized();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The writer key of a connection string: the full path of its Data Source (whose directory is created), or the string itself in memory.</summary>
    internal static string KeyOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (IsInMemory(builder))
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

    internal static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;

    /// <summary>The writer thread and connection of one file, shared by every lease on it.</summary>
    private sealed class FileWriter
    {
        /// <summary>Most work items per transaction; bounds the latency one group adds to the next.</summary>
        private const int MaxGroup = 128;

        private static readonly Lock RegistryGate = new();
        private static readonly Dictionary<string, FileWriter> Registry = new(StringComparer.Ordinal);

        private readonly string _connectionString;
        private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Thread _thread;
        private readonly SqliteWriteContext _context = new();
        private readonly long _catchUpFrames = CheckpointCatchUpFrames;
        private int _references;

        private FileWriter(string key, string connectionString)
        {
            Key = key;
            _connectionString = connectionString;
            _thread = new Thread(Loop) { IsBackground = true, Name = $"sqlite-writer {Path.GetFileName(key)}" };
            _thread.Start();
        }

        public string Key { get; }

        public static FileWriter Acquire(string connectionString)
        {
            SqliteSetup.EnsureInitialized();
            var key = KeyOf(connectionString);
            lock (RegistryGate)
            {
                if (!Registry.TryGetValue(key, out var writer))
                {
                    var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
                    if (!IsInMemory(builder))
                    {
                        // The writer outlives its first acquirer; a later change of working directory must not move it.
                        builder.DataSource = key;
                    }

                    writer = new FileWriter(key, builder.ToString());
                    Registry.Add(key, writer);
                }

                writer._references++;
                return writer;
            }
        }

        public Task<T> Enqueue<T>(Func<SqliteWriteContext, T> work)
        {
            var item = new Work<T>(work);
            return _queue.Writer.TryWrite(item)
                ? item.Task
                : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWriter), $"The SQLite writer of '{Key}' is closed."));
        }

        public void Release()
        {
            lock (RegistryGate)
            {
                if (--_references > 0)
                {
                    return;
                }

                Registry.Remove(Key);
            }

            _queue.Writer.TryComplete();
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join();
            }
        }

        private void Loop()
        {
            // A file database's log is checkpointed beside the writer; the writer thread owns that helper.
            var checkpointer = IsInMemory(new SqliteConnectionStringBuilder(_connectionString))
                ? null
                : new SqliteCheckpointer(_connectionString, Path.GetFileName(Key));
            var group = new List<IWork>(MaxGroup);
            var reader = _queue.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (group.Count < MaxGroup && reader.TryRead(out var work))
                {
                    group.Add(work);
                }

                CommitGroup(group, checkpointer);
                group.Clear();
            }

            // The checkpointer's connection first: the writer's, closing last, then checkpoints and removes the log.
            checkpointer?.Dispose();
            _context.Close();
        }

        private void CommitGroup(List<IWork> group, SqliteCheckpointer? checkpointer)
        {
            try
            {
                if (_context.ConnectionOrNull is null)
                {
                    Open(checkpointer is not null);
                }

                _context.Execute("BEGIN IMMEDIATE;");
                foreach (var work in group)
                {
                    _context.Execute("SAVEPOINT write_work;");
                    try
                    {
                        work.Run(_context);
                        _context.Execute("RELEASE write_work;");
                    }
                    catch (Exception ex)
                    {
                        work.Fail(ex);
                        _context.Execute("ROLLBACK TO write_work;");
                        _context.Execute("RELEASE write_work;");
                    }
                }

                _context.Execute("COMMIT;");
                if (checkpointer is not null)
                {
                    checkpointer.Nudge();
                    if (checkpointer.BacklogFrames > _catchUpFrames)
                    {
                        // Finish the copy here, between two groups, so the next group starts the log over.
                        SqliteCheckpointer.CheckpointPassive(_context.Connection);
                        checkpointer.CaughtUp();
                    }
                }
            }
            catch (Exception ex)
            {
                // The group transaction is lost: every item fails (one that failed on its own keeps its own error).
                foreach (var work in group)
                {
                    work.Fail(ex);
                }

                _context.Close();
            }

            foreach (var work in group)
            {
                work.Complete();
            }
        }

        private void Open(bool checkpointsBeside)
        {
            _context.Open(OpenConnection(_connectionString));

            // WAL: readers on pooled connections never wait for the writer. FULL: a write acknowledged to a grain
            // survives power loss, not only a process crash (invariant 2).
            _context.Execute("PRAGMA journal_mode = WAL;");
            _context.Execute("PRAGMA synchronous = FULL;");

            // 32 MiB of page cache (default 2 MiB): the wallet's id and hash indexes take random inserts, and a commit
            // of 100 transactions touches a few hundred index pages; keeping them cached halves the commit time.
            _context.Execute("PRAGMA cache_size = -32768;");

            // Savepoint journals (one per work item) stay in memory: with the default they spill to a temporary file
            // once an item has changed 64 KiB of pages, and the writer thread opened, wrote and deleted a file per item.
            _context.Execute("PRAGMA temp_store = MEMORY;");

            if (checkpointsBeside)
            {
                _context.Execute("PRAGMA wal_autocheckpoint = 0;");
            }

            // Declared foreign keys are enforced, as on PostgreSQL (a no-op inside a transaction, hence here).
            _context.Execute("PRAGMA foreign_keys = ON;");
        }
    }

    private interface IWork
    {
        void Run(SqliteWriteContext context);

        void Fail(Exception exception);

        void Complete();
    }

    private sealed class Work<T>(Func<SqliteWriteContext, T> work) : IWork
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public void Run(SqliteWriteContext context) => _result = work(context);

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

/// <summary>
/// The writer connection as a work item of <see cref="SqliteWriter.WriteAsync{T}"/> sees it; valid only while that
/// item runs. Its prepared statements (<see cref="Statement"/>) and users' attachments last until the connection closes.
/// </summary>
public sealed class SqliteWriteContext
{
    private readonly Dictionary<Type, IDisposable> _attachments = [];
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    internal SqliteWriteContext()
    {
    }

    /// <summary>The writer connection, inside the group transaction and the item's savepoint.</summary>
    public SqliteConnection Connection => _connection ?? throw new InvalidOperationException("The SQLite writer connection is not open outside a write.");

    /// <summary>
    /// The caller's state of type <typeparamref name="T"/> for this connection (typically prepared commands),
    /// created by <paramref name="create"/> on first use and disposed when the connection closes (after an error
    /// that lost a transaction, or when the writer stops).
    /// </summary>
    public T Attachment<T>(Func<SqliteConnection, T> create)
        where T : class, IDisposable
    {
        ArgumentNullException.ThrowIfNull(create);
        if (_attachments.TryGetValue(typeof(T), out var existing))
        {
            return (T)existing;
        }

        var created = create(Connection);
        _attachments.Add(typeof(T), created);
        return created;
    }

    internal SqliteConnection? ConnectionOrNull => _connection;

    internal void Open(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// The writer connection's prepared statement for <paramref name="sql"/>, its parameters named by
    /// <paramref name="parameters"/> in the order the caller sets them (see <see cref="SqliteStatement"/>); prepared on
    /// first use and kept until the connection closes.
    /// </summary>
    public SqliteStatement Statement(string sql, params ReadOnlySpan<string> parameters)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new SqliteStatement(Connection, sql, parameters);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Runs transaction control and pragmas.</summary>
    internal void Execute(string sql) => Statement(sql).ExecuteNonQuery();

    internal void Close()
    {
        foreach (var attachment in _attachments.Values)
        {
            attachment.Dispose();
        }

        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _attachments.Clear();
        _statements.Clear();
        _connection?.Dispose();
        _connection = null;
    }
}
