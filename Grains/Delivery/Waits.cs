namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Waits on a <see cref="TimeProvider"/> for delivery loops. Task.Delay counts whole milliseconds and rounds down,
/// so a loop that waits "until due" must round up or it spins on a sub-millisecond remainder; and a wait resumes on
/// the thread pool, never inside the timer's callback (a test clock fires timers on the thread that moves it).
/// </summary>
internal static class Waits
{
    /// <summary>Waits until <paramref name="due"/> on <paramref name="time"/>; returns at once when it has passed.</summary>
    public static Task UntilAsync(TimeProvider time, DateTimeOffset due, CancellationToken cancellationToken) =>
        ForAsync(time, due - time.GetUtcNow(), cancellationToken);

    /// <summary>Waits <paramref name="delay"/>, rounded up to a whole millisecond; returns at once when it is not positive.</summary>
    public static async Task ForAsync(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var rounded = TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
        await Task.Delay(rounded, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
    }
}
