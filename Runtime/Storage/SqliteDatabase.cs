using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>
/// One SQLite database file as the runtime's storage and reminder table use it: reads on pooled connections, every
/// write through the process-wide <see cref="SqliteWriter"/> of the file (shared with the wallet store, so the
/// runtime and the wallet never hold two write connections on one file).
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly SqliteWriter _writer;
    private readonly string _readConnectionString;

    private SqliteDatabase(string connectionString)
    {
        _writer = SqliteWriter.Acquire(connectionString);
        _readConnectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true }.ToString();
    }

    /// <summary>Opens the database for one storage or reminder table; pair with <see cref="Release"/>.</summary>
    public static SqliteDatabase Acquire(string connectionString) => new(connectionString);

    public void Release() => _writer.Dispose();

    /// <summary>Runs <paramref name="operation"/> on the shared writer connection inside the next group-commit transaction.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteCommands, T> operation) =>
        _writer.WriteAsync(context => operation(context.Attachment(static connection => new SqliteCommands(connection))));

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

    /// <summary>Opens a connection with the busy timeout set (used by readers and the migration runner).</summary>
    internal static SqliteConnection OpenConnection(string connectionString) => SqliteWriter.OpenConnection(connectionString);
}

/// <summary>The runtime's prepared commands on the writer connection, one per SQL text; valid only inside a write.</summary>
internal sealed class SqliteCommands(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/> with its parameters cleared for the caller to add.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
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
