using System.Collections.Concurrent;

namespace WalletGrains.Runtime.Tests;

/// <summary>One thing a test grain observed.</summary>
public sealed record ProbeEvent(string Kind, string GrainKey, string Detail = "", string Silo = "");

/// <summary>
/// Shared between a test and its grains (a DI singleton in every silo of the test): grains record events and wait
/// on gates; the test waits for events with a deadline instead of sleeping.
/// </summary>
public sealed class TestProbe
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(20);

    private readonly ConcurrentQueue<ProbeEvent> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, Rendezvous> _rendezvous = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<ProbeEvent> Events => [.. _events];

    public void Record(string kind, string grainKey, string detail = "", string silo = "")
    {
        _events.Enqueue(new ProbeEvent(kind, grainKey, detail, silo));
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    public IReadOnlyList<ProbeEvent> Where(string kind, string grainKey) =>
        _events.Where(e => e.Kind == kind && e.GrainKey == grainKey).ToList();

    public int Count(string kind, string grainKey) => Where(kind, grainKey).Count;

    /// <summary>Waits until <paramref name="condition"/> holds over the recorded events, failing after the deadline.</summary>
    public async Task WaitUntilAsync(Func<TestProbe, bool> condition, string description, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? DefaultDeadline);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {deadline ?? DefaultDeadline} for: {description}. Events: {string.Join("; ", _events)}");
            }
        }
    }

    /// <summary>A task grains await until the test opens the gate.</summary>
    public Task Gate(string name) => _gates.GetOrAdd(name, _ => NewSignal()).Task;

    public void Open(string name) => _gates.GetOrAdd(name, _ => NewSignal()).TrySetResult();

    /// <summary>Completes for everyone once <paramref name="parties"/> callers have arrived: only concurrent turns can all get through.</summary>
    public Task Meet(string group, int parties)
    {
        var rendezvous = _rendezvous.GetOrAdd(group, _ => new Rendezvous());
        if (Interlocked.Increment(ref rendezvous.Arrived) >= parties)
        {
            rendezvous.AllArrived.TrySetResult();
        }

        return rendezvous.AllArrived.Task;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Rendezvous
    {
        public readonly TaskCompletionSource AllArrived = NewSignal();
        public int Arrived;
    }
}
