using System.Reflection;

namespace WalletGrains.Operations.Tests.Infrastructure;

/// <summary>
/// An implementation of any interface whose members throw: the API's services a readiness test never calls
/// (DispatchProxy needs a non-sealed proxy class).
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives from this type at run time.
internal class ThrowingStub : DispatchProxy
#pragma warning restore CA1852
{
    public static T Create<T>()
        where T : class => DispatchProxy.Create<T, ThrowingStub>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new NotSupportedException($"{targetMethod?.DeclaringType?.Name}.{targetMethod?.Name} is not used by these tests.");
}
