using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WalletGrains.Runtime;

/// <summary>Lifecycle status of an activation.</summary>
internal enum ActivationStatus
{
    Activating,
    Active,
    Deactivating,
    Invalid,
}

/// <summary>
/// One in-memory instance of a grain in one silo: its mailbox, the turns it runs and its lifecycle.
/// </summary>
/// <remarks>
/// The mailbox is a multi-producer queue drained by a single worker at a time (this object, queued to the thread pool
/// only when there is runnable work, so posting never runs grain code on the caller's thread). Continuations of grain
/// code come back through <see cref="ActivationSynchronizationContext"/> and run on the same worker, so even
/// interleaved turns never run in parallel. Turns start in arrival order; only [AlwaysInterleave] calls may overtake.
/// </remarks>
internal sealed class Activation : IThreadPoolWorkItem
{
    /// <summary>Turns run per thread-pool dispatch before yielding the thread, so one busy grain cannot hog a core.</summary>
    private const int TurnsPerDispatch = 64;

    [ThreadStatic]
    private static Activation? t_constructing;

    private static readonly Action<Task, object?> TurnTaskCompleted = static (task, state) =>
    {
        var message = (Message)state!;
        message.Finish(task);
        message.Target!.CompleteTurn(message);
    };

    private readonly SiloRuntime _runtime;
    private readonly GrainTypeStatistics _statistics;
    private readonly ActivationSynchronizationContext _context;
    private readonly Lock _lock = new();
    private readonly MessageQueue _queue = new();
    private readonly List<Message> _running = new(1);
    private readonly TaskCompletionSource _finalized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Queue<(SendOrPostCallback Callback, object? State)>? _continuations;
    private List<GrainTimer>? _timers;

    private int _runningBlocking;
    private int _runningHard;
    private int _runningReadOnly;
    private int _queuedBypass;
    private bool _scheduled;
    private bool _activationStarted;
    private bool _deactivationStarted;
    private bool _isFinalized;
    private volatile bool _retired;
    private DeactivationReason? _deactivationRequest;
    private long _deactivationRequestedAt;
    private ActivationStatus _status;
    private long _lastActivity;

    private Grain? _grain;
    private AsyncServiceScope? _scope;
    private IStateBinding[] _states = [];

    public Activation(SiloRuntime runtime, GrainClass grainClass, GrainId grainId, GrainTypeStatistics statistics)
    {
        _runtime = runtime;
        GrainClass = grainClass;
        GrainId = grainId;
        _statistics = statistics;
        _context = new ActivationSynchronizationContext(this);
        _lastActivity = runtime.Time.GetTimestamp();
    }

    /// <summary>The activation whose grain is being constructed on this thread (read by <see cref="Grain"/>'s constructor).</summary>
    public static Activation? Constructing => t_constructing;

    public GrainClass GrainClass { get; }

    public GrainId GrainId { get; }

    public SiloRuntime Runtime => _runtime;

    public GrainTypeStatistics Statistics => _statistics;

    /// <summary>The grain object; only valid inside turns after activation.</summary>
    public Grain GrainInstance => _grain ?? throw new InvalidOperationException($"Activation {GrainId} has no grain instance.");

    /// <summary>Whether new messages must go elsewhere (deactivation requested or finished). Read without the lock.</summary>
    public bool IsRetired => _retired;

    /// <summary>Completes when the activation has left the directory.</summary>
    public Task Finalized => _finalized.Task;

    /// <summary>Messages waiting to start (racy read, for statistics).</summary>
    public int QueueLength => _queue.Count;

    public ActivationStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Whether turn kind <paramref name="incoming"/> may start while a turn of kind <paramref name="running"/> is in progress.</summary>
    public static bool MayInterleave(TurnKind running, TurnKind incoming) => incoming switch
    {
        TurnKind.AlwaysInterleave => running is not (TurnKind.Tick or TurnKind.Lifecycle),
        TurnKind.Reentrant => running is not (TurnKind.Exclusive or TurnKind.Tick or TurnKind.Lifecycle),
        TurnKind.ReadOnly => running == TurnKind.ReadOnly,
        _ => false,
    };

    /// <summary>Adds a message to the mailbox; false when the activation is deactivating and the message must be sent again.</summary>
    public bool TryEnqueue(Message message)
    {
        bool dispatch;
        lock (_lock)
        {
            if (_deactivationRequest is not null || _isFinalized)
            {
                return false;
            }

            message.Target = this;
            _queue.Enqueue(message);
            if (message.Kind == TurnKind.AlwaysInterleave)
            {
                _queuedBypass++;
            }

            dispatch = !_scheduled && HasRunnableWorkLocked();
            if (dispatch)
            {
                _scheduled = true;
            }
        }

        if (dispatch)
        {
            Dispatch();
        }

        return true;
    }

    /// <summary>Queues a continuation of grain code (from the synchronization context).</summary>
    public void PostContinuation(SendOrPostCallback callback, object? state)
    {
        bool dispatch;
        lock (_lock)
        {
            (_continuations ??= new Queue<(SendOrPostCallback, object?)>()).Enqueue((callback, state));
            dispatch = !_scheduled;
            _scheduled = true;
        }

        if (dispatch)
        {
            Dispatch();
        }
    }

    /// <summary>Asks the activation to deactivate once its running turns finish; later calls go to a new activation.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool dispatch;
        lock (_lock)
        {
            if (!TryMarkForDeactivationLocked(reason))
            {
                return;
            }

            dispatch = !_scheduled && HasRunnableWorkLocked();
            if (dispatch)
            {
                _scheduled = true;
            }
        }

        if (dispatch)
        {
            Dispatch();
        }
    }

    /// <summary>Deactivates the activation if it has been idle for at least <paramref name="age"/> timestamp units.</summary>
    public bool CollectIfIdle(long now, long age)
    {
        bool dispatch;
        lock (_lock)
        {
            var idle = _status == ActivationStatus.Active
                && _running.Count == 0
                && _queue.Count == 0
                && _continuations is not { Count: > 0 }
                && now - _lastActivity >= age;
            if (!idle || !TryMarkForDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, "The activation was idle longer than the collection age.")))
            {
                return false;
            }

            dispatch = !_scheduled && HasRunnableWorkLocked();
            if (dispatch)
            {
                _scheduled = true;
            }
        }

        if (dispatch)
        {
            Dispatch();
        }

        return true;
    }

    /// <summary>Fails calls that have waited longer than the call timeout and forces deactivations that hang.</summary>
    public void ExpireOverdue(long now, long callTimeout, long deactivationTimeout)
    {
        List<Message>? overdue = null;
        var force = false;
        lock (_lock)
        {
            foreach (var message in _running)
            {
                if (message.IsCall && !message.IsAnswered && now - message.SentAt >= callTimeout)
                {
                    (overdue ??= []).Add(message);
                }
            }

            // Messages queue in arrival order, so the first one still in time ends the scan.
            for (var i = 0; i < _queue.Count; i++)
            {
                var message = _queue[i];
                if (!message.IsCall || message.IsAnswered)
                {
                    continue;
                }

                if (now - message.SentAt < callTimeout)
                {
                    break;
                }

                (overdue ??= []).Add(message);
            }

            // Only a deactivation held up by a turn that does not end (a call, or OnDeactivateAsync itself) is forced;
            // one merely waiting for a thread will run.
            force = _deactivationRequest is not null && !_isFinalized && _running.Count > 0 && now - _deactivationRequestedAt >= deactivationTimeout;
        }

        if (overdue is not null)
        {
            foreach (var message in overdue)
            {
                Fail(message, _runtime.CreateTimeoutException(message, this));
            }
        }

        if (force)
        {
            Log.DeactivationForced(_runtime.Logger, GrainId, _runtime.Options.DeactivationTimeout);
            FinalizeActivation(failure: null);
        }
    }

    /// <summary>Answers a message that never ran (or ran too long) with an error, and counts it.</summary>
    public void Fail(Message message, Exception exception)
    {
        RecordCall(message, failed: true);
        message.TryFail(exception);
    }

    /// <summary>Counts a call about to be answered in the grain type's statistics (one already answered, e.g. timed out, is not counted again).</summary>
    public void RecordCall(Message message, bool failed)
    {
        if (message.IsCall && !message.IsAnswered)
        {
            _statistics.RecordCall(_runtime.Time.GetTimestamp() - message.SentAt, failed);
        }
    }

    public void AddTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            if (_isFinalized || _status >= ActivationStatus.Deactivating)
            {
                throw new InvalidOperationException($"Activation {GrainId} is deactivating; it cannot register timers.");
            }

            (_timers ??= []).Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <inheritdoc />
    public void Execute()
    {
        var previous = SynchronizationContext.Current;
        var threadContext = ExecutionContext.Capture();
        try
        {
            for (var i = 0; i < TurnsPerDispatch; i++)
            {
                WorkItem work;
                lock (_lock)
                {
                    if (!TryTakeWorkLocked(out work))
                    {
                        _scheduled = false;
                        return;
                    }
                }

                // Each item starts clean: whatever grain code changed synchronously (async locals, the
                // synchronization context) must not leak into the next item on this thread.
                SynchronizationContext.SetSynchronizationContext(_context);
                Run(work);
                if (threadContext is not null)
                {
                    ExecutionContext.Restore(threadContext);
                }
                else
                {
                    RequestContext.Current = null;
                }
            }
        }
        catch (Exception ex)
        {
            // A fault of the worker itself (a runtime bug, not grain code) must reach the callers, not hang them or
            // take the process down: the activation is dropped and its queued calls fail with the error.
            Log.WorkerFaulted(_runtime.Logger, ex, GrainId);
            lock (_lock)
            {
                _scheduled = false;
            }

            FinalizeActivation(ex);
            return;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        // Still scheduled: give the thread back and continue later.
        Dispatch();
    }

    /// <summary>
    /// Queues the worker on the thread pool's global FIFO queue. Not the local queue: that one is LIFO for its thread, and
    /// under sustained load (a worker queuing callers that queue workers) an old item there starved past the call timeout.
    /// </summary>
    private void Dispatch() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    private bool TryMarkForDeactivationLocked(DeactivationReason reason)
    {
        if (_deactivationRequest is not null || _isFinalized)
        {
            return false;
        }

        _deactivationRequest = reason;
        _deactivationRequestedAt = _runtime.Time.GetTimestamp();
        _retired = true;
        return true;
    }

    private bool TryTakeWorkLocked(out WorkItem work)
    {
        if (_continuations is { Count: > 0 } continuations)
        {
            var (callback, state) = continuations.Dequeue();
            work = new WorkItem(null, callback, state);
            return true;
        }

        work = default;
        if (_isFinalized)
        {
            return false;
        }

        if (!_activationStarted && _deactivationRequest is null)
        {
            _activationStarted = true;
            var activate = new LifecycleMessage(activate: true);
            AddRunningLocked(activate);
            work = new WorkItem(activate, null, null);
            return true;
        }

        if (_deactivationRequest is not null)
        {
            if (_deactivationStarted || _running.Count > 0)
            {
                return false;
            }

            _activationStarted = true;
            _deactivationStarted = true;
            var deactivate = new LifecycleMessage(activate: false);
            AddRunningLocked(deactivate);
            work = new WorkItem(deactivate, null, null);
            return true;
        }

        while (_queue.Count > 0)
        {
            var head = _queue.Peek();
            if (!head.IsAnswered && !MayStartLocked(head.Kind))
            {
                break;
            }

            _queue.Dequeue();
            if (head.Kind == TurnKind.AlwaysInterleave)
            {
                _queuedBypass--;
            }

            if (head.IsAnswered)
            {
                continue;
            }

            AddRunningLocked(head);
            work = new WorkItem(head, null, null);
            return true;
        }

        if (_queuedBypass > 0 && _runningHard == 0)
        {
            for (var i = 0; i < _queue.Count; i++)
            {
                if (_queue[i].Kind != TurnKind.AlwaysInterleave)
                {
                    continue;
                }

                var message = _queue.RemoveAt(i);
                _queuedBypass--;
                if (message.IsAnswered)
                {
                    i--;
                    continue;
                }

                AddRunningLocked(message);
                work = new WorkItem(message, null, null);
                return true;
            }
        }

        return false;
    }

    private bool HasRunnableWorkLocked()
    {
        if (_continuations is { Count: > 0 })
        {
            return true;
        }

        if (_isFinalized)
        {
            return false;
        }

        if (_deactivationRequest is not null)
        {
            return !_deactivationStarted && _running.Count == 0;
        }

        if (!_activationStarted)
        {
            return true;
        }

        if (_queue.Count > 0)
        {
            var head = _queue.Peek();
            if (head.IsAnswered || MayStartLocked(head.Kind))
            {
                return true;
            }
        }

        return _queuedBypass > 0 && _runningHard == 0;
    }

    private bool MayStartLocked(TurnKind kind)
    {
        if (_running.Count == 0)
        {
            return true;
        }

        return kind switch
        {
            TurnKind.AlwaysInterleave => _runningHard == 0,
            TurnKind.Reentrant => _runningBlocking == 0,
            TurnKind.ReadOnly => _runningReadOnly == _running.Count,
            _ => false,
        };
    }

    private void AddRunningLocked(Message message)
    {
        _running.Add(message);
        switch (message.Kind)
        {
            case TurnKind.Exclusive:
                _runningBlocking++;
                break;
            case TurnKind.Tick:
            case TurnKind.Lifecycle:
                _runningBlocking++;
                _runningHard++;
                break;
            case TurnKind.ReadOnly:
                _runningReadOnly++;
                break;
        }
    }

    private void RemoveRunningLocked(Message message)
    {
        if (!_running.Remove(message))
        {
            return;
        }

        switch (message.Kind)
        {
            case TurnKind.Exclusive:
                _runningBlocking--;
                break;
            case TurnKind.Tick:
            case TurnKind.Lifecycle:
                _runningBlocking--;
                _runningHard--;
                break;
            case TurnKind.ReadOnly:
                _runningReadOnly--;
                break;
        }
    }

    private void Run(WorkItem work)
    {
        if (work.Message is not { } message)
        {
            try
            {
                work.Callback!(work.State);
            }
            catch (Exception ex)
            {
                // Async method continuations never throw; anything else posted here must not kill the worker.
                Log.ContinuationFailed(_runtime.Logger, ex, GrainId);
            }

            return;
        }

        message.Target = this;
        message.MarkRunning();

        // The turn's code and everything it awaits see this message as the current turn (the call chain).
        RequestContext.Current = message;
        var pending = message.Start(this);

        if (pending is null)
        {
            CompleteTurn(message);
        }
        else
        {
            pending.ContinueWith(TurnTaskCompleted, message, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void CompleteTurn(Message message)
    {
        message.MarkDone();
        bool dispatch;
        lock (_lock)
        {
            RemoveRunningLocked(message);
            if (message.IsCall)
            {
                _lastActivity = _runtime.Time.GetTimestamp();
            }

            dispatch = !_scheduled && HasRunnableWorkLocked();
            if (dispatch)
            {
                _scheduled = true;
            }
        }

        if (dispatch)
        {
            Dispatch();
        }
    }

    private async Task ActivateAsync()
    {
        _scope = _runtime.Services.CreateAsyncScope();
        try
        {
            t_constructing = this;
            try
            {
                _grain = GrainClass.CreateInstance(this, _scope.Value.ServiceProvider, out _states);
            }
            finally
            {
                t_constructing = null;
            }

            foreach (var state in _states)
            {
                await state.LoadAsync(_runtime.StoppingToken);
            }

            await _grain.OnActivateAsync(_runtime.StoppingToken);
        }
        catch
        {
            DisposeTimers();
            await _scope.Value.DisposeAsync();
            _scope = null;
            throw;
        }
    }

    private void OnActivationFinished(Task activation)
    {
        if (activation.IsCompletedSuccessfully)
        {
            lock (_lock)
            {
                if (_status == ActivationStatus.Activating)
                {
                    _status = ActivationStatus.Active;
                }
            }

            return;
        }

        var error = activation.Exception?.InnerException ?? new OperationCanceledException($"Activation of {GrainId} was cancelled.");
        Log.ActivationFailed(_runtime.Logger, error, GrainId);
        FinalizeActivation(error);
    }

    private async Task DeactivateAsync()
    {
        bool wasActive;
        DeactivationReason reason;
        lock (_lock)
        {
            wasActive = _status == ActivationStatus.Active;
            _status = ActivationStatus.Deactivating;
            reason = _deactivationRequest!.Value;
        }

        DisposeTimers();
        if (wasActive && _grain is not null)
        {
            using var timeout = new CancellationTokenSource(_runtime.Options.DeactivationTimeout, _runtime.Time);
            try
            {
                await _grain.OnDeactivateAsync(reason, timeout.Token);
            }
            catch (Exception ex)
            {
                Log.DeactivationFailed(_runtime.Logger, ex, GrainId);
            }
        }

        if (_scope is { } scope)
        {
            _scope = null;
            await scope.DisposeAsync();
        }
    }

    private void OnDeactivationFinished(Task deactivation)
    {
        if (deactivation.Exception is { } error)
        {
            Log.DeactivationFailed(_runtime.Logger, error.InnerException ?? error, GrainId);
        }

        FinalizeActivation(failure: null);
    }

    /// <summary>Leaves the directory; queued messages fail with <paramref name="failure"/> or are sent to a new activation.</summary>
    private void FinalizeActivation(Exception? failure)
    {
        List<Message> orphans;
        lock (_lock)
        {
            if (_isFinalized)
            {
                return;
            }

            _isFinalized = true;
            _retired = true;
            _status = ActivationStatus.Invalid;
            orphans = _queue.DrainAll();
            _queuedBypass = 0;
        }

        DisposeTimers();
        _runtime.RemoveActivation(this);
        foreach (var message in orphans)
        {
            if (message.IsAnswered)
            {
                continue;
            }

            if (failure is not null || !message.FollowsGrain)
            {
                Fail(message, failure ?? new InvalidOperationException($"Activation {GrainId} was deactivated."));
            }
            else
            {
                _runtime.Redispatch(message);
            }
        }

        _finalized.TrySetResult();
    }

    private void DisposeTimers()
    {
        List<GrainTimer>? timers;
        lock (_lock)
        {
            timers = _timers;
            _timers = null;
        }

        if (timers is not null)
        {
            foreach (var timer in timers)
            {
                timer.Stop();
            }
        }
    }

    private readonly record struct WorkItem(Message? Message, SendOrPostCallback? Callback, object? State);

    /// <summary>Activation or deactivation, run as an exclusive turn on the activation's own worker.</summary>
    private sealed class LifecycleMessage(bool activate) : Message(TurnKind.Lifecycle, caller: null)
    {
        public override bool IsAnswered => false;

        public override bool IsCall => false;

        public override string Describe() => activate ? "activate" : "deactivate";

        public override Task? Start(Activation activation)
        {
            var task = activate ? activation.ActivateAsync() : activation.DeactivateAsync();
            if (!task.IsCompleted)
            {
                return task;
            }

            Finish(task);
            return null;
        }

        public override bool Finish(Task turn)
        {
            if (activate)
            {
                Target!.OnActivationFinished(turn);
            }
            else
            {
                Target!.OnDeactivationFinished(turn);
            }

            return true;
        }

        public override bool TryFail(Exception exception) => false;
    }
}
