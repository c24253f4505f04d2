namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The event log as an endless in-process subscription, for co-hosted services and the SSE stream. Resolve it from
/// the host's services.
/// </summary>
public interface IEventFeed
{
    /// <summary>
    /// Every event with an id above <paramref name="afterId"/>, in id order with no gaps (the store makes ids visible
    /// in order), then each new one as it is committed. It never completes: it ends only by throwing
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled. Store errors
    /// are logged and retried, not thrown. To resume after a restart, pass the id of the last event processed.
    /// </summary>
    IAsyncEnumerable<WalletEvent> ReadAllAsync(long afterId, CancellationToken cancellationToken);
}
