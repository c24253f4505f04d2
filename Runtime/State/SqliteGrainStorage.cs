using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>Grain state in SQLite (table grain_state, sql/sqlite/0001_runtime.sql); writes go through the group-commit writer.</summary>
internal sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private const string SelectSql =
        "SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name;";

    private const string VersionSql =
        "SELECT version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name;";

    private const string InsertSql =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, updated_at_ms) VALUES ($type, $key, $name, $payload, 1, $now) ON CONFLICT DO NOTHING;";

    private const string UpdateSql =
        "UPDATE grain_state SET payload = $payload, version = version + 1, updated_at_ms = $now WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $expected;";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteGrainStorage(string connectionString, TimeProvider time)
    {
        _database = SqliteDatabase.Acquire(connectionString);
        _time = time;
    }

    public Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken) =>
        _database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectSql;
            AddKey(command, key);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new StoredState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)) : null;
        });

    public async Task<long> WriteAsync(GrainStateKey key, string json, long? expectedVersion, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var (ok, version) = await _database.WriteAsync(db => Swap(db, key, json, expectedVersion, now));
        return ok ? version!.Value : throw StorageConflict.Create("Write", key, version, expectedVersion);
    }

    public async Task<long?> ClearAsync(GrainStateKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var (ok, version) = await _database.WriteAsync(db =>
        {
            if (expectedVersion is not null)
            {
                return Swap(db, key, null, expectedVersion, now);
            }

            // Nothing known to clear: fine when there is no row or only a tombstone, a conflict when someone wrote.
            var select = db.Command(SelectSql);
            AddKey(select, key);
            using var reader = select.ExecuteReader();
            if (!reader.Read())
            {
                return (true, (long?)null);
            }

            return (reader.IsDBNull(0), reader.GetInt64(1));
        });
        return ok ? version : throw StorageConflict.Create("Clear", key, version, expectedVersion);
    }

    public void Dispose() => _database.Release();

    /// <summary>The compare-and-swap: one INSERT (first write) or one UPDATE guarded by the expected version.</summary>
    private static (bool Ok, long? Version) Swap(SqliteCommands db, GrainStateKey key, string? json, long? expectedVersion, long now)
    {
        SqliteCommand command;
        if (expectedVersion is null)
        {
            command = db.Command(InsertSql);
        }
        else
        {
            command = db.Command(UpdateSql);
            command.Parameters.AddWithValue("$expected", expectedVersion.Value);
        }

        AddKey(command, key);
        command.Parameters.AddWithValue("$payload", (object?)json ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", now);
        if (command.ExecuteNonQuery() == 1)
        {
            return (true, (expectedVersion ?? 0) + 1);
        }

        var current = db.Command(VersionSql);
        AddKey(current, key);
        return (false, current.ExecuteScalar() is long stored ? stored : null);
    }

    private static void AddKey(SqliteCommand command, GrainStateKey key)
    {
        command.Parameters.AddWithValue("$type", key.GrainType);
        command.Parameters.AddWithValue("$key", key.GrainKey);
        command.Parameters.AddWithValue("$name", key.StateName);
    }
}
