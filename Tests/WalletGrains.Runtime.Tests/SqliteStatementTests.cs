using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime.Tests;

/// <summary>The writer's positional statements keep ADO.NET's value mapping and SQLite's error codes.</summary>
public sealed class SqliteStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = SqliteWriter.OpenConnection("Data Source=:memory:");

    public SqliteStatementTests()
    {
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, body BLOB, flag INTEGER, at INTEGER, UNIQUE (name));";
        create.ExecuteNonQuery();
    }

    [Fact]
    public void Values_bind_by_position_whatever_order_the_sql_names_them_in()
    {
        using var insert = new SqliteStatement(_connection, "INSERT INTO t (at, flag, body, name, id) VALUES ($at, $flag, $body, $name, $id);", "$id", "$name", "$body", "$flag", "$at");
        insert.Set(0, 7L);
        insert.Set(1, "naïve ✓");
        insert.Set(2, new byte[] { 1, 2, 3 });
        insert.Set(3, true);
        insert.Set(4, (long?)1_700_000_000_123);
        Assert.Equal(1, insert.ExecuteNonQuery());

        insert.Set(0, 8L);
        insert.Set(1, string.Empty);
        insert.Set(2, Array.Empty<byte>());
        insert.Set(3, false);
        insert.Set(4, (long?)null);
        Assert.Equal(1, insert.ExecuteNonQuery());

        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT id, name, typeof(name), body, typeof(body), flag, at FROM t ORDER BY id;";
        using var reader = read.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("naïve ✓", reader.GetString(1));
        Assert.Equal([1, 2, 3], reader.GetFieldValue<byte[]>(3));
        Assert.Equal(1L, reader.GetInt64(5));
        Assert.Equal(1_700_000_000_123L, reader.GetInt64(6));

        // Empty is not NULL: an empty string stays TEXT and an empty array a BLOB, as SqliteCommand binds them.
        Assert.True(reader.Read());
        Assert.Equal(("", "text"), (reader.GetString(1), reader.GetString(2)));
        Assert.Equal("blob", reader.GetString(4));
        Assert.Empty(reader.GetFieldValue<byte[]>(3));
        Assert.Equal(0L, reader.GetInt64(5));
        Assert.True(reader.IsDBNull(6));
    }

    [Fact]
    public void A_failed_step_throws_the_extended_code_and_leaves_the_statement_reusable()
    {
        using var insert = new SqliteStatement(_connection, "INSERT INTO t (name) VALUES ($name);", "$name");
        insert.Set(0, "a");
        insert.ExecuteNonQuery();

        var ex = Assert.Throws<SqliteException>(() => insert.ExecuteNonQuery());
        Assert.Equal(2067, ex.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_UNIQUE

        insert.Set(0, "b");
        Assert.Equal(1, insert.ExecuteNonQuery());
    }

    [Fact]
    public void A_scalar_reads_a_returning_row_and_null_without_one()
    {
        using var upsert = new SqliteStatement(_connection, "INSERT INTO t (name, at) VALUES ($name, $at) RETURNING at;", "$name", "$at");
        upsert.Set(0, "x");
        upsert.Set(1, 42L);
        Assert.Equal(42L, upsert.ExecuteScalarInt64());

        using var find = new SqliteStatement(_connection, "SELECT at FROM t WHERE name = $name;", "$name");
        find.Set(0, "x");
        Assert.Equal(42L, find.ExecuteScalarInt64());
        find.Set(0, "missing");
        Assert.Null(find.ExecuteScalarInt64());
    }

    [Fact]
    public void Parameters_must_all_be_named_and_exist()
    {
        Assert.Throws<ArgumentException>(() => new SqliteStatement(_connection, "SELECT $a, $b;", "$a"));
        Assert.Throws<ArgumentException>(() => new SqliteStatement(_connection, "SELECT $a;", "$a", "$c"));
        Assert.Throws<ArgumentException>(() => new SqliteStatement(_connection, "SELECT 1; SELECT 2;"));
        Assert.Throws<SqliteException>(() => new SqliteStatement(_connection, "SELEKT 1;"));
    }

    public void Dispose() => _connection.Dispose();
}
