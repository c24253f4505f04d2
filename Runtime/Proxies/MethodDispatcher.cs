using System.Linq.Expressions;
using System.Reflection;

namespace WalletGrains.Runtime;

/// <summary>
/// Everything needed to call one interface method on a grain, prepared once: a compiled invoker (no reflection per
/// call), its interleaving kind and how to hand the answer back in the method's own return type.
/// </summary>
internal abstract class MethodDispatcher
{
    protected MethodDispatcher(string name, TurnKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>Interface and method, e.g. <c>ICounterGrain.Add</c>.</summary>
    public string Name { get; }

    public TurnKind Kind { get; }

    /// <summary>Sends the call and returns what the proxy method returns (a Task or a boxed ValueTask).</summary>
    public abstract object Send(GrainProxy proxy, object?[]? arguments);

    public static MethodDispatcher Create(MethodInfo method, GrainClass grainClass)
    {
        var name = $"{method.DeclaringType!.Name}.{method.Name}";
        if (method.IsGenericMethodDefinition)
        {
            throw new NotSupportedException($"Grain method {name} is generic; grain methods must not be generic.");
        }

        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new NotSupportedException($"Grain method {name} has ref or out parameters; grain methods take values only.");
        }

        var kind = method.IsDefined(typeof(AlwaysInterleaveAttribute)) ? TurnKind.AlwaysInterleave
            : grainClass.IsReentrant ? TurnKind.Reentrant
            : method.IsDefined(typeof(ReadOnlyAttribute)) ? TurnKind.ReadOnly
            : TurnKind.Exclusive;

        var returnType = method.ReturnType;
        (Type result, ReturnShape shape) = returnType switch
        {
            _ when returnType == typeof(Task) => (typeof(VoidResult), ReturnShape.Task),
            _ when returnType == typeof(ValueTask) => (typeof(VoidResult), ReturnShape.ValueTask),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(Task<>) => (returnType.GetGenericArguments()[0], ReturnShape.TaskOfT),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(ValueTask<>) => (returnType.GetGenericArguments()[0], ReturnShape.ValueTaskOfT),
            _ => throw new NotSupportedException($"Grain method {name} returns {returnType.Name}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>."),
        };

        var dispatcherType = typeof(MethodDispatcher<>).MakeGenericType(result);
        return (MethodDispatcher)Activator.CreateInstance(dispatcherType, method, name, kind, shape)!;
    }
}

/// <summary>How a grain method returns its answer.</summary>
internal enum ReturnShape
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>The answer of a method that returns no value.</summary>
internal readonly struct VoidResult;

/// <summary>Dispatcher of a method whose answer is a <typeparamref name="TResult"/>.</summary>
internal sealed class MethodDispatcher<TResult> : MethodDispatcher
{
    private readonly Func<object, object?[]?, ValueTask<TResult>> _invoke;
    private readonly ReturnShape _shape;

    public MethodDispatcher(MethodInfo method, string name, TurnKind kind, ReturnShape shape)
        : base(name, kind)
    {
        _shape = shape;
        _invoke = Compile(method, shape);
    }

    public ValueTask<TResult> Invoke(object grain, object?[]? arguments) => _invoke(grain, arguments);

    public override object Send(GrainProxy proxy, object?[]? arguments)
    {
        var message = new CallMessage<TResult>(this, arguments, RequestContext.Current);
        proxy.Runtime.Send(message, proxy);
        return _shape switch
        {
            ReturnShape.ValueTask => new ValueTask(message.Answer),
            ReturnShape.ValueTaskOfT => new ValueTask<TResult>(message.Answer),
            _ => message.Answer,
        };
    }

    /// <summary>Builds <c>(grain, args) =&gt; wrap(((IFoo)grain).Method((T0)args[0], ...))</c> once per method.</summary>
    private static Func<object, object?[]?, ValueTask<TResult>> Compile(MethodInfo method, ReturnShape shape)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object[]), "arguments");
        var parameters = method.GetParameters();
        var call = Expression.Call(
            Expression.Convert(grain, method.DeclaringType!),
            method,
            parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        Expression body = shape switch
        {
            ReturnShape.TaskOfT => Expression.New(typeof(ValueTask<TResult>).GetConstructor([typeof(Task<TResult>)])!, call),
            ReturnShape.ValueTaskOfT => call,
            ReturnShape.Task => Expression.Call(typeof(MethodDispatcher<TResult>).GetMethod(nameof(FromTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
            _ => Expression.Call(typeof(MethodDispatcher<TResult>).GetMethod(nameof(FromValueTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
        };
        return Expression.Lambda<Func<object, object?[]?, ValueTask<TResult>>>(body, grain, arguments).Compile();
    }

    private static ValueTask<TResult> FromTask(Task task) =>
        task.IsCompletedSuccessfully ? default : new ValueTask<TResult>(AwaitTask(task));

    private static ValueTask<TResult> FromValueTask(ValueTask task) =>
        task.IsCompletedSuccessfully ? default : new ValueTask<TResult>(AwaitTask(task.AsTask()));

    private static async Task<TResult> AwaitTask(Task task)
    {
        await task.ConfigureAwait(false);
        return default!;
    }
}
