using Microsoft.Data.Sqlite;
using Npgsql;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

/// <summary>How hosts migrate: the runtime's scripts and the wallet's, each embedded once, applied in version order.</summary>
public sealed class WalletStoreSchemaTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.PostgreSql)]
    public void Each_script_is_embedded_by_the_assembly_that_owns_it(SqlDialect dialect)
    {
        var runtime = MigrationScript.FromAssembly(typeof(MigrationRunner).Assembly, dialect);
        var wallet = MigrationScript.FromAssembly(WalletSchema.ScriptAssembly, dialect);

        Assert.Equal([(0, "schema_migrations"), (1, "runtime")], runtime.Select(s => (s.Version, s.Name)));
        Assert.Equal([(2, "wallet"), (3, "watches_balances"), (5, "webhooks"), (6, "commit_checks")], wallet.Select(s => (s.Version, s.Name)));
    }

    [Fact]
    public async Task Sqlite_migration_applies_runtime_then_wallet_scripts_once()
    {
        var directory = Directory.CreateTempSubdirectory("walletgrains-schema-").FullName;
        try
        {
            var connectionString = $"Data Source={Path.Combine(directory, "nested", "wallet.db")}";
            var first = await WalletSchema.MigrateAsync(WalletStoreProvider.Sqlite, connectionString, TestContext.Current.CancellationToken);
            var second = await WalletSchema.MigrateAsync("SQLite", connectionString, TestContext.Current.CancellationToken);

            Assert.Equal([1, 2, 3, 5, 6], first.Select(s => s.Version));
            Assert.Empty(second);
            await using var connection = new SqliteConnection(connectionString + ";Pooling=False");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);";
            Assert.Equal(
                "accounts,api_keys,attempts,balance_heads,balances,event_counter,events,grain_state,idempotency_keys,reminders,schema_migrations,transactions,watches,webhooks",
                (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_migration_applies_runtime_then_wallet_scripts_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync("wg_schema");
        try
        {
            var first = await WalletSchema.MigrateAsync("postgres", connectionString, TestContext.Current.CancellationToken);
            var second = await WalletSchema.MigrateAsync(WalletStoreProvider.Postgres, connectionString, TestContext.Current.CancellationToken);

            Assert.Equal([1, 2, 3, 5, 6], first.Select(s => s.Version));
            Assert.Empty(second);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations", connection);
            Assert.Equal("1,2,3,5,6", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            await postgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Sqlite_partial_indexes_use_the_stores_predicates()
    {
        var directory = Directory.CreateTempSubdirectory("walletgrains-schema-").FullName;
        try
        {
            var connectionString = $"Data Source={Path.Combine(directory, "wallet.db")}";
            await WalletSchema.MigrateAsync(WalletStoreProvider.Sqlite, connectionString, TestContext.Current.CancellationToken);
            await using var connection = new SqliteConnection(connectionString + ";Pooling=False");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            async Task<string?> IndexSql(string name)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name;";
                command.Parameters.AddWithValue("$name", name);
                return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            }

            Assert.EndsWith($"WHERE {WalletColumns.NonceHolderPredicate}", await IndexSql("transactions_live_nonce"), StringComparison.Ordinal);
            Assert.EndsWith($"WHERE {WalletColumns.LiveStatusPredicate}", await IndexSql("transactions_live"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_partial_indexes_use_the_stores_predicates()
    {
        var connectionString = await postgres.CreateDatabaseAsync("wg_schema");
        try
        {
            await WalletSchema.MigrateAsync(WalletStoreProvider.Postgres, connectionString, TestContext.Current.CancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);

            // PostgreSQL rewrites predicates (NOT IN becomes <> ALL (ARRAY[...])): compare with a probe index it rewrote the same way.
            await using (var probe = new NpgsqlCommand(
                $"CREATE TEMP TABLE probe (status text); CREATE INDEX probe_nonce ON probe (status) WHERE {WalletColumns.NonceHolderPredicate}; " +
                $"CREATE INDEX probe_live ON probe (status) WHERE {WalletColumns.LiveStatusPredicate};",
                connection))
            {
                await probe.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            async Task<string?> Predicate(string index)
            {
                await using var command = new NpgsqlCommand("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = $1::regclass", connection);
                command.Parameters.AddWithValue(index);
                return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            }

            Assert.Equal(await Predicate("probe_nonce"), await Predicate("transactions_live_nonce"));
            Assert.Equal(await Predicate("probe_live"), await Predicate("transactions_live"));
            Assert.NotEqual(await Predicate("probe_nonce"), await Predicate("probe_live"));
        }
        finally
        {
            await postgres.DropDatabaseAsync(connectionString);
        }
    }

    [Theory]
    [InlineData("sqlite", WalletStoreProvider.Sqlite)]
    [InlineData("Postgres", WalletStoreProvider.Postgres)]
    [InlineData("postgresql", WalletStoreProvider.Postgres)]
    [InlineData("memory", WalletStoreProvider.Memory)]
    public void Provider_names_parse(string name, WalletStoreProvider expected) => Assert.Equal(expected, WalletSchema.ParseProvider(name));

    [Fact]
    public void Unknown_provider_is_rejected_with_its_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => WalletSchema.ParseProvider("mysql"));
        Assert.Contains("'mysql'", ex.Message, StringComparison.Ordinal);
    }
}
