namespace WalletGrains.Runtime;

/// <summary>How a turn may overlap other turns on the same activation.</summary>
internal enum TurnKind : byte
{
    /// <summary>An ordinary call on a non-reentrant grain: runs alone.</summary>
    Exclusive,

    /// <summary>A call on a [Reentrant] grain: interleaves with every non-exclusive turn.</summary>
    Reentrant,

    /// <summary>A [ReadOnly] call: interleaves with other read-only calls.</summary>
    ReadOnly,

    /// <summary>An [AlwaysInterleave] call: interleaves with every call and bypasses the queue.</summary>
    AlwaysInterleave,

    /// <summary>A timer or reminder tick: runs alone, even on reentrant grains.</summary>
    Tick,

    /// <summary>Activation or deactivation: runs alone.</summary>
    Lifecycle,
}

/// <summary>One unit of work for an activation: a grain call, a tick or a lifecycle step.</summary>
internal abstract class Message
{
    private const int Queued = 0;
    private const int Running = 1;
    private const int Done = 2;

    private volatile int _phase;

    protected Message(TurnKind kind, Message? caller)
    {
        Kind = kind;
        Caller = caller;
    }

    /// <summary>How this turn may interleave.</summary>
    public TurnKind Kind { get; }

    /// <summary>The turn that made this call, so call chains can be walked for cycles; null for external calls and ticks.</summary>
    public Message? Caller { get; }

    /// <summary>The activation that runs (or last queued) this message.</summary>
    public Activation? Target { get; set; }

    /// <summary>TimeProvider timestamp when the message was sent; the call timeout counts from here.</summary>
    public long SentAt { get; set; }

    /// <summary>Whether the turn has started and not finished (a chain entry that can still block).</summary>
    public bool IsRunning => _phase == Running;

    /// <summary>Whether the caller already has its answer (for example a timeout), so a queued message can be skipped.</summary>
    public abstract bool IsAnswered { get; }

    /// <summary>Whether this message counts as a grain call for statistics and idle collection.</summary>
    public virtual bool IsCall => true;

    /// <summary>Whether a message left queued at deactivation goes to the grain's next activation (timer ticks die with theirs).</summary>
    public virtual bool FollowsGrain => true;

    /// <summary>Short description for errors and chains, e.g. <c>ICounterGrain.Add</c>.</summary>
    public abstract string Describe();

    public void MarkRunning() => _phase = Running;

    public void MarkDone() => _phase = Done;

    /// <summary>Runs the synchronous part of the turn; returns null when the turn completed (answer delivered), else the task to wait for.</summary>
    public abstract Task? Start(Activation activation);

    /// <summary>Delivers the answer from a turn task that has completed.</summary>
    public abstract bool Finish(Task turn);

    /// <summary>Answers the caller with an error; false when it already had an answer.</summary>
    public abstract bool TryFail(Exception exception);
}

/// <summary>A call of a grain interface method whose answer is a <typeparamref name="TResult"/>.</summary>
internal sealed class CallMessage<TResult> : Message
{
    private readonly MethodDispatcher<TResult> _method;
    private readonly object?[]? _arguments;
    private readonly TaskCompletionSource<TResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CallMessage(MethodDispatcher<TResult> method, object?[]? arguments, Message? caller)
        : base(method.Kind, caller)
    {
        _method = method;
        _arguments = arguments;
    }

    public Task<TResult> Answer => _answer.Task;

    public override bool IsAnswered => _answer.Task.IsCompleted;

    public override string Describe() => _method.Name;

    public override Task? Start(Activation activation)
    {
        ValueTask<TResult> pending;
        try
        {
            pending = _method.Invoke(activation.GrainInstance, _arguments);
        }
        catch (Exception ex)
        {
            activation.RecordCall(this, failed: true);
            _answer.TrySetException(ex);
            return null;
        }

        if (pending.IsCompletedSuccessfully)
        {
            activation.RecordCall(this, failed: false);
            _answer.TrySetResult(pending.Result);
            return null;
        }

        var task = pending.AsTask();
        if (task.IsCompleted)
        {
            Finish(task);
            return null;
        }

        return task;
    }

    public override bool Finish(Task turn)
    {
        var typed = (Task<TResult>)turn;

        // Count before answering, so a caller that sees its answer also sees it counted.
        Target!.RecordCall(this, failed: !typed.IsCompletedSuccessfully);
        if (typed.IsCompletedSuccessfully)
        {
            return _answer.TrySetResult(typed.Result);
        }

        return typed.IsCanceled ? _answer.TrySetCanceled() : _answer.TrySetException(typed.Exception!.InnerExceptions);
    }

    public override bool TryFail(Exception exception) => _answer.TrySetException(exception);
}
