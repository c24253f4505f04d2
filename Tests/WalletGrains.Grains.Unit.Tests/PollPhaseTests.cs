using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// Accounts that start sending in the same instant must not poll (and commit what their polls find) in the same
/// instant every interval: each account of a chain polls at a phase of its own, spread over the interval, and keeps it.
/// </summary>
public sealed class PollPhaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>A Unix-epoch instant 0.25 s into an interval.</summary>
    private static readonly DateTimeOffset QuarterIn = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    public void The_first_phases_handed_out_lie_apart(int accounts)
    {
        var phases = new PollPhases();
        var sorted = Enumerable.Range(0, accounts).Select(_ => phases.Next()).Order().ToList();

        Assert.All(sorted, p => Assert.InRange(p, 0.0, 0.999_999_999));
        var gaps = sorted.Zip(sorted.Skip(1), (a, b) => b - a).Append(1 - sorted[^1] + sorted[0]).ToList();

        // Golden-ratio phases: the smallest gap between n of them is over half of an even spread's 1/n.
        Assert.True(gaps.Min() > 0.5 / accounts, $"smallest gap {gaps.Min():0.000} of {accounts} phases");
    }

    [Fact]
    public void Many_phases_fill_every_part_of_the_interval_alike()
    {
        var phases = new PollPhases();
        var perTenth = Enumerable.Range(0, 1_000).Select(_ => (int)(phases.Next() * 10)).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(10, perTenth.Count);
        Assert.All(perTenth.Values, count => Assert.InRange(count, 95, 105));
    }

    [Fact]
    public void Each_chain_hands_out_its_own_sequence()
    {
        var first = new PollPhases();
        var second = new PollPhases();
        var a = Enumerable.Range(0, 3).Select(_ => first.Next()).ToList();

        Assert.Equal(a, Enumerable.Range(0, 3).Select(_ => second.Next()).ToList());
        Assert.Equal(0.0, a[0]);
        Assert.NotEqual(a[1], a[2]);
    }

    [Theory]
    [InlineData(0.75, 500)]
    [InlineData(0.25, 0)]
    [InlineData(0.10, 850)]
    public void The_first_poll_comes_at_the_next_instant_of_the_phase(double phase, int expectedMs)
    {
        var due = PollPhases.UntilFirst(QuarterIn, Interval, phase);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), due);
        Assert.Equal((long)(Interval.Ticks * phase), (QuarterIn + due).UtcTicks % Interval.Ticks);
    }

    [Theory]
    [InlineData(0, 1000)] // on time: one interval later
    [InlineData(30, 970)] // ran 30 ms late behind the account's other turns: the next one is not shifted
    [InlineData(480, 520)]
    [InlineData(-1, 1001)] // a timer that fired a millisecond early does not give two ticks in a row
    public void A_tick_sets_the_next_one_interval_after_its_phase_instant(int lateMs, int expectedMs)
    {
        var tick = QuarterIn + TimeSpan.FromMilliseconds(lateMs);

        var due = PollPhases.UntilFollowing(tick, Interval, phase: 0.25);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), due);
    }

    [Fact]
    public void Without_an_interval_polls_are_due_at_once()
    {
        Assert.Equal(TimeSpan.Zero, PollPhases.UntilFirst(QuarterIn, TimeSpan.Zero, 0.5));
        Assert.Equal(TimeSpan.Zero, PollPhases.UntilFollowing(QuarterIn, TimeSpan.Zero, 0.5));
    }
}
