using System.Reflection;

namespace WalletGrains.Runtime;

/// <summary>The silo's <see cref="IGrainFactory"/>: builds proxies for grain interfaces.</summary>
internal sealed class GrainFactory(SiloRuntime runtime) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        var info = InterfaceCache<TGrainInterface>.Info ??= GrainInterfaceInfo.Build(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainProxy>();
        ((GrainProxy)(object)proxy).Initialize(runtime, info, primaryKey);
        return proxy;
    }

    /// <summary>Per-interface cache without a dictionary lookup; left empty when building fails so a later call retries.</summary>
    private static class InterfaceCache<T>
    {
        public static GrainInterfaceInfo? Info;
    }
}
