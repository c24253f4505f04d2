using System.Collections.Concurrent;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime.Testing;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// The group commit queue's gathering on a clock the test moves: while commits arrive densely a small group waits for
/// more (up to the window), sparse commits go at once, and a group that finds no company goes when the window ends.
/// </summary>
public sealed class GroupCommitQueueTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<(int[] Items, long At)> _groups = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_small_group_waits_for_more_while_commits_arrive_densely()
    {
        await using var queue = NewQueue();
        var second = await SecondCommitTakenAsync(queue);

        // The lane holds the second commit: the mean gap (0.1 ms) says two more come well within the window.
        _time.Advance(TimeSpan.FromMilliseconds(0.1));
        var third = queue.EnqueueAsync(3, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(0.1));
        var fourth = queue.EnqueueAsync(4, Ct);
        await Task.WhenAll(second, third, fourth).WaitAsync(Deadline, Ct);

        Assert.Equal([[1], [2, 3, 4]], _groups.Select(g => g.Items));
    }

    [Fact]
    public async Task Sparse_commits_go_at_once()
    {
        await using var queue = NewQueue();
        await queue.EnqueueAsync(1, Ct).WaitAsync(Deadline, Ct);

        // 10 ms after the last arrival: the next ones are not expected within the window, so nothing waits (the clock
        // stands still; a lane that waited would never commit).
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, await queue.EnqueueAsync(2, Ct).WaitAsync(Deadline, Ct));

        Assert.Equal([[1], [2]], _groups.Select(g => g.Items));
    }

    [Fact]
    public async Task A_group_that_finds_no_company_goes_when_the_window_ends()
    {
        await using var queue = NewQueue();
        var second = await SecondCommitTakenAsync(queue);
        var arrived = _time.GetTimestamp();

        var deadline = DateTime.UtcNow + Deadline;
        while (!second.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(0.5));
            await Task.Delay(1, Ct);
        }

        Assert.Equal(2, await second.WaitAsync(Deadline, Ct));
        Assert.Equal([[1], [2]], _groups.Select(g => g.Items));
        Assert.True(_time.GetElapsedTime(arrived, _groups.Last().At) >= Window, "the lone commit waited out the window");
    }

    [Fact]
    public async Task Without_gathering_a_lone_commit_goes_at_once_even_when_arrivals_are_dense()
    {
        await using var queue = NewQueue(GroupGathering.None);
        await queue.EnqueueAsync(1, Ct).WaitAsync(Deadline, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.Equal(2, await queue.EnqueueAsync(2, Ct).WaitAsync(Deadline, Ct));

        Assert.Equal([[1], [2]], _groups.Select(g => g.Items));
    }

    [Fact]
    public async Task Disposing_commits_a_gathering_group_at_once()
    {
        var queue = NewQueue();
        var second = await SecondCommitTakenAsync(queue);

        await queue.DisposeAsync().AsTask().WaitAsync(Deadline, Ct);

        Assert.Equal(2, await second.WaitAsync(Deadline, Ct));
        Assert.Equal([[1], [2]], _groups.Select(g => g.Items));
    }

    /// <summary>Commits 1 alone, then queues 2 a tenth of a millisecond later and waits until a lane has taken it.</summary>
    private async Task<Task<int>> SecondCommitTakenAsync(GroupCommitQueue<int, int> queue)
    {
        await queue.EnqueueAsync(1, Ct).WaitAsync(Deadline, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(0.1));
        var second = queue.EnqueueAsync(2, Ct);
        await WaitUntilAsync(() => queue.Waiting == 0);
        return second;
    }

    private GroupCommitQueue<int, int> NewQueue(GroupGathering? gathering = null) => new(
        group =>
        {
            _groups.Enqueue(([.. group.Select(e => e.Work)], _time.GetTimestamp()));
            foreach (var entry in group)
            {
                entry.Completion.TrySetResult(entry.Work);
            }

            return Task.CompletedTask;
        },
        lanes: 1,
        maxGroup: 64,
        gathering ?? new GroupGathering(Window, 3),
        _time);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached before the deadline");
            await Task.Delay(1, Ct);
        }
    }
}
