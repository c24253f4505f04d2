using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Grains.Monitoring;

/// <summary>Registers the event monitors (<see cref="EventMonitorGrain"/> per chain).</summary>
public static class MonitorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the validation of <c>Wallet:Chains:N:Monitor</c>, the hosted service that starts each enabled chain's
    /// monitor, and — only when none is registered — <see cref="CustodiedWatchedAddresses"/> as
    /// <see cref="IWatchedAddresses"/>. Needs <see cref="ChainServiceCollectionExtensions.AddWalletChains"/>, an
    /// <c>IWalletStore</c> and a silo with grain storage "Default" and reminders.
    /// </summary>
    public static IServiceCollection AddWalletEventMonitor(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalletOptions>, ChainMonitorOptionsValidator>());
        services.TryAddSingleton<IWatchedAddresses>(sp => new CustodiedWatchedAddresses(sp.GetService<IKeyStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventMonitorStarter>());
        return services;
    }
}
