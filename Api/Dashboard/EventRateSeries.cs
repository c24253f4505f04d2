using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.Dashboard;

/// <summary>
/// Sends and confirmations per second, counted from the event log with a cursor: each advance reads only
/// events appended since the last one. The first advance seeks the window's start by bisecting event ids
/// (a few one-row reads) instead of scanning the whole log. Not thread-safe; the snapshot service serialises calls.
/// </summary>
internal sealed class EventRateSeries(IWalletStore store, int windowSeconds)
{
    private const int PageSize = 1000;

    /// <summary>A reader this far behind re-seeks rather than paging through history it would discard.</summary>
    private const int MaxPagesPerAdvance = 20;

    private readonly Dictionary<long, (int Sends, int Confirmations)> _buckets = [];
    private long _cursor;
    private bool _positioned;

    public int WindowSeconds { get; } = windowSeconds;

    /// <summary>Reads events appended since the previous call and counts those inside the window.</summary>
    public async Task AdvanceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now.AddSeconds(-(WindowSeconds + 1));
        if (!_positioned)
        {
            _cursor = await SeekAsync(windowStart, cancellationToken);
            _positioned = true;
        }

        var reseeked = false;
        for (var page = 1; ; page++)
        {
            if (page > MaxPagesPerAdvance && !reseeked)
            {
                // Once per advance: a window holding more than this many events is read in full.
                _cursor = Math.Max(_cursor, await SeekAsync(windowStart, cancellationToken));
                reseeked = true;
            }

            var events = await store.ReadEventsAsync(_cursor, PageSize, cancellationToken);
            foreach (var e in events)
            {
                Count(e, windowStart);
                _cursor = e.Id;
            }

            if (events.Count < PageSize)
            {
                break;
            }
        }

        var oldest = windowStart.ToUnixTimeSeconds();
        foreach (var second in _buckets.Keys.Where(s => s < oldest).ToList())
        {
            _buckets.Remove(second);
        }
    }

    /// <summary>One point per whole second of the window, ending with the last complete second before <paramref name="now"/>.</summary>
    public IReadOnlyList<DashboardRatePoint> Window(DateTimeOffset now)
    {
        var last = now.ToUnixTimeSeconds() - 1;
        var points = new DashboardRatePoint[WindowSeconds];
        for (var i = 0; i < WindowSeconds; i++)
        {
            var second = last - WindowSeconds + 1 + i;
            var (sends, confirmations) = _buckets.GetValueOrDefault(second);
            points[i] = new DashboardRatePoint(second, sends, confirmations);
        }

        return points;
    }

    private void Count(WalletEvent e, DateTimeOffset windowStart)
    {
        if (e.Removed || e.CreatedAt < windowStart)
        {
            return;
        }

        var isSend = e.Type == WalletEventTypes.TransactionSubmitted;
        var isConfirmation = e.Type == WalletEventTypes.TransactionConfirmed;
        if (!isSend && !isConfirmation)
        {
            return;
        }

        var second = e.CreatedAt.ToUnixTimeSeconds();
        var (sends, confirmations) = _buckets.GetValueOrDefault(second);
        _buckets[second] = isSend ? (sends + 1, confirmations) : (sends, confirmations + 1);
    }

    /// <summary>
    /// The cursor from which every event inside the window is read: the smallest id <c>a</c> such that the first
    /// event after <c>a</c> is not older than <paramref name="windowStart"/> (or does not exist). Event times grow
    /// with ids (the store assigns ids in commit order), so "older than the window" holds for a prefix of ids.
    /// </summary>
    private async Task<long> SeekAsync(DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        if (!await IsOlderAfterAsync(0, windowStart, cancellationToken))
        {
            return 0;
        }

        // Gallop to a bound, then bisect: O(log n) one-row reads. Invariant: older-after(low) and not older-after(high).
        long low = 0, high = 1;
        while (await IsOlderAfterAsync(high, windowStart, cancellationToken))
        {
            low = high;
            high = checked(high * 2);
        }

        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (await IsOlderAfterAsync(middle, windowStart, cancellationToken))
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    private async Task<bool> IsOlderAfterAsync(long afterId, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        var next = await store.ReadEventsAsync(afterId, 1, cancellationToken);
        return next.Count == 1 && next[0].CreatedAt < windowStart;
    }
}
