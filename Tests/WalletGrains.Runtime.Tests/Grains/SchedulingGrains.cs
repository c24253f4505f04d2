namespace WalletGrains.Runtime.Tests;

public interface IRendezvousGrain : IGrainWithStringKey
{
    /// <summary>Returns only when <paramref name="parties"/> grains are inside this method at once.</summary>
    Task Meet(string group, int parties);
}

public sealed class RendezvousGrain(TestProbe probe) : Grain, IRendezvousGrain
{
    public Task Meet(string group, int parties) => probe.Meet(group, parties);
}

public interface IInterleaveGrain : IGrainWithStringKey
{
    /// <summary>An exclusive turn that waits on the probe gate <paramref name="gate"/>.</summary>
    Task Hold(string gate);

    /// <summary>An exclusive turn.</summary>
    Task<int> Touch();

    [AlwaysInterleave]
    Task<int> Peek();

    [ReadOnly]
    Task ReadTogether(string group, int parties);

    Task<int> GetOverlaps();
}

/// <summary>Counts turns that ran while an exclusive turn was in progress (must stay zero).</summary>
public sealed class InterleaveGrain(TestProbe probe) : Grain, IInterleaveGrain
{
    private int _exclusive;
    private int _overlaps;
    private int _touches;

    public async Task Hold(string gate)
    {
        EnterExclusive();
        probe.Record("holding", GetPrimaryKeyString());
        await probe.Gate(gate);
        _exclusive--;
    }

    public async Task<int> Touch()
    {
        EnterExclusive();
        await Task.Yield();
        _exclusive--;
        return ++_touches;
    }

    public Task<int> Peek() => Task.FromResult(_touches);

    public async Task ReadTogether(string group, int parties)
    {
        if (_exclusive > 0)
        {
            _overlaps++;
        }

        await probe.Meet(group, parties);
    }

    public Task<int> GetOverlaps() => Task.FromResult(_overlaps);

    private void EnterExclusive()
    {
        if (_exclusive++ > 0)
        {
            _overlaps++;
        }
    }
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartTimer(TimeSpan dueTime, TimeSpan period);

    Task StopTimer();

    Task<int> Ticks();

    Task Deactivate();
}

public sealed class TimerGrain(TestProbe probe) : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _ticks;
    private int _inTurn;

    public Task StartTimer(TimeSpan dueTime, TimeSpan period)
    {
        _timer = RegisterGrainTimer(OnTickAsync, dueTime, period);
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<int> Ticks()
    {
        _inTurn++;
        await Task.Yield();
        _inTurn--;
        return _ticks;
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record("deactivate", GetPrimaryKeyString(), reason.ReasonCode.ToString());
        return Task.CompletedTask;
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        var overlapped = _inTurn > 0;
        _ticks++;
        await Task.Yield();
        probe.Record("timer", GetPrimaryKeyString(), overlapped ? "overlapped" : "alone");
    }
}

public interface IRetickGrain : IGrainWithStringKey
{
    Task Start(TimeSpan dueTime);
}

/// <summary>A one-shot timer whose first tick asks for another while it still runs (as off-turn work signals a grain).</summary>
public sealed class RetickGrain(TestProbe probe) : Grain, IRetickGrain
{
    private IGrainTimer? _timer;
    private int _ticks;

    public Task Start(TimeSpan dueTime)
    {
        _timer = RegisterGrainTimer(OnTickAsync, dueTime, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        if (++_ticks == 1)
        {
            _timer!.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

            // Held until the test has let the clock fire the timer again, while this tick still runs.
            probe.Record("retick started", key);
            await probe.Gate("retick:" + key);
        }

        await Task.Yield();
        probe.Record("retick", key, _ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public interface IPlainGrain : IGrainWithStringKey
{
    Task RegisterReminder(TimeSpan period);
}

/// <summary>Not remindable: registering a reminder must fail.</summary>
public sealed class PlainGrain : Grain, IPlainGrain
{
    public Task RegisterReminder(TimeSpan period) => RegisterOrUpdateReminder("r", TimeSpan.Zero, period);
}

public interface IOrphanGrain : IGrainWithStringKey
{
    Task Nothing();
}
