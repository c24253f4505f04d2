using Npgsql;

namespace WalletGrains.Runtime;

/// <summary>Reminders in PostgreSQL (table reminders, sql/postgresql/0001_runtime.sql).</summary>
internal sealed class PostgresReminderTable(NpgsqlDataSource dataSource) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_at_ms, period_ms, next_due_ms, version";

    public async Task UpsertAsync(ReminderRow row, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO reminders ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, 1) " +
            "ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE SET start_at_ms = excluded.start_at_ms, " +
            "period_ms = excluded.period_ms, next_due_ms = excluded.next_due_ms, version = reminders.version + 1");
        AddKey(command, row.GrainType, row.GrainKey, row.Name);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.StartAtMs });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.PeriodMs });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.NextDueMs });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3");
        AddKey(command, grainType, grainKey, name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ReminderRow?> ReadAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3");
        AddKey(command, grainType, grainKey, name);
        var rows = await ReadRowsAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ReminderRow>> ReadForGrainAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY reminder_name");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainKey });
        return await ReadRowsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderRow>> ReadDueAsync(long nowMs, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM reminders WHERE next_due_ms <= $1 ORDER BY next_due_ms LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = nowMs });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await ReadRowsAsync(command, cancellationToken);
    }

    public async Task<bool> TryClaimAsync(ReminderRow row, long nextDueMs, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE reminders SET next_due_ms = $4, version = version + 1 WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND version = $5");
        AddKey(command, row.GrainType, row.GrainKey, row.Name);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = nextDueMs });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.Version });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void AddKey(NpgsqlCommand command, string grainType, string grainKey, string name)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
    }

    private static async Task<IReadOnlyList<ReminderRow>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ReminderRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReminderRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }

        return rows;
    }
}
