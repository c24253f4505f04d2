using WalletGrains.Api.Dashboard;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Dashboard.Tests;

/// <summary>The sends/s and confirmations/s series: counts per second from the event log, read with a cursor.</summary>
public sealed class EventRateSeriesTests
{
    private const int Window = 60;

    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 30, 500, TimeSpan.Zero);

    private static readonly string[] Types =
    [
        WalletEventTypes.TransactionSubmitted,
        WalletEventTypes.TransactionConfirmed,
        WalletEventTypes.TransactionMined,
        WalletEventTypes.BalanceChanged,
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Counts_match_a_direct_count_of_the_log_per_second_and_survive_later_appends()
    {
        var store = new CountingStore(new MemoryWalletStore());
        var random = new Random(7);
        // History well before the window, then the window itself, then more after the first read.
        var appended = new List<NewWalletEvent>();
        appended.AddRange(RandomEvents(random, 3000, Now.AddMinutes(-30), Now.AddSeconds(-Window - 5)));
        appended.AddRange(RandomEvents(random, 400, Now.AddSeconds(-Window - 5), Now));
        await AppendAsync(store, appended);
        var series = new EventRateSeries(store, Window);

        await series.AdvanceAsync(Now, Ct);
        AssertMatches(appended, series.Window(Now), Now);

        var later = Now.AddSeconds(7);
        var more = RandomEvents(random, 200, Now, later);
        await AppendAsync(store, more);
        appended.AddRange(more);
        await series.AdvanceAsync(later, Ct);
        AssertMatches(appended, series.Window(later), later);
    }

    [Fact]
    public async Task A_long_history_is_skipped_by_seeking_not_read_row_by_row()
    {
        var store = new CountingStore(new MemoryWalletStore());
        var old = RandomEvents(new Random(11), 20_000, Now.AddDays(-3), Now.AddMinutes(-5));
        var recent = RandomEvents(new Random(12), 50, Now.AddSeconds(-30), Now);
        await AppendAsync(store, [.. old, .. recent]);
        var series = new EventRateSeries(store, Window);

        await series.AdvanceAsync(Now, Ct);

        AssertMatches(recent, series.Window(Now), Now);
        // Seeking reads one row per probe (about 2·log2(20 000) ≈ 30) plus the recent events, never the history.
        Assert.True(store.RowsRead < 200, $"{store.RowsRead} rows read to position the cursor");

        var rowsBefore = store.RowsRead;
        await series.AdvanceAsync(Now.AddSeconds(1), Ct);
        Assert.Equal(rowsBefore, store.RowsRead);
    }

    [Fact]
    public async Task An_empty_log_gives_a_full_window_of_zeros()
    {
        var series = new EventRateSeries(new MemoryWalletStore(), Window);

        await series.AdvanceAsync(Now, Ct);
        var points = series.Window(Now);

        Assert.Equal(Window, points.Count);
        Assert.All(points, p => Assert.Equal((0, 0), (p.Sends, p.Confirmations)));
        Assert.Equal(Now.ToUnixTimeSeconds() - 1, points[^1].Second);
        Assert.Equal(Enumerable.Range(0, Window).Select(i => points[0].Second + i), points.Select(p => p.Second));
    }

    private static void AssertMatches(IEnumerable<NewWalletEvent> events, IReadOnlyList<DashboardRatePoint> points, DateTimeOffset now)
    {
        Assert.Equal(Window, points.Count);
        Assert.Equal(now.ToUnixTimeSeconds() - 1, points[^1].Second);
        var bySecond = events.GroupBy(e => e.CreatedAt.ToUnixTimeSeconds()).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var point in points)
        {
            var inSecond = bySecond.GetValueOrDefault(point.Second) ?? [];
            Assert.Equal(inSecond.Count(e => e.Type == WalletEventTypes.TransactionSubmitted && !e.Removed), point.Sends);
            Assert.Equal(inSecond.Count(e => e.Type == WalletEventTypes.TransactionConfirmed && !e.Removed), point.Confirmations);
        }
    }

    /// <summary>Events in time order (the store assigns ids in commit order, so times grow with ids).</summary>
    private static List<NewWalletEvent> RandomEvents(Random random, int count, DateTimeOffset from, DateTimeOffset to)
    {
        var span = (to - from).Ticks;
        return Enumerable.Range(0, count)
            .Select(_ => from.AddTicks(random.NextInt64(span)))
            .Order()
            .Select(at => new NewWalletEvent(Types[random.Next(Types.Length)], at, 31337, random.Next(20) == 0, "{}"))
            .ToList();
    }

    private static async Task AppendAsync(IWalletStore store, IReadOnlyList<NewWalletEvent> events)
    {
        foreach (var chunk in events.Chunk(500))
        {
            await store.AppendEventsAsync(chunk, Ct);
        }
    }

    /// <summary>Counts the event rows a reader pulls, to show the cursor never rescans.</summary>
    private sealed class CountingStore(IWalletStore inner) : DelegatingWalletStore(inner, ownsInner: false)
    {
        public long RowsRead { get; private set; }

        public override async Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default)
        {
            var events = await Inner.ReadEventsAsync(afterId, limit, cancellationToken);
            RowsRead += events.Count;
            return events;
        }
    }
}
