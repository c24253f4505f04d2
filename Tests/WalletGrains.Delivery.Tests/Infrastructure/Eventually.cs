namespace WalletGrains.Delivery.Tests;

/// <summary>Waits for an observable condition with a deadline (never a fixed sleep standing in for synchronisation).</summary>
public static class Eventually
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Probes until <paramref name="done"/> holds; returns the last probe, or throws with <paramref name="what"/> and the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(ProbeInterval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), static ok => ok, what, deadline);
}
