namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// The block range of the next <c>eth_getLogs</c> query: starts at the configured maximum, halves when the node
/// refuses a range (<see cref="LogQueryRefusal"/>), and doubles again after <see cref="GrowAfter"/> accepted queries
/// that used the full current range, so a node that refused a dense stretch is asked for wide ranges again later.
/// </summary>
public sealed class BlockRangeSizer
{
    /// <summary>Accepted full-size queries in a row before the range doubles.</summary>
    public const int GrowAfter = 8;

    private int _fullSizeSuccesses;

    /// <summary>Starts at <paramref name="max"/> blocks.</summary>
    public BlockRangeSizer(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        Max = max;
        Current = max;
    }

    /// <summary>The configured widest range.</summary>
    public int Max { get; }

    /// <summary>The range of the next query, between 1 and <see cref="Max"/>.</summary>
    public int Current { get; private set; }

    /// <summary>Halves the range after a refusal; false when it is already one block (nothing left to shrink).</summary>
    public bool TryShrink()
    {
        _fullSizeSuccesses = 0;
        if (Current == 1)
        {
            return false;
        }

        Current /= 2;
        return true;
    }

    /// <summary>Records an accepted query over <paramref name="blocks"/> blocks; only full-size ones count toward growing.</summary>
    public void Accepted(ulong blocks)
    {
        if (blocks < (ulong)Current || Current == Max)
        {
            return;
        }

        if (++_fullSizeSuccesses >= GrowAfter)
        {
            Current = (int)Math.Min(Max, Current * 2L);
            _fullSizeSuccesses = 0;
        }
    }
}
