namespace WalletGrains.Grains.Storage;

/// <summary>
/// Builds the configured <see cref="IWalletStore"/>. Every store it returns is also <see cref="IAsyncDisposable"/>
/// (the SQLite store stops its writer thread, the PostgreSQL store closes its pool); a DI container disposes it.
/// </summary>
public static class WalletStoreFactory
{
    /// <summary>The store for a provider, on a database that is already migrated.</summary>
    public static IWalletStore Create(WalletStoreProvider provider, string connectionString) => provider switch
    {
        WalletStoreProvider.Sqlite => new SqliteWalletStore(connectionString),
        WalletStoreProvider.Postgres => new PostgresWalletStore(connectionString),
        WalletStoreProvider.Memory => new MemoryWalletStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown wallet store provider."),
    };

    /// <summary>Migrates the database (<see cref="WalletSchema.MigrateAsync(WalletStoreProvider, string, CancellationToken)"/>), then creates the store.</summary>
    public static async Task<IWalletStore> CreateMigratedAsync(string provider, string connectionString, CancellationToken cancellationToken = default)
    {
        var parsed = WalletSchema.ParseProvider(provider);
        await WalletSchema.MigrateAsync(parsed, connectionString, cancellationToken);
        return Create(parsed, connectionString);
    }
}
