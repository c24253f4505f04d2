namespace WalletGrains.Testing;

/// <summary>Waits for an observable condition with a deadline, instead of a sleep standing in for synchronisation.</summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>Checks <paramref name="condition"/> every 50 ms until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(Pause, cancellationToken);
        }
    }

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);
    }
}
