using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Monitor.Tests;

/// <summary>
/// The real store, except that the first append of new (not removed) events fails right after the events were
/// written: what a crash between the event log and the cursor write looks like to the monitor.
/// </summary>
public sealed class CrashAfterAppendStore(IWalletStore inner) : DelegatingWalletStore(inner)
{
    private int _crashed;

    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public override async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        var appended = await Inner.AppendEventsAsync(events, cancellationToken);
        if (events.Any(e => !e.Removed) && Interlocked.Exchange(ref _crashed, 1) == 0)
        {
            throw new IOException($"Simulated crash after appending {appended.Count} event(s) (ids {appended[0].Id}..{appended[^1].Id}), before the cursor was written.");
        }

        return appended;
    }
}
