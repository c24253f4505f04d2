using Microsoft.Data.Sqlite;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// The wallet store's prepared statements on the process-wide SQLite writer connection of its file
/// (<see cref="Runtime.SqliteWriter"/>, shared with the runtime's grain state and reminders). Created once per writer
/// connection as an attachment and disposed with it; statements are prepared once per SQL text and reused, their
/// parameters set by position (<see cref="SqliteStatement"/>). Valid only inside a write.
/// </summary>
internal sealed class SqliteWalletWriter(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);

    /// <summary>
    /// The prepared statement for <paramref name="sql"/> with parameters named <paramref name="parameters"/> (created
    /// once; callers set values by position).
    /// </summary>
    public SqliteStatement Command(string sql, params string[] parameters)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new SqliteStatement(connection, sql, parameters);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}
