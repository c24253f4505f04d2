using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Runtime.Testing;

namespace WalletGrains.Runtime.Tests;

/// <summary>Turn scheduling, interleaving, timers, introspection and API checks (memory storage; no database needed).</summary>
public sealed class SchedulingTests : IAsyncLifetime
{
    private readonly TestProbe _probe = new();
    private readonly FakeTimeProvider _time = new();
    private TestSilo? _silo;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private TestSilo Silo => _silo ?? throw new InvalidOperationException("Silo not started.");

    private IGrainFactory Grains => Silo.GrainFactory;

    public async ValueTask InitializeAsync() =>
        _silo = await TestSilo.StartAsync(s => s.AddMemoryGrainStorage().UseInMemoryReminders(), services => services.AddSingleton(_probe), _time, Cancel);

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task AlwaysInterleaveRunsWhileAnExclusiveTurnWaitsButExclusiveCallsQueue()
    {
        var key = NewKey();
        var grain = Grains.GetGrain<IInterleaveGrain>(key);
        var held = grain.Hold("gate:" + key);
        await _probe.WaitUntilAsync(p => p.Count("holding", key) == 1, "the exclusive turn is holding");
        var touch = grain.Touch();

        Assert.Equal(0, await grain.Peek().WaitAsync(TimeSpan.FromSeconds(20), Cancel));
        Assert.False(touch.IsCompleted);

        _probe.Open("gate:" + key);
        await held;
        Assert.Equal(1, await touch);
        Assert.Equal(0, await grain.GetOverlaps());
    }

    [Fact]
    public async Task ReadOnlyCallsRunTogetherButNotBesideAnExclusiveTurn()
    {
        var key = NewKey();
        var grain = Grains.GetGrain<IInterleaveGrain>(key);

        // Both must be inside the grain at once to return.
        await Task.WhenAll(grain.ReadTogether("readers:" + key, 2), grain.ReadTogether("readers:" + key, 2)).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        var held = grain.Hold("gate:" + key);
        await _probe.WaitUntilAsync(p => p.Count("holding", key) == 1, "the exclusive turn is holding");
        var reader = grain.ReadTogether("solo:" + key, 1);
        Assert.False(reader.IsCompleted);
        _probe.Open("gate:" + key);
        await Task.WhenAll(held, reader);
        Assert.Equal(0, await grain.GetOverlaps());
    }

    [Fact]
    public async Task FireAndForgetCallBackIsNotMistakenForACycle()
    {
        var origin = NewKey();
        var peer = NewKey();
        await Grains.GetGrain<ICycleGrain>(origin).Notify(peer);
        _probe.Open("later:" + peer);
        await _probe.WaitUntilAsync(p => p.Count("called back", peer) == 1, "the peer called the origin back");
        Assert.Equal("pong from " + origin, _probe.Where("called back", peer)[0].Detail);
    }

    [Fact]
    public async Task TimerTicksRunAsTurnsAndDieWithTheActivation()
    {
        var key = NewKey();
        var grain = Grains.GetGrain<ITimerGrain>(key);
        await grain.StartTimer(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        for (var tick = 1; tick <= 3; tick++)
        {
            var calls = Enumerable.Range(0, 20).Select(_ => grain.Ticks()).ToArray();
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAll(calls);
            await _probe.WaitUntilAsync(p => p.Count("timer", key) == tick, $"timer tick {tick}");

            // The next tick is armed when the tick's turn ends (period counts from the end of a callback); a call queued
            // behind the tick returns after that.
            Assert.Equal(tick, await grain.Ticks());
        }

        Assert.All(_probe.Where("timer", key), e => Assert.Equal("alone", e.Detail));
        await grain.Deactivate();
        await _probe.WaitUntilAsync(p => p.Count("deactivate", key) == 1, "deactivation");
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await grain.Ticks());
        Assert.Equal(3, _probe.Count("timer", key));
    }

    [Fact]
    public async Task A_timer_that_comes_due_during_its_own_tick_ticks_again_right_after()
    {
        var key = NewKey();
        await Grains.GetGrain<IRetickGrain>(key).Start(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        await _probe.WaitUntilAsync(p => p.Count("retick started", key) == 1, "the first tick");

        // The timer comes due again while its first tick still runs; then that tick ends.
        _time.Advance(TimeSpan.Zero);
        _probe.Open("retick:" + key);

        // The second tick needs no more time, only the clock's next look at what is due.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (_probe.Count("retick", key) < 2 && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.Zero);
            await Task.Delay(10, Cancel);
        }

        Assert.Equal(["1", "2"], _probe.Where("retick", key).Select(e => e.Detail));
    }

    [Fact]
    public async Task ReminderTicksNeverOverlapCalls()
    {
        var key = NewKey();
        var grain = Grains.GetGrain<IReminderGrain>(key);
        await grain.Start("busy", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        for (var tick = 1; tick <= 3; tick++)
        {
            var calls = Enumerable.Range(0, 50).Select(_ => grain.Work()).ToArray();
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAll(calls);

            // The reminder service re-arms its poll on the fake clock after each tick; if that happened
            // after the advance above, the next due poll needs the clock to move again.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (_probe.Count("tick", key) < tick)
            {
                Assert.True(DateTime.UtcNow < deadline, $"reminder tick {tick} never came");
                await Task.Delay(50, TestContext.Current.CancellationToken);
                if (_probe.Count("tick", key) < tick)
                {
                    _time.Advance(TimeSpan.FromSeconds(1));
                }
            }
        }

        Assert.DoesNotContain(_probe.Where("tick", key), e => e.Detail.Contains("overlapped", StringComparison.Ordinal));
        await grain.Stop("busy");
        Assert.Empty(await grain.List());
    }

    [Fact]
    public async Task IntrospectionCountsCallsFailuresAndMailboxDepth()
    {
        var faulty = Grains.GetGrain<IFaultyGrain>(NewKey());
        for (var i = 0; i < 5; i++)
        {
            await faulty.Ping();
        }

        await Assert.ThrowsAsync<TestGrainException>(() => faulty.ThrowAsync("counted"));

        var key = NewKey();
        var grain = Grains.GetGrain<IInterleaveGrain>(key);
        var held = grain.Hold("gate:" + key);
        await _probe.WaitUntilAsync(p => p.Count("holding", key) == 1, "the exclusive turn is holding");
        var queued = Enumerable.Range(0, 3).Select(_ => grain.Touch()).ToArray();

        var snapshot = Silo.Introspection.GetSnapshot();
        var faults = snapshot.GrainTypes.Single(t => t.GrainType == nameof(FaultyGrain));
        Assert.Equal((6L, 1L, 1), (faults.Calls, faults.Failures, faults.Activations));
        Assert.True(faults.P99Latency >= faults.MeanLatency);
        var interleave = snapshot.GrainTypes.Single(t => t.GrainType == nameof(InterleaveGrain));
        Assert.Equal((1, 3), (interleave.Activations, interleave.MailboxDepth));

        _probe.Open("gate:" + key);
        await held;
        await Task.WhenAll(queued);
        Assert.Equal(0, Silo.Introspection.GetSnapshot().GrainTypes.Single(t => t.GrainType == nameof(InterleaveGrain)).MailboxDepth);
    }

    [Fact]
    public async Task RemindersNeedIRemindableAndAPeriodOfAtLeastOneSecond()
    {
        var plain = await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.GetGrain<IPlainGrain>(NewKey()).RegisterReminder(TimeSpan.FromSeconds(1)));
        Assert.Contains("IRemindable", plain.Message, StringComparison.Ordinal);

        var tooFast = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Grains.GetGrain<IReminderGrain>(NewKey()).Start("fast", TimeSpan.Zero, TimeSpan.FromMilliseconds(999)));
        Assert.Contains("at least 00:00:01", tooFast.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetGrainOfAnInterfaceWithoutAClassNamesTheInterface()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Grains.GetGrain<IOrphanGrain>("k"));
        Assert.Contains(nameof(IOrphanGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallsAfterTheSiloStoppedFailWithSiloUnavailable()
    {
        var factory = Grains;
        await Silo.StopAsync(Cancel);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => factory.GetGrain<IFaultyGrain>(NewKey()).Ping().AsTask());
    }

    [Fact]
    public void ReferencesToTheSameGrainAreEqual()
    {
        var key = NewKey();
        var first = Grains.GetGrain<IFaultyGrain>(key);
        Assert.Equal(first, Grains.GetGrain<IFaultyGrain>(key));
        Assert.Equal(first.GetHashCode(), Grains.GetGrain<IFaultyGrain>(key).GetHashCode());
        Assert.NotEqual(first, Grains.GetGrain<IFaultyGrain>(NewKey()));
        Assert.Equal($"GrainReference({nameof(FaultyGrain)}/{key})", first.ToString());
    }

    [Fact]
    public void GrainsCannotBeConstructedOutsideTheRuntime()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new FaultyGrain(_probe));
        Assert.Contains("IGrainFactory.GetGrain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptionsStopTheSiloFromStartingAndQuoteTheValue()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => TestSilo.StartAsync(s => s.AddMemoryGrainStorage().Configure(o => o.CallTimeout = TimeSpan.FromSeconds(-1)), cancellationToken: Cancel));
        Assert.Contains("-00:00:01", error.Message, StringComparison.Ordinal);
    }

    private static string NewKey() => Guid.NewGuid().ToString("N")[..12];
}
