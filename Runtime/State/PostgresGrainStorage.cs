using Npgsql;
using NpgsqlTypes;

namespace WalletGrains.Runtime;

/// <summary>Grain state in PostgreSQL (table grain_state, sql/postgresql/0001_runtime.sql), one statement per operation.</summary>
internal sealed class PostgresGrainStorage(NpgsqlDataSource dataSource, TimeProvider time) : IGrainStorage
{
    private const string SelectSql =
        "SELECT payload::text, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string VersionSql =
        "SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string InsertSql =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, updated_at_ms) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING";

    private const string UpdateSql =
        "UPDATE grain_state SET payload = $4, version = version + 1, updated_at_ms = $5 WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $6";

    public async Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectSql);
        AddKey(command, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1))
            : null;
    }

    public async Task<long> WriteAsync(GrainStateKey key, string json, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (await SwapAsync(key, json, expectedVersion, cancellationToken))
        {
            return (expectedVersion ?? 0) + 1;
        }

        throw StorageConflict.Create("Write", key, await CurrentVersionAsync(key, cancellationToken), expectedVersion);
    }

    public async Task<long?> ClearAsync(GrainStateKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is not null)
        {
            return await SwapAsync(key, null, expectedVersion, cancellationToken)
                ? expectedVersion + 1
                : throw StorageConflict.Create("Clear", key, await CurrentVersionAsync(key, cancellationToken), expectedVersion);
        }

        // Nothing known to clear: fine when there is no row or only a tombstone, a conflict when someone wrote.
        var stored = await ReadAsync(key, cancellationToken);
        return stored is null || stored.Json is null
            ? stored?.Version
            : throw StorageConflict.Create("Clear", key, stored.Version, null);
    }

    /// <summary>The compare-and-swap: one INSERT (first write) or one UPDATE guarded by the expected version.</summary>
    private async Task<bool> SwapAsync(GrainStateKey key, string? json, long? expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(expectedVersion is null ? InsertSql : UpdateSql);
        AddKey(command, key);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = time.GetUtcNow().ToUnixTimeMilliseconds() });
        if (expectedVersion is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion.Value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<long?> CurrentVersionAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(VersionSql);
        AddKey(command, key);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private static void AddKey(NpgsqlCommand command, GrainStateKey key)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.GrainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.StateName });
    }
}
