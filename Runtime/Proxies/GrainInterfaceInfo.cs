using System.Collections.Frozen;
using System.Reflection;

namespace WalletGrains.Runtime;

/// <summary>A grain interface, the class that implements it and one prepared dispatcher per method.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly FrozenDictionary<MethodInfo, MethodDispatcher> _dispatchers;

    private GrainInterfaceInfo(Type interfaceType, GrainClass grainClass, FrozenDictionary<MethodInfo, MethodDispatcher> dispatchers)
    {
        InterfaceType = interfaceType;
        GrainClass = grainClass;
        _dispatchers = dispatchers;
    }

    public Type InterfaceType { get; }

    public GrainClass GrainClass { get; }

    public static GrainInterfaceInfo Build(Type interfaceType)
    {
        if (!interfaceType.IsInterface)
        {
            throw new ArgumentException($"Grain references are made for interfaces; '{interfaceType.FullName}' is not one.", nameof(interfaceType));
        }

        var grainClass = GrainCatalog.ForInterface(interfaceType);
        var methods = new[] { interfaceType }
            .Concat(interfaceType.GetInterfaces())
            .SelectMany(i => i.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Distinct();
        var dispatchers = methods.ToDictionary(m => m, m => MethodDispatcher.Create(m, grainClass));
        return new GrainInterfaceInfo(interfaceType, grainClass, dispatchers.ToFrozenDictionary());
    }

    public MethodDispatcher DispatcherFor(MethodInfo method) =>
        _dispatchers.TryGetValue(method, out var dispatcher)
            ? dispatcher
            : throw new InvalidOperationException($"Method {method.DeclaringType?.Name}.{method.Name} is not part of grain interface {InterfaceType.FullName}.");
}
