using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace WalletGrains.Runtime;

/// <summary>A grain class and how to build one: its constructor factory and the persistent states it takes.</summary>
internal sealed class GrainClass
{
    private static readonly MethodInfo CreateStateMethod =
        typeof(GrainClass).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly StateSlot[] _slots;
    private readonly ObjectFactory _factory;

    public GrainClass(Type type)
    {
        Type = type;
        Name = NameOf(type);
        IsReentrant = type.IsDefined(typeof(ReentrantAttribute), inherit: true);
        IsRemindable = typeof(IRemindable).IsAssignableFrom(type);

        var constructors = type.GetConstructors();
        var constructor = constructors.Length switch
        {
            0 => throw new InvalidOperationException($"Grain class {type.FullName} has no public constructor."),
            1 => constructors[0],
            _ => constructors.FirstOrDefault(c => c.IsDefined(typeof(ActivatorUtilitiesConstructorAttribute)))
                ?? constructors.MaxBy(c => c.GetParameters().Length)!,
        };

        _slots = constructor.GetParameters()
            .Select(p => (Parameter: p, Attribute: p.GetCustomAttribute<PersistentStateAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => StateSlot.For(type, p.Parameter, p.Attribute!))
            .ToArray();
        _factory = ActivatorUtilities.CreateFactory(type, _slots.Select(s => s.ParameterType).ToArray());
    }

    public Type Type { get; }

    /// <summary>Grain type name: stable part of grain ids and storage keys.</summary>
    public string Name { get; }

    public bool IsReentrant { get; }

    public bool IsRemindable { get; }

    public static string NameOf(Type type) => type.GetCustomAttribute<GrainTypeAttribute>(inherit: false)?.Name ?? type.Name;

    /// <summary>Constructs the grain with its persistent states (unloaded) and DI services from the activation's scope.</summary>
    public Grain CreateInstance(Activation activation, IServiceProvider services, out IStateBinding[] states)
    {
        states = new IStateBinding[_slots.Length];
        var arguments = new object[_slots.Length];
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            var storage = activation.Runtime.GetStorage(slot.StorageName, this, slot.StateName);
            var state = slot.Create(activation, slot.StateName, storage, activation.Runtime.Options.StateSerializerOptions);
            states[i] = state;
            arguments[i] = state;
        }

        return (Grain)_factory(services, arguments);
    }

    private static PersistentState<TState> CreateState<TState>(Activation activation, string stateName, IGrainStorage storage, JsonSerializerOptions json) =>
        new PersistentState<TState>(activation, stateName, storage, json);

    private sealed record StateSlot(
        Type ParameterType,
        string StateName,
        string StorageName,
        Func<Activation, string, IGrainStorage, JsonSerializerOptions, IStateBinding> Create)
    {
        public static StateSlot For(Type grainType, ParameterInfo parameter, PersistentStateAttribute attribute)
        {
            var type = parameter.ParameterType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException(
                    $"Parameter '{parameter.Name}' of {grainType.FullName} has [PersistentState] but type {type.Name}; it must be IPersistentState<T>.");
            }

            var create = CreateStateMethod.MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<Activation, string, IGrainStorage, JsonSerializerOptions, IStateBinding>>();
            return new StateSlot(type, attribute.StateName, attribute.StorageName, create);
        }
    }
}
