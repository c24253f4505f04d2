namespace WalletGrains.Runtime;

/// <summary>Lets every call to the grain interleave with other calls at await points (Orleans <c>[Reentrant]</c>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Lets this interface method interleave with any other call on the grain (Orleans <c>[AlwaysInterleave]</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>Marks an interface method as not changing grain state, so read-only calls may interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Overrides the grain type name used in grain ids and storage keys (default: the class name).</summary>
/// <param name="name">A stable name; storage rows are keyed by it, so renaming a class keeps its data.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Injects an <see cref="IPersistentState{TState}"/> into a grain constructor parameter.</summary>
/// <param name="stateName">Name of the state within the grain (part of its storage key).</param>
/// <param name="storageName">Name of the storage provider; "Default" when omitted.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The provider name used when none is given, as in Orleans.</summary>
    public const string DefaultStorageName = "Default";

    /// <summary>Name of the state within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>Name of the storage provider.</summary>
    public string StorageName { get; } = storageName ?? DefaultStorageName;
}
