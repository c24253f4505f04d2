using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Wraps the host's <see cref="IWalletStore"/> so that every commit or append that carried events signals the
/// <see cref="IEventNotifier"/> once it has returned (the events are then visible to readers). It hooks the event
/// appenders without touching the stores; everything else passes through unchanged.
/// </summary>
internal sealed class NotifyingWalletStore(IWalletStore inner, IEventNotifier notifier, bool ownsInner) : DelegatingWalletStore(inner, ownsInner)
{
    public override async Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var written = await Inner.CommitAsync(write, cancellationToken);
        if (!write.NewEvents.IsDefaultOrEmpty)
        {
            notifier.NotifyAppended();
        }

        return written;
    }

    public override async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        var appended = await Inner.AppendEventsAsync(events, cancellationToken);
        if (appended.Count > 0)
        {
            notifier.NotifyAppended();
        }

        return appended;
    }
}
