namespace WalletGrains.Runtime;

/// <summary>
/// A grain timer: each tick runs as an exclusive turn on its activation; the next tick is scheduled only after the
/// callback finishes (ticks never overlap; one that comes due meanwhile runs right after), and the timer dies with
/// the activation.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly Activation _activation;
    private readonly Func<object?, CancellationToken, Task> _callback;
    private readonly object? _state;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private TimeSpan _period;
    private bool _stopped;
    private bool _tickInFlight;
    private bool _duePending;

    public GrainTimer(Activation activation, Func<object?, CancellationToken, Task> callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, period);
        _activation = activation;
        _callback = callback;
        _state = state;
        _period = period;
        activation.AddTimer(this);

        // The timer must not carry the registering turn's context into its ticks; each tick is its own turn.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = activation.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).OnDue(), this, dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, period);
        lock (_lock)
        {
            if (_stopped)
            {
                throw new ObjectDisposedException(nameof(IGrainTimer), $"The timer of {_activation.GrainId} was disposed.");
            }

            _period = period;
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        Stop();
        _activation.RemoveTimer(this);
    }

    /// <summary>Stops ticking (disposal or deactivation).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        _timer.Dispose();
    }

    private static void Validate(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "Due time must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "Period must be positive, or Timeout.InfiniteTimeSpan for a single tick.");
        }
    }

    private void OnDue()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            if (_tickInFlight)
            {
                // Came due (by Change) while a tick runs: one more tick right after it, never two at once.
                _duePending = true;
                return;
            }

            _tickInFlight = true;
        }

        var tick = new TimerTickMessage(this) { SentAt = _activation.Runtime.Time.GetTimestamp() };
        if (!_activation.TryEnqueue(tick))
        {
            lock (_lock)
            {
                _tickInFlight = false;
            }
        }
    }

    private void OnTickFinished()
    {
        lock (_lock)
        {
            _tickInFlight = false;
            if (_stopped)
            {
                return;
            }

            if (_duePending)
            {
                _duePending = false;
                _timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            else if (_period != Timeout.InfiniteTimeSpan)
            {
                _timer.Change(_period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private sealed class TimerTickMessage(GrainTimer timer) : Message(TurnKind.Tick, caller: null)
    {
        public override bool IsAnswered => false;

        public override bool IsCall => false;

        public override bool FollowsGrain => false;

        public override string Describe() => "timer";

        public override Task? Start(Activation activation)
        {
            if (timer._stopped)
            {
                timer.OnTickFinished();
                return null;
            }

            Task task;
            try
            {
                task = timer._callback(timer._state, activation.Runtime.StoppingToken);
            }
            catch (Exception ex)
            {
                task = Task.FromException(ex);
            }

            if (!task.IsCompleted)
            {
                return task;
            }

            Finish(task);
            return null;
        }

        public override bool Finish(Task turn)
        {
            if (turn.Exception is { } error)
            {
                Log.TimerFailed(timer._activation.Runtime.Logger, error.InnerException ?? error, timer._activation.GrainId);
            }

            timer.OnTickFinished();
            return true;
        }

        public override bool TryFail(Exception exception)
        {
            timer.OnTickFinished();
            return false;
        }
    }
}
