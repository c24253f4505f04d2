using System.Reflection;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>Where the wallet's tables live (<c>Wallet:Storage:Provider</c>, DESIGN.md §7).</summary>
public enum WalletStoreProvider
{
    /// <summary>A SQLite file (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database.</summary>
    Postgres,

    /// <summary>Process memory: tests only, nothing survives a restart.</summary>
    Memory,
}

/// <summary>
/// Creates the wallet's tables: applies the runtime's scripts (0000, 0001) and the wallet's (0002_wallet.sql,
/// embedded in this assembly) with the runtime's migration runner, in version order, each once. Idempotent and
/// safe when several hosts start at once.
/// </summary>
public static class WalletSchema
{
    /// <summary>The assembly that embeds sql/&lt;vendor&gt;/0002_wallet.sql; pass it to a silo's migration list if needed.</summary>
    public static Assembly ScriptAssembly => typeof(WalletSchema).Assembly;

    /// <summary>Reads a <c>Wallet:Storage:Provider</c> value: <c>sqlite</c>, <c>postgres</c> (or <c>postgresql</c>) or <c>memory</c>, any case.</summary>
    public static WalletStoreProvider ParseProvider(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => WalletStoreProvider.Sqlite,
            "postgres" or "postgresql" => WalletStoreProvider.Postgres,
            "memory" => WalletStoreProvider.Memory,
            _ => throw new ArgumentException($"Storage provider '{provider}' is not one of sqlite, postgres, memory.", nameof(provider)),
        };
    }

    /// <summary>Applies the pending runtime and wallet scripts; returns those this call applied (none for memory).</summary>
    public static Task<IReadOnlyList<MigrationScript>> MigrateAsync(WalletStoreProvider provider, string connectionString, CancellationToken cancellationToken = default) =>
        provider switch
        {
            WalletStoreProvider.Sqlite => MigrationRunner.ApplyAsync(SqlDialect.Sqlite, connectionString, [ScriptAssembly], cancellationToken),
            WalletStoreProvider.Postgres => MigrationRunner.ApplyAsync(SqlDialect.PostgreSql, connectionString, [ScriptAssembly], cancellationToken),
            WalletStoreProvider.Memory => Task.FromResult<IReadOnlyList<MigrationScript>>([]),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown wallet store provider."),
        };

    /// <inheritdoc cref="MigrateAsync(WalletStoreProvider, string, CancellationToken)"/>
    public static Task<IReadOnlyList<MigrationScript>> MigrateAsync(string provider, string connectionString, CancellationToken cancellationToken = default) =>
        MigrateAsync(ParseProvider(provider), connectionString, cancellationToken);
}
