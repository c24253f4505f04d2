using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Grains.Balances;

/// <summary>Registers watches and balances.</summary>
public static class BalanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWatchStore"/> and <see cref="IBalanceStore"/> on the wallet's storage
    /// (<paramref name="provider"/>: <c>sqlite</c>, <c>postgres</c> or <c>memory</c>, as <c>Wallet:Storage:Provider</c>;
    /// the tables come from sql/*/0003_watches_balances.sql, applied by the silo's migrations), <see cref="IWatchedAddresses"/>
    /// (custodied accounts ∪ watches), the balance options' validation, and the hosted service that starts the
    /// <see cref="IBalanceGrain"/> of every configured chain. Needs what <c>AddWalletChains</c>, <c>AddWalletKeyStore</c>
    /// and an <see cref="IWalletStore"/> registration provide.
    /// </summary>
    public static IServiceCollection AddWalletBalances(this IServiceCollection services, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connectionString);
        var parsed = WalletSchema.ParseProvider(provider);
        switch (parsed)
        {
            case WalletStoreProvider.Sqlite:
                services.TryAddSingleton<IWatchStore>(_ => new SqliteWatchStore(connectionString));
                services.TryAddSingleton<IBalanceStore>(_ => new SqliteBalanceStore(connectionString));
                break;
            case WalletStoreProvider.Postgres:
                services.TryAddSingleton<IWatchStore>(_ => new PostgresWatchStore(connectionString));
                services.TryAddSingleton<IBalanceStore>(_ => new PostgresBalanceStore(connectionString));
                break;
            default:
                services.TryAddSingleton<IWatchStore, MemoryWatchStore>();
                services.TryAddSingleton<IBalanceStore, MemoryBalanceStore>();
                break;
        }

        // Registered outright: the event monitor falls back to custodied accounts only when no watch store exists.
        services.AddSingleton<IWatchedAddresses, WatchedAddresses>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalletOptions>, BalanceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BalanceGrainsStarter>());
        return services;
    }
}
