using Microsoft.Data.Sqlite;
using Npgsql;

namespace WalletGrains.Testing;

/// <summary>Runs a test's own SQL on a test database, beside the code under test (a fault to inject, a row to corrupt or read).</summary>
public static class DatabaseSql
{
    /// <summary>Runs <paramref name="sql"/> on PostgreSQL or SQLite.</summary>
    /// <returns>The first column of the first row, or null.</returns>
    public static async Task<object?> ScalarAsync(bool postgres, string connectionString, string sql)
    {
        if (postgres)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return await command.ExecuteScalarAsync();
        }

        await using var sqlite = new SqliteConnection(connectionString);
        await sqlite.OpenAsync();
        await using var sqliteCommand = sqlite.CreateCommand();
        sqliteCommand.CommandText = sql;
        return await sqliteCommand.ExecuteScalarAsync();
    }
}
