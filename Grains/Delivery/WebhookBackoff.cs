namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Exponential backoff with full jitter: after the n-th failed attempt (n ≥ 1) the wait is uniform in
/// [0, min(MaxBackoff, InitialBackoff · 2^(n−1))]. The jitter spreads the retries of many webhooks that failed
/// together (a receiver's outage) instead of bringing them back in step.
/// </summary>
public sealed class WebhookBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    /// <summary>The ceiling of the wait after <paramref name="failures"/> failed attempts.</summary>
    public TimeSpan Ceiling(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);

        // 2^62 ticks exceed any configured maximum, so the shift stops there and never overflows.
        var exponent = Math.Min(failures - 1, 62);
        // initial ≤ max / 2^exponent (rounded down) is exactly when initial · 2^exponent ≤ max, computed without overflow.
        return initial.Ticks > (max.Ticks >> exponent) ? max : TimeSpan.FromTicks(initial.Ticks << exponent);
    }

    /// <summary>A random wait in [0, <see cref="Ceiling"/>].</summary>
    public TimeSpan Delay(int failures)
    {
        var ceiling = Ceiling(failures).Ticks;
        return TimeSpan.FromTicks(random.NextInt64(ceiling + 1));
    }
}
