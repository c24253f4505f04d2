using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WalletGrains.Runtime;

/// <summary>
/// Applies numbered schema scripts once each, in version order, each in its own transaction, recording them in
/// <c>schema_migrations</c>. Safe when several silos start at once: on SQLite every step holds the write lock
/// (BEGIN IMMEDIATE), on PostgreSQL a transaction-scoped advisory lock; the ledger is re-read under the lock.
/// Scripts may come from any assembly; a version applied earlier with other text is an error, not a skip.
/// </summary>
public static class MigrationRunner
{
    /// <summary>Advisory lock id for PostgreSQL ("WalletGr" in ASCII), held only inside each migration transaction.</summary>
    private const long PostgresLockId = 0x57616C6C65744772;

    /// <summary>Collects the dialect's scripts from the runtime and <paramref name="assemblies"/>, then applies the pending ones.</summary>
    /// <returns>The scripts applied by this call.</returns>
    public static Task<IReadOnlyList<MigrationScript>> ApplyAsync(SqlDialect dialect, string connectionString, IEnumerable<Assembly> assemblies, CancellationToken cancellationToken = default)
    {
        var scripts = assemblies.Append(typeof(MigrationRunner).Assembly).Distinct().SelectMany(a => MigrationScript.FromAssembly(a, dialect));
        return dialect == SqlDialect.Sqlite
            ? ApplySqliteAsync(connectionString, scripts, cancellationToken)
            : ApplyPostgresAsync(connectionString, scripts, cancellationToken);
    }

    /// <summary>Applies pending scripts to a SQLite database.</summary>
    public static Task<IReadOnlyList<MigrationScript>> ApplySqliteAsync(string connectionString, IEnumerable<MigrationScript> scripts, CancellationToken cancellationToken = default)
    {
        var (bootstrap, ordered) = Prepare(scripts, SqlDialect.Sqlite);
        SqliteSetup.EnsureInitialized();
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))!);
        }

        using var connection = SqliteDatabase.OpenConnection(builder.ToString());
        Execute(connection, "PRAGMA journal_mode = WAL;");
        var applied = new List<MigrationScript>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Execute(connection, "BEGIN IMMEDIATE;");
            try
            {
                foreach (var script in bootstrap)
                {
                    Execute(connection, script.Sql);
                }

                var ledger = ReadSqliteLedger(connection);
                var next = NextPending(ordered, ledger);
                if (next is null)
                {
                    Execute(connection, "COMMIT;");
                    return Task.FromResult<IReadOnlyList<MigrationScript>>(applied);
                }

                Execute(connection, next.Sql);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($version, $name, $checksum);";
                record.Parameters.AddWithValue("$version", next.Version);
                record.Parameters.AddWithValue("$name", next.Name);
                record.Parameters.AddWithValue("$checksum", next.Checksum);
                record.ExecuteNonQuery();
                Execute(connection, "COMMIT;");
                applied.Add(next);
            }
            catch
            {
                Execute(connection, "ROLLBACK;");
                throw;
            }
        }
    }

    /// <summary>Applies pending scripts to a PostgreSQL database.</summary>
    public static async Task<IReadOnlyList<MigrationScript>> ApplyPostgresAsync(string connectionString, IEnumerable<MigrationScript> scripts, CancellationToken cancellationToken = default)
    {
        var (bootstrap, ordered) = Prepare(scripts, SqlDialect.PostgreSql);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var applied = new List<MigrationScript>();
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({PostgresLockId})", cancellationToken);
            foreach (var script in bootstrap)
            {
                await ExecuteAsync(connection, script.Sql, cancellationToken);
            }

            var ledger = new Dictionary<int, (string Name, string Checksum)>();
            await using (var read = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ledger[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
                }
            }

            var next = NextPending(ordered, ledger);
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken);
                return applied;
            }

            await ExecuteAsync(connection, next.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.Name });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(next);
        }
    }

    private static (List<MigrationScript> Bootstrap, List<MigrationScript> Ordered) Prepare(IEnumerable<MigrationScript> scripts, SqlDialect dialect)
    {
        var byVersion = new SortedDictionary<int, MigrationScript>();
        foreach (var script in scripts)
        {
            if (byVersion.TryGetValue(script.Version, out var other))
            {
                if (other.Checksum != script.Checksum || other.Name != script.Name)
                {
                    throw new InvalidOperationException(
                        $"Two {dialect} scripts claim version {script.Version:D4}: '{other.Name}' ({other.Source}) and '{script.Name}' ({script.Source}); renumber one.");
                }

                continue;
            }

            byVersion.Add(script.Version, script);
        }

        var bootstrap = byVersion.Values.Where(s => s.Version == 0).ToList();
        if (bootstrap.Count == 0)
        {
            throw new InvalidOperationException($"No {dialect} bootstrap script (version 0000) was found; it creates the schema_migrations ledger.");
        }

        return (bootstrap, byVersion.Values.Where(s => s.Version > 0).ToList());
    }

    /// <summary>The lowest-numbered script not in the ledger; a ledger entry whose name or checksum differs is an error.</summary>
    private static MigrationScript? NextPending(List<MigrationScript> ordered, Dictionary<int, (string Name, string Checksum)> ledger)
    {
        foreach (var script in ordered)
        {
            if (!ledger.TryGetValue(script.Version, out var recorded))
            {
                return script;
            }

            if (recorded.Name != script.Name || recorded.Checksum != script.Checksum)
            {
                throw new InvalidOperationException(
                    $"Migration {script.Version:D4} was applied as '{recorded.Name}' (checksum {recorded.Checksum}) but {script.Source} is '{script.Name}' " +
                    $"(checksum {script.Checksum}); applied scripts must not change — add a new numbered script instead.");
            }
        }

        return null;
    }

    private static Dictionary<int, (string Name, string Checksum)> ReadSqliteLedger(SqliteConnection connection)
    {
        var ledger = new Dictionary<int, (string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name, checksum FROM schema_migrations;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ledger[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return ledger;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
