namespace WalletGrains.Grains.Delivery;

/// <summary>
/// A wake-up signal without lost wake-ups: a waiter reads <see cref="Generation"/> before it checks for work, then
/// waits for a <see cref="Set"/> after that generation, which returns at once if one happened in between.
/// Waiters resume on the thread pool, never inside <see cref="Set"/> or a timer callback.
/// </summary>
internal sealed class AsyncSignal(TimeProvider time)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    /// <summary>How many times the signal was set.</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>Wakes every waiter.</summary>
    public void Set()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _generation++;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>
    /// Waits until the signal is set after <paramref name="generation"/>, or <paramref name="timeout"/> passes on the
    /// time provider. True when set; false on timeout; throws when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> WaitAsync(long generation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task next;
        lock (_gate)
        {
            if (_generation != generation)
            {
                return true;
            }

            next = _next.Task;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        // Resumes on the thread pool: not inside Set, nor inside the timer callback of a clock that a test moves by hand.
        await next.WaitAsync(either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        cancellationToken.ThrowIfCancellationRequested();
        return next.IsCompleted;
    }
}
