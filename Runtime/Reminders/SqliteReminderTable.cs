using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>Reminders in SQLite (table reminders, sql/sqlite/0001_runtime.sql).</summary>
internal sealed class SqliteReminderTable : IReminderTable, IDisposable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_at_ms, period_ms, next_due_ms, version";

    private readonly SqliteDatabase _database;

    public SqliteReminderTable(string connectionString)
    {
        _database = SqliteDatabase.Acquire(connectionString);
    }

    public Task UpsertAsync(ReminderRow row, CancellationToken cancellationToken) =>
        _database.WriteAsync(db =>
        {
            var command = db.Command(
                $"INSERT INTO reminders ({Columns}) VALUES ($type, $key, $name, $start, $period, $due, 1) " +
                "ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE SET start_at_ms = excluded.start_at_ms, " +
                "period_ms = excluded.period_ms, next_due_ms = excluded.next_due_ms, version = reminders.version + 1;");
            AddKey(command, row.GrainType, row.GrainKey, row.Name);
            command.Parameters.AddWithValue("$start", row.StartAtMs);
            command.Parameters.AddWithValue("$period", row.PeriodMs);
            command.Parameters.AddWithValue("$due", row.NextDueMs);
            return command.ExecuteNonQuery();
        });

    public Task<bool> RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(db =>
        {
            var command = db.Command("DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND reminder_name = $name;");
            AddKey(command, grainType, grainKey, name);
            return command.ExecuteNonQuery() == 1;
        });

    public async Task<ReminderRow?> ReadAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_type = $type AND grain_key = $key AND reminder_name = $name;",
            command => AddKey(command, grainType, grainKey, name));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ReminderRow>> ReadForGrainAsync(string grainType, string grainKey, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_type = $type AND grain_key = $key ORDER BY reminder_name;",
            command =>
            {
                command.Parameters.AddWithValue("$type", grainType);
                command.Parameters.AddWithValue("$key", grainKey);
            });

    public Task<IReadOnlyList<ReminderRow>> ReadDueAsync(long nowMs, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE next_due_ms <= $now ORDER BY next_due_ms LIMIT $limit;",
            command =>
            {
                command.Parameters.AddWithValue("$now", nowMs);
                command.Parameters.AddWithValue("$limit", limit);
            });

    public Task<bool> TryClaimAsync(ReminderRow row, long nextDueMs, CancellationToken cancellationToken) =>
        _database.WriteAsync(db =>
        {
            var command = db.Command(
                "UPDATE reminders SET next_due_ms = $due, version = version + 1 " +
                "WHERE grain_type = $type AND grain_key = $key AND reminder_name = $name AND version = $version;");
            AddKey(command, row.GrainType, row.GrainKey, row.Name);
            command.Parameters.AddWithValue("$due", nextDueMs);
            command.Parameters.AddWithValue("$version", row.Version);
            return command.ExecuteNonQuery() == 1;
        });

    public void Dispose() => _database.Release();

    private static void AddKey(SqliteCommand command, string grainType, string grainKey, string name)
    {
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", grainKey);
        command.Parameters.AddWithValue("$name", name);
    }

    private Task<IReadOnlyList<ReminderRow>> QueryAsync(string sql, Action<SqliteCommand> bind) =>
        _database.ReadAsync<IReadOnlyList<ReminderRow>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            using var reader = command.ExecuteReader();
            var rows = new List<ReminderRow>();
            while (reader.Read())
            {
                rows.Add(new ReminderRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
            }

            return rows;
        });
}
