using Microsoft.Data.Sqlite;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// The wallet store's prepared commands on the process-wide SQLite writer connection of its file
/// (<see cref="Runtime.SqliteWriter"/>, shared with the runtime's grain state and reminders). Created once per writer
/// connection as an attachment and disposed with it; commands are prepared once per SQL text and reused, their
/// parameters set by position. Valid only inside a write.
/// </summary>
internal sealed class SqliteWalletWriter(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>
    /// The prepared command for <paramref name="sql"/> with parameters named <paramref name="parameters"/> (created
    /// once; callers set values by position).
    /// </summary>
    public SqliteCommand Command(string sql, params string[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
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

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
