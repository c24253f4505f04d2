using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Grains.Monitoring;

namespace WalletGrains.Monitor.Tests;

public sealed class BlockRangeSizerTests
{
    [Fact]
    public void Refusals_halve_the_range_down_to_one_block()
    {
        var sizer = new BlockRangeSizer(1000);
        var seen = new List<int>();
        while (sizer.TryShrink())
        {
            seen.Add(sizer.Current);
        }

        Assert.Equal([500, 250, 125, 62, 31, 15, 7, 3, 1], seen);
        Assert.Equal(1, sizer.Current);
        Assert.False(sizer.TryShrink());
    }

    [Fact]
    public void The_range_doubles_back_after_a_run_of_full_size_queries_and_never_passes_the_maximum()
    {
        var sizer = new BlockRangeSizer(100);
        Assert.True(sizer.TryShrink());
        Assert.True(sizer.TryShrink());
        Assert.Equal(25, sizer.Current);

        for (var i = 1; i < BlockRangeSizer.GrowAfter; i++)
        {
            sizer.Accepted(25);
        }

        Assert.Equal(25, sizer.Current);
        sizer.Accepted(25);
        Assert.Equal(50, sizer.Current);

        for (var i = 0; i < BlockRangeSizer.GrowAfter * 3; i++)
        {
            sizer.Accepted((ulong)sizer.Current);
        }

        Assert.Equal(100, sizer.Current);
    }

    [Fact]
    public void Short_queries_at_the_head_do_not_count_toward_growing()
    {
        var sizer = new BlockRangeSizer(64);
        sizer.TryShrink();
        for (var i = 0; i < BlockRangeSizer.GrowAfter * 4; i++)
        {
            sizer.Accepted(1);
        }

        Assert.Equal(32, sizer.Current);
    }

    [Fact]
    public void A_refusal_restarts_the_run_of_successes()
    {
        var sizer = new BlockRangeSizer(64);
        sizer.TryShrink();
        sizer.TryShrink();
        for (var i = 1; i < BlockRangeSizer.GrowAfter; i++)
        {
            sizer.Accepted(16);
        }

        sizer.TryShrink();
        sizer.Accepted(8);
        Assert.Equal(8, sizer.Current);
    }

    [Fact]
    public void The_range_stays_within_one_and_the_maximum_whatever_happens() =>
        Prop.ForAll(
            Gen.Choose(1, 5000).ToArbitrary(),
            Gen.ListOf(Gen.Choose(-1, 6000)).ToArbitrary(),
            (max, steps) =>
            {
                var sizer = new BlockRangeSizer(max);
                foreach (var step in steps)
                {
                    if (step < 0)
                    {
                        sizer.TryShrink();
                    }
                    else
                    {
                        sizer.Accepted((ulong)step);
                    }

                    if (sizer.Current < 1 || sizer.Current > max)
                    {
                        return false;
                    }
                }

                return true;
            }).QuickCheckThrowOnFailure();
}
