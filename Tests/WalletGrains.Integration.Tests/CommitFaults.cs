using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// Sits in front of the silo's wallet store and, on demand, fails the next account commits before they reach it:
/// a database that is briefly unreachable. Nothing of a failed commit is written. It can also hold the commits that
/// update transactions (a poll's readings) until their caller gives up, as the group commit queue does with a
/// commit still waiting for its group when the silo stops.
/// </summary>
public sealed class CommitFaults
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _toFail;
    private int _failed;
    private int _holdUpdates;
    private int _cancelledWhileHeld;

    /// <summary>Commits that failed so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The next <paramref name="count"/> commits fail.</summary>
    public void FailNext(int count) => Volatile.Write(ref _toFail, count);

    /// <summary>Held commits whose caller gave up (its token was cancelled); nothing of them was written.</summary>
    public int CancelledWhileHeld => Volatile.Read(ref _cancelledWhileHeld);

    /// <summary>From now on, a commit that updates transactions waits, unwritten, until its caller's token is cancelled.</summary>
    public void HoldUpdates() => Volatile.Write(ref _holdUpdates, 1);

    /// <summary>Completes once a commit is being held.</summary>
    public Task WaitUntilHeldAsync(TimeSpan deadline) => _held.Task.WaitAsync(deadline);

    /// <summary>Wraps the last <see cref="IWalletStore"/> registration of the silo.</summary>
    public void AddTo(IServiceCollection services) => WalletStoreDecoration.Wrap(services, inner => new Store(this, inner));

    private bool TakeFault()
    {
        while (true)
        {
            var left = Volatile.Read(ref _toFail);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _toFail, left - 1, left) == left)
            {
                Interlocked.Increment(ref _failed);
                return true;
            }
        }
    }

    private async Task<AccountRecord> HoldAsync(CancellationToken cancellationToken)
    {
        _held.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelledWhileHeld);
            throw;
        }

        throw new InvalidOperationException("An infinite delay ended.");
    }

    private sealed class Store(CommitFaults faults, IWalletStore inner) : DelegatingWalletStore(inner)
    {
        public override Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
        {
            if (faults.TakeFault())
            {
                return Task.FromException<AccountRecord>(new IOException("The database is unreachable (a fault the test injected)."));
            }

            return Volatile.Read(ref faults._holdUpdates) == 1 && write.Updated.Length > 0
                ? faults.HoldAsync(cancellationToken)
                : base.CommitAsync(write, cancellationToken);
        }
    }
}
