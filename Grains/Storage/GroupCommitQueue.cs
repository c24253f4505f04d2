using System.Threading.Channels;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// How a lane of <see cref="GroupCommitQueue{TWork, TResult}"/> lets a small group wait for company: while work
/// arrives densely (the mean gap between arrivals times the entries still missing fits in <see cref="Window"/>), a
/// group smaller than <see cref="Target"/> waits up to <see cref="Window"/> for more before it is committed. A
/// database commit has a fixed cost (round trip, transaction, WAL flush) that a group shares; under steady load the
/// lane otherwise commits groups of one or two, each paying it. Sparse work never waits. A zero window turns it off.
/// </summary>
internal readonly record struct GroupGathering(TimeSpan Window, int Target)
{
    /// <summary>No waiting: a group is whatever was queued when the lane came for it.</summary>
    public static GroupGathering None { get; } = new(TimeSpan.Zero, 1);

    /// <summary>Whether a lane ever waits.</summary>
    public bool Enabled => Window > TimeSpan.Zero && Target > 1;
}

/// <summary>
/// Group commit in front of a database that takes one writer's transaction at a time well but many small ones
/// badly: work queued while a group is being committed goes together in the next group. A fixed number of lanes
/// each take up to <c>maxGroup</c> queued entries at a time and hand them to the commit delegate, which must
/// complete every entry it is given (the queue fails the ones it left open if it throws). An entry whose caller
/// cancelled before its group was taken is cancelled; once taken, it runs to its end. With
/// <see cref="GroupGathering"/> a lane lets a small group wait a little for more while arrivals are dense.
/// </summary>
internal sealed class GroupCommitQueue<TWork, TResult> : IAsyncDisposable
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<IReadOnlyList<Entry>, Task> _commit;
    private readonly int _maxGroup;
    private readonly GroupGathering _gathering;
    private readonly TimeProvider _time;

    /// <summary>The gathering window in the clock's timestamp ticks.</summary>
    private readonly double _windowTicks;
    private readonly Task[] _lanes;

    public GroupCommitQueue(Func<IReadOnlyList<Entry>, Task> commit, int lanes, int maxGroup, GroupGathering gathering = default, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gathering.Window, TimeSpan.Zero);
        _commit = commit;
        _maxGroup = maxGroup;
        _gathering = gathering;
        _time = time ?? TimeProvider.System;
        _windowTicks = gathering.Window.TotalSeconds * _time.TimestampFrequency;
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => Task.Run(RunLaneAsync))];
    }

    /// <summary>Entries queued and not yet taken by a lane.</summary>
    internal int Waiting => _queue.Reader.Count;

    /// <summary>Queues <paramref name="work"/>; the task completes when the group that carries it has been committed or has failed.</summary>
    public Task<TResult> EnqueueAsync(TWork work, CancellationToken cancellationToken)
    {
        var entry = new Entry(work, _time.GetTimestamp(), cancellationToken);
        return _queue.Writer.TryWrite(entry)
            ? entry.Completion.Task
            : Task.FromException<TResult>(new ObjectDisposedException(GetType().Name, "The store is disposed; it takes no more commits."));
    }

    /// <summary>Takes no more work, commits what is queued, then stops the lanes.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_lanes);
    }

    private async Task RunLaneAsync()
    {
        var group = new List<Entry>(_maxGroup);
        var arrivals = new ArrivalGaps(_windowTicks * 4);
        while (await _queue.Reader.WaitToReadAsync())
        {
            Take(group, arrivals);
            if (group.Count == 0)
            {
                continue;
            }

            if (ShouldGather(group.Count, arrivals))
            {
                await GatherAsync(group, arrivals);
            }

            try
            {
                await _commit(group);
            }
            catch (Exception ex)
            {
                foreach (var entry in group)
                {
                    entry.Completion.TrySetException(ex);
                }
            }

            group.Clear();
        }
    }

    /// <summary>Moves queued entries into <paramref name="group"/> (up to the group limit), cancelling those whose callers gave up.</summary>
    private void Take(List<Entry> group, ArrivalGaps arrivals)
    {
        while (group.Count < _maxGroup && _queue.Reader.TryRead(out var entry))
        {
            arrivals.Observe(entry.EnqueuedAt);
            if (entry.CancellationToken.IsCancellationRequested)
            {
                entry.Completion.TrySetCanceled(entry.CancellationToken);
            }
            else
            {
                group.Add(entry);
            }
        }
    }

    /// <summary>True when the entries still missing from the target are expected within the window at the recent arrival rate.</summary>
    private bool ShouldGather(int count, ArrivalGaps arrivals) =>
        _gathering.Enabled
        && count < _gathering.Target
        && count < _maxGroup
        && arrivals.MeanGap * (_gathering.Target - count) <= _windowTicks;

    /// <summary>Takes what arrives until the group reaches the target, the window ends or the queue is completed.</summary>
    private async Task GatherAsync(List<Entry> group, ArrivalGaps arrivals)
    {
        using var window = new CancellationTokenSource(_gathering.Window, _time);
        try
        {
            while (group.Count < _gathering.Target && await _queue.Reader.WaitToReadAsync(window.Token))
            {
                Take(group, arrivals);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The window ended: commit what there is.
        }
    }

    /// <summary>
    /// A lane's moving mean of the gap between consecutive arrivals, in timestamp ticks (infinite until two were
    /// seen). A gap counts at most <c>cap</c>, so after an idle spell dense arrivals bring the mean down again within
    /// a few entries.
    /// </summary>
    private sealed class ArrivalGaps(double cap)
    {
        private long? _last;

        public double MeanGap { get; private set; } = double.PositiveInfinity;

        public void Observe(long arrivedAt)
        {
            if (_last is { } last)
            {
                var gap = Math.Min(cap, Math.Max(0, arrivedAt - last));
                MeanGap = double.IsPositiveInfinity(MeanGap) ? gap : MeanGap + ((gap - MeanGap) / 8);
            }

            _last = Math.Max(_last ?? arrivedAt, arrivedAt);
        }
    }

    /// <summary>One queued piece of work, when it was queued, and the completion its caller awaits.</summary>
    internal sealed class Entry(TWork work, long enqueuedAt, CancellationToken cancellationToken)
    {
        public TWork Work { get; } = work;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>The queue's clock (<see cref="TimeProvider.GetTimestamp"/>) when the work was queued.</summary>
        public long EnqueuedAt { get; } = enqueuedAt;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
