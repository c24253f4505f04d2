using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// <see cref="IEventFeed"/> over <see cref="IWalletStore.ReadEventsAsync"/>: reads pages after the last id it gave
/// out; when it has caught up, waits for the <see cref="IEventNotifier"/> or the poll interval, whichever comes first.
/// </summary>
public sealed class EventFeed(
    IWalletStore store, IEventNotifier notifier, TimeProvider time, IOptions<EventFeedOptions> options, ILogger<EventFeed> logger) : IEventFeed
{
    /// <summary>Events read per store call.</summary>
    public const int PageSize = 256;

    /// <summary>Longest wait between reads after store errors (the wait doubles from the poll interval up to this).</summary>
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async IAsyncEnumerable<WalletEvent> ReadAllAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        var poll = options.Value.PollInterval;
        var cursor = afterId;
        var errorDelay = poll;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var generation = notifier.Generation;
            IReadOnlyList<WalletEvent> page;
            try
            {
                page = await store.ReadEventsAsync(cursor, PageSize, cancellationToken);
                errorDelay = poll;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                DeliveryLog.FeedReadFailed(logger, ex, cursor, errorDelay);
                await Waits.ForAsync(time, errorDelay, cancellationToken);
                errorDelay = TimeSpan.FromTicks(Math.Min(errorDelay.Ticks * 2, Math.Max(MaxErrorDelay.Ticks, poll.Ticks)));
                continue;
            }

            foreach (var walletEvent in page)
            {
                cursor = walletEvent.Id;
                yield return walletEvent;
            }

            if (page.Count < PageSize)
            {
                await notifier.WaitAsync(generation, poll, cancellationToken);
            }
        }
    }
}
