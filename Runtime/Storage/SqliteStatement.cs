using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace WalletGrains.Runtime;

/// <summary>
/// One prepared statement on a connection's native handle, for the writer's hot path: parameters are bound by
/// position into SQLite's own slots (no per-execution name lookup, no parameter objects, strings bound as UTF-16
/// without a managed UTF-8 copy), and executing it allocates nothing. Values keep their ADO.NET mapping: null is SQL
/// NULL, integers and booleans are INTEGER, strings TEXT, byte arrays BLOB (an empty array an empty BLOB, not NULL).
/// Failures throw <see cref="SqliteException"/> with SQLite's extended code, as <see cref="SqliteCommand"/> does.
/// Not thread-safe; dispose it before its connection closes.
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _slots;

    /// <summary>
    /// Prepares <paramref name="sql"/> (one statement) on <paramref name="connection"/>, which must be open.
    /// <paramref name="parameters"/> names its parameters ("$name") in the order <see cref="Set(int, long)"/> and
    /// the other setters number them; every parameter the SQL uses must be named.
    /// </summary>
    public SqliteStatement(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement, out string tail);
        if (rc != raw.SQLITE_OK)
        {
            _statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException($"One statement at a time; '{tail.Trim()}' follows the first.", nameof(sql));
        }

        _slots = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            _slots[i] = raw.sqlite3_bind_parameter_index(_statement, parameters[i]);
            if (_slots[i] == 0)
            {
                _statement.Dispose();
                throw new ArgumentException($"The statement has no parameter '{parameters[i]}'.", nameof(parameters));
            }
        }

        var (used, named) = (raw.sqlite3_bind_parameter_count(_statement), _slots.Distinct().Count());
        if (named != used)
        {
            _statement.Dispose();
            throw new ArgumentException($"The statement has {used} parameters; {named} are named.", nameof(parameters));
        }
    }

    /// <summary>Binds an INTEGER.</summary>
    public void Set(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, _slots[position], value));

    /// <summary>Binds an INTEGER, or NULL.</summary>
    public void Set(int position, long? value)
    {
        if (value is { } v)
        {
            Set(position, v);
        }
        else
        {
            SetNull(position);
        }
    }

    /// <summary>Binds 1 or 0.</summary>
    public void Set(int position, bool value) => Set(position, value ? 1L : 0L);

    /// <summary>Binds TEXT, or NULL.</summary>
    public void Set(int position, string? value)
    {
        if (value is null)
        {
            SetNull(position);
        }
        else if (value.Length == 0)
        {
            // An empty span reaches SQLite as a null pointer, which binds NULL.
            Check(raw.sqlite3_bind_text(_statement, _slots[position], string.Empty));
        }
        else
        {
            Check(raw.sqlite3_bind_text16(_statement, _slots[position], value.AsSpan()));
        }
    }

    /// <summary>Binds a BLOB (empty when the array is), or NULL.</summary>
    public void Set(int position, byte[]? value)
    {
        if (value is null)
        {
            SetNull(position);
        }
        else if (value.Length == 0)
        {
            Check(raw.sqlite3_bind_zeroblob(_statement, _slots[position], 0));
        }
        else
        {
            Check(raw.sqlite3_bind_blob(_statement, _slots[position], value));
        }
    }

    /// <summary>Binds NULL.</summary>
    public void SetNull(int position) => Check(raw.sqlite3_bind_null(_statement, _slots[position]));

    /// <summary>Runs the statement to its end and returns how many rows it changed.</summary>
    public int ExecuteNonQuery()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement and returns the first column of its first row as an integer; null without a row or for NULL.</summary>
    public long? ExecuteScalarInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
        }
        finally
        {
            // Completes the statement, a RETURNING one included: SQLite made its changes on the first step.
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Finalises the statement.</summary>
    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
