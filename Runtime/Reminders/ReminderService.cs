using System.Collections.Concurrent;

namespace WalletGrains.Runtime;

/// <summary>
/// A silo's reminder engine: polls the shared reminder table, claims each due tick with a version compare-and-swap
/// (so of several silos on one database exactly one fires it), collapses ticks missed while no silo ran into one,
/// and delivers the tick as an exclusive turn of the grain, activating it if needed.
/// </summary>
internal sealed class ReminderService : IDisposable
{
    /// <summary>Orleans' 1-minute floor is lowered to 1 s: the fee-bump schedule needs second-level periods.</summary>
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(1);

    private const int PollBatch = 256;
    private const int Idle = 0;
    private const int Polling = 1;
    private const int PollingAndRequested = 2;

    private readonly SiloRuntime _runtime;
    private readonly IReminderTable _table;
    private readonly ConcurrentDictionary<(string Type, string Key, string Name), byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, byte> _unknownTypes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private Task _pollLoop = Task.CompletedTask;
    private int _pollState;
    private long _polls;
    private long _ticksFired;
    private long _lastPollAtMs = long.MinValue;

    public ReminderService(SiloRuntime runtime, IReminderTable table)
    {
        _runtime = runtime;
        _table = table;
    }

    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _timer = _runtime.Time.CreateTimer(static s => ((ReminderService)s!).RequestPoll(), this, TimeSpan.Zero, _runtime.Options.ReminderPollInterval);
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        try
        {
            await Volatile.Read(ref _pollLoop);
        }
        catch (OperationCanceledException)
        {
            // Stopping cancels a poll in progress.
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainClass grainClass, GrainId grainId, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        if (!grainClass.IsRemindable)
        {
            throw new InvalidOperationException($"Grain {grainId} ({grainClass.Type.FullName}) registers reminder '{reminderName}' but does not implement IRemindable.");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, $"Reminder '{reminderName}' of {grainId}: due time must not be negative.");
        }

        if (period < MinimumPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{reminderName}' of {grainId}: period must be at least {MinimumPeriod}.");
        }

        var first = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds() + (long)dueTime.TotalMilliseconds;
        var row = new ReminderRow(grainId.Type, grainId.Key, reminderName, first, (long)period.TotalMilliseconds, first, Version: 0);
        await _table.UpsertAsync(row, CancellationToken.None);
        return new GrainReminder(reminderName);
    }

    public Task UnregisterAsync(GrainId grainId, string reminderName) =>
        _table.RemoveAsync(grainId.Type, grainId.Key, reminderName, CancellationToken.None);

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string reminderName) =>
        await _table.ReadAsync(grainId.Type, grainId.Key, reminderName, CancellationToken.None) is { } row ? new GrainReminder(row.Name) : null;

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId) =>
        (await _table.ReadForGrainAsync(grainId.Type, grainId.Key, CancellationToken.None)).Select(r => (IGrainReminder)new GrainReminder(r.Name)).ToList();

    public ReminderServiceSnapshot Snapshot()
    {
        var last = Volatile.Read(ref _lastPollAtMs);
        return new ReminderServiceSnapshot(
            Volatile.Read(ref _polls),
            last == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(last),
            Volatile.Read(ref _ticksFired),
            _inFlight.Count);
    }

    /// <summary>Where the tick lands: the latest slot not after now (missed slots collapse into it) and the slot after.</summary>
    internal static (long CurrentTickMs, long NextDueMs) Schedule(long nextDueMs, long periodMs, long nowMs)
    {
        var missed = Math.Max(0, (nowMs - nextDueMs) / periodMs);
        var current = nextDueMs + (missed * periodMs);
        return (current, current + periodMs);
    }

    /// <summary>Starts a poll, or asks the running one to go again, so a request made during a poll is never lost.</summary>
    private void RequestPoll()
    {
        while (!_stopping.IsCancellationRequested)
        {
            switch (Volatile.Read(ref _pollState))
            {
                case Idle when Interlocked.CompareExchange(ref _pollState, Polling, Idle) == Idle:
                    Volatile.Write(ref _pollLoop, Task.Run(PollLoopAsync));
                    return;
                case Polling when Interlocked.CompareExchange(ref _pollState, PollingAndRequested, Polling) == Polling:
                case PollingAndRequested:
                    return;
            }
        }
    }

    private async Task PollLoopAsync()
    {
        while (true)
        {
            try
            {
                await PollOnceAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                Volatile.Write(ref _pollState, Idle);
                return;
            }
            catch (Exception ex)
            {
                Log.ReminderPollFailed(_runtime.Logger, ex, _runtime.Options.SiloName);
            }

            if (Interlocked.CompareExchange(ref _pollState, Idle, Polling) == Polling)
            {
                return;
            }

            Volatile.Write(ref _pollState, Polling);
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var nowMs = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var due = await _table.ReadDueAsync(nowMs, PollBatch, cancellationToken);
            var claimed = 0;
            foreach (var row in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = (row.GrainType, row.GrainKey, row.Name);

                // The previous tick is still running here: leave this one due; it collapses into a later poll.
                if (_inFlight.ContainsKey(key) || ResolveGrainClass(row.GrainType) is not { } grainClass)
                {
                    continue;
                }

                var (currentTick, nextDue) = Schedule(row.NextDueMs, row.PeriodMs, nowMs);
                if (!await _table.TryClaimAsync(row, nextDue, cancellationToken))
                {
                    continue;
                }

                claimed++;
                Fire(grainClass, row, currentTick, key);
            }

            if (due.Count < PollBatch || claimed == 0)
            {
                break;
            }
        }

        Volatile.Write(ref _lastPollAtMs, nowMs);
        Interlocked.Increment(ref _polls);
    }

    private void Fire(GrainClass grainClass, ReminderRow row, long currentTickMs, (string, string, string) key)
    {
        _inFlight[key] = 0;
        Interlocked.Increment(ref _ticksFired);
        var status = new TickStatus(
            DateTimeOffset.FromUnixTimeMilliseconds(row.StartAtMs),
            TimeSpan.FromMilliseconds(row.PeriodMs),
            DateTimeOffset.FromUnixTimeMilliseconds(currentTickMs));
        _runtime.DeliverReminder(grainClass, row.GrainKey, row.Name, status).ContinueWith(
            static (task, state) =>
            {
                var (service, row, key) = ((ReminderService, ReminderRow, (string, string, string)))state!;
                service._inFlight.TryRemove(key, out _);
                if (task.Exception is { } error)
                {
                    var cause = error.InnerException ?? error;
                    if (cause is SiloUnavailableException && service._runtime.StoppingToken.IsCancellationRequested)
                    {
                        // Fired just before the silo began to stop: an expected end, and the next tick is scheduled already.
                        Log.ReminderTickDropped(service._runtime.Logger, row.Name, new GrainId(row.GrainType, row.GrainKey));
                    }
                    else
                    {
                        Log.ReminderTickFailed(service._runtime.Logger, cause, row.Name, new GrainId(row.GrainType, row.GrainKey));
                    }
                }
            },
            (this, row, key),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private GrainClass? ResolveGrainClass(string grainType)
    {
        // Looking up an unknown name rescans assemblies; do it once per silo, not on every poll.
        if (_unknownTypes.ContainsKey(grainType))
        {
            return null;
        }

        try
        {
            if (GrainCatalog.ForName(grainType) is { } grainClass)
            {
                return grainClass;
            }
        }
        catch (InvalidOperationException ex)
        {
            if (_unknownTypes.TryAdd(grainType, 0))
            {
                Log.ReminderGrainTypeUnknown(_runtime.Logger, grainType, ex.Message);
            }

            return null;
        }

        // Another application's grain type on the same database: leave its reminders to the silos that know it.
        if (_unknownTypes.TryAdd(grainType, 0))
        {
            Log.ReminderGrainTypeUnknown(_runtime.Logger, grainType, "no loaded grain class has this type name");
        }

        return null;
    }
}

/// <summary>Handle to a registered reminder.</summary>
internal sealed record GrainReminder(string ReminderName) : IGrainReminder;

/// <summary>A reminder tick delivered to <see cref="IRemindable.ReceiveReminder"/> as an exclusive turn.</summary>
internal sealed class ReminderTickMessage(string reminderName, TickStatus status) : Message(TurnKind.Tick, caller: null)
{
    private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Answer => _answer.Task;

    public override bool IsAnswered => _answer.Task.IsCompleted;

    public override string Describe() => $"IRemindable.ReceiveReminder({reminderName})";

    public override Task? Start(Activation activation)
    {
        Task task;
        try
        {
            task = ((IRemindable)activation.GrainInstance).ReceiveReminder(reminderName, status);
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
        Target!.RecordCall(this, failed: !turn.IsCompletedSuccessfully);
        return turn.IsCompletedSuccessfully ? _answer.TrySetResult()
            : turn.IsCanceled ? _answer.TrySetCanceled()
            : _answer.TrySetException(turn.Exception!.InnerExceptions);
    }

    public override bool TryFail(Exception exception) => _answer.TrySetException(exception);
}
