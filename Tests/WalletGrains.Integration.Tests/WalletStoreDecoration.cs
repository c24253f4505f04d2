using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Integration.Tests;

/// <summary>Puts a test's decorator in front of the silo's wallet store.</summary>
internal static class WalletStoreDecoration
{
    /// <summary>Replaces the last <see cref="IWalletStore"/> registration with <paramref name="wrap"/> of it.</summary>
    public static void Wrap(IServiceCollection services, Func<IWalletStore, IWalletStore> wrap)
    {
        var original = services.Last(d => d.ServiceType == typeof(IWalletStore));
        services.Remove(original);
        services.AddSingleton<IWalletStore>(sp => wrap((IWalletStore)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}
