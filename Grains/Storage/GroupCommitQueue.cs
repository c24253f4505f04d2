using System.Threading.Channels;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// Group commit in front of a database that takes one writer's transaction at a time well but many small ones
/// badly: work queued while a group is being committed goes together in the next group. A fixed number of lanes
/// each take up to <c>maxGroup</c> queued entries at a time and hand them to the commit delegate, which must
/// complete every entry it is given (the queue fails the ones it left open if it throws). An entry whose caller
/// cancelled before its group was taken is cancelled; once taken, it runs to its end.
/// </summary>
internal sealed class GroupCommitQueue<TWork, TResult> : IAsyncDisposable
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<IReadOnlyList<Entry>, Task> _commit;
    private readonly int _maxGroup;
    private readonly Task[] _lanes;

    public GroupCommitQueue(Func<IReadOnlyList<Entry>, Task> commit, int lanes, int maxGroup)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _commit = commit;
        _maxGroup = maxGroup;
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => Task.Run(RunLaneAsync))];
    }

    /// <summary>Queues <paramref name="work"/>; the task completes when the group that carries it has been committed or has failed.</summary>
    public Task<TResult> EnqueueAsync(TWork work, CancellationToken cancellationToken)
    {
        var entry = new Entry(work, cancellationToken);
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
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var entry))
            {
                if (entry.CancellationToken.IsCancellationRequested)
                {
                    entry.Completion.TrySetCanceled(entry.CancellationToken);
                }
                else
                {
                    group.Add(entry);
                }
            }

            if (group.Count == 0)
            {
                continue;
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

    /// <summary>One queued piece of work and the completion its caller awaits.</summary>
    internal sealed class Entry(TWork work, CancellationToken cancellationToken)
    {
        public TWork Work { get; } = work;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
