using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Keys;

/// <summary>Registers the wallet's key custody.</summary>
public static class KeyServiceCollectionExtensions
{
    /// <summary>The configuration section of the key sources.</summary>
    public const string SectionName = WalletOptions.SectionName + ":Signers";

    /// <summary>
    /// Binds <see cref="SignerOptions"/> from <c>Wallet:Signers</c> of <paramref name="configuration"/>
    /// (the application's root configuration), validated at start, and registers <see cref="IKeyStore"/>
    /// (a <see cref="CompositeKeyStore"/> of the configured sources, a disposable singleton) plus a
    /// hosted service that loads it at start-up, so a bad key source stops the host.
    /// </summary>
    public static IServiceCollection AddWalletKeyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<SignerOptions>().Bind(configuration.GetSection(SectionName));
        return services.AddKeyStoreCore();
    }

    /// <summary>As <see cref="AddWalletKeyStore(IServiceCollection, IConfiguration)"/>, with the key sources of <paramref name="options"/>.</summary>
    public static IServiceCollection AddWalletKeyStore(this IServiceCollection services, WalletOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var signers = options.Signers;
        services.AddOptionsWithValidateOnStart<SignerOptions>().Configure(o =>
        {
            o.Keys = [.. signers.Keys];
            o.Mnemonic = signers.Mnemonic;
            o.MnemonicCount = signers.MnemonicCount;
            o.KeystoreDir = signers.KeystoreDir;
            o.KeystorePasswordFile = signers.KeystorePasswordFile;
        });
        return services.AddKeyStoreCore();
    }

    private static IServiceCollection AddKeyStoreCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignerOptions>, SignerOptionsValidator>());
        services.TryAddSingleton<IKeyStore>(sp => KeyStoreFactory.Create(
            sp.GetRequiredService<IOptions<SignerOptions>>().Value,
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeyStoreStartup>());
        return services;
    }

    /// <summary>Loads the key store when the host starts, so keystore and key errors stop start-up instead of the first send.</summary>
    private sealed class KeyStoreStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<IKeyStore>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
