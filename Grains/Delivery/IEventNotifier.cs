namespace WalletGrains.Grains.Delivery;

/// <summary>
/// An in-process wake-up for readers of the event log (the event feed, the SSE stream, webhook delivery): the event
/// appenders of this process signal after each commit that carried events, so readers need not wait for their
/// next poll. Events appended by other processes are found by polling; a signal is only a hint to read now.
/// </summary>
public interface IEventNotifier
{
    /// <summary>How many commits with events were signalled; read it before reading the store, then wait on it.</summary>
    long Generation { get; }

    /// <summary>Signals that events were committed (call after the commit, never before).</summary>
    void NotifyAppended();

    /// <summary>
    /// Waits until a commit is signalled after <paramref name="generation"/> (at once if one was) or until
    /// <paramref name="timeout"/> passes; true when signalled. Throws when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    Task<bool> WaitAsync(long generation, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The process's <see cref="IEventNotifier"/>; timeouts run on the given time provider.</summary>
public sealed class EventNotifier(TimeProvider time) : IEventNotifier
{
    private readonly AsyncSignal _signal = new(time);

    /// <inheritdoc />
    public long Generation => _signal.Generation;

    /// <inheritdoc />
    public void NotifyAppended() => _signal.Set();

    /// <inheritdoc />
    public Task<bool> WaitAsync(long generation, TimeSpan timeout, CancellationToken cancellationToken) =>
        _signal.WaitAsync(generation, timeout, cancellationToken);
}
