namespace WalletGrains.Grains.Chains;

/// <summary>
/// Where in each poll interval the accounts of one chain poll. A poll that finds a block's receipts commits them, and
/// promotes queued sends, in one write of some 30 rows and 50 events; two accounts doing that within a few ms of each
/// other queue in the store and slow every send meanwhile. The k-th account to start polling gets the phase k/φ mod 1
/// (φ the golden ratio): each new phase falls in one of the largest gaps the earlier ones left, so ten accounts poll at
/// least 5.6% of an interval apart, where ten phases drawn at random put two within 1% of each other three times in five.
/// Phases count from a fixed instant, not from when an account starts, so accounts that start apart keep the spacing.
/// </summary>
public sealed class PollPhases
{
    private const double InverseGoldenRatio = 0.6180339887498949;

    private long _handedOut = -1;

    /// <summary>The next phase, a fraction of the interval in [0, 1).</summary>
    public double Next()
    {
        var k = Interlocked.Increment(ref _handedOut);
        return k * InverseGoldenRatio % 1.0;
    }

    /// <summary>Time from <paramref name="now"/> until the next instant at <paramref name="phase"/> of the interval: [0, interval).</summary>
    public static TimeSpan UntilFirst(DateTimeOffset now, TimeSpan interval, double phase) =>
        interval <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Mod(Offset(interval, phase) - now.UtcTicks, interval.Ticks));

    /// <summary>
    /// Time from a tick at <paramref name="now"/> until the one after it: one interval after the phase instant nearest
    /// to now, so a tick that ran late (it waits behind the account's other turns) or a little early does not shift
    /// the next one.
    /// </summary>
    public static TimeSpan UntilFollowing(DateTimeOffset now, TimeSpan interval, double phase)
    {
        if (interval <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Signed distance to the nearest phase instant, in [-interval/2, interval/2).
        var half = interval.Ticks / 2;
        var nearest = Mod(Offset(interval, phase) - now.UtcTicks + half, interval.Ticks) - half;
        return TimeSpan.FromTicks(interval.Ticks + nearest);
    }

    private static long Offset(TimeSpan interval, double phase) => (long)(interval.Ticks * phase);

    private static long Mod(long value, long modulus) => ((value % modulus) + modulus) % modulus;
}
