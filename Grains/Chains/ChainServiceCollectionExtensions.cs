using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Telemetry;

namespace WalletGrains.Grains.Chains;

/// <summary>Registers the configured chains, their RPC clients and fee estimators.</summary>
public static class ChainServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="WalletOptions"/> from the <c>Wallet</c> section of <paramref name="configuration"/>
    /// (the application's root configuration; environment form <c>Wallet__Chains__0__ChainId</c>) with
    /// <see cref="WalletOptionsValidator"/> run at start, and registers <see cref="TimeProvider.System"/>
    /// (unless a TimeProvider is already registered), <see cref="ChainRegistry"/> as a disposable singleton
    /// also served as <see cref="IChainRegistry"/>, and a hosted service that runs
    /// <see cref="ChainRegistry.VerifyAsync"/> at start, so a wrong or dead endpoint stops the host. When a
    /// <see cref="WalletMetrics"/> is registered, every RPC call is measured (<see cref="RpcMetricsHandler"/>).
    /// </summary>
    public static IServiceCollection AddWalletChains(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<WalletOptions>().Bind(configuration.GetSection(WalletOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalletOptions>, WalletOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ChainRegistry(
            sp.GetRequiredService<IOptions<WalletOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            metrics: sp.GetService<WalletMetrics>()));
        services.TryAddSingleton<IChainRegistry>(sp => sp.GetRequiredService<ChainRegistry>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChainVerificationService>());
        return services;
    }

    /// <summary>Verifies every configured chain's endpoints when the host starts.</summary>
    private sealed class ChainVerificationService(ChainRegistry registry) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => registry.VerifyAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
