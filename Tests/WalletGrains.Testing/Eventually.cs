namespace WalletGrains.Testing;

/// <summary>Waits for an observable condition with a deadline, instead of a sleep standing in for synchronisation.</summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Probes every 20 ms until <paramref name="done"/> holds of the probe's value and returns that value; throws
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last value after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}; last value: {value}.");
            }

            await Task.Delay(Pause, cancellationToken);
        }
    }

    /// <summary>Checks <paramref name="condition"/> every 20 ms until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(condition, static holds => holds, timeout, what, cancellationToken);
    }

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), static holds => holds, timeout, what, cancellationToken);
    }
}
