using System.Reflection;

namespace WalletGrains.Runtime;

/// <summary>
/// Base of the generated grain references: every interface call lands in <see cref="Invoke"/>, which looks up the
/// method's prepared dispatcher (built once per interface) and sends a message.
/// </summary>
internal class GrainProxy : DispatchProxy
{
    private SiloRuntime _runtime = null!;
    private GrainInterfaceInfo _interface = null!;

    internal GrainClass GrainClass => _interface.GrainClass;

    internal GrainId GrainId { get; private set; }

    /// <summary>The activation this reference sent to last; re-resolved when it retires.</summary>
    internal Activation? CachedActivation { get; set; }

    internal SiloRuntime Runtime => _runtime;

    public override string ToString() => $"GrainReference({GrainId})";

    /// <summary>References are equal when they address the same grain in the same silo (as Orleans grain references).</summary>
    public override bool Equals(object? obj) =>
        obj is GrainProxy other && ReferenceEquals(_runtime, other._runtime) && GrainId == other.GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();

    internal void Initialize(SiloRuntime runtime, GrainInterfaceInfo info, string key)
    {
        _runtime = runtime;
        _interface = info;
        GrainId = new GrainId(info.GrainClass.Name, key);
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _interface.DispatcherFor(targetMethod!).Send(this, args);
}
