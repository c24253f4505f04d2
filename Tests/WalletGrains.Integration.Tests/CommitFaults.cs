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
    private readonly Lock _sendGateLock = new();
    private TaskCompletionSource? _sendGate;
    private int _sendsHeld;
    private bool _failFirstSend;

    /// <summary>Completes once every held send commit before the latest has been passed on.</summary>
    private Task _sendsPassedOn = Task.CompletedTask;

    /// <summary>Commits that failed so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The next <paramref name="count"/> commits fail.</summary>
    public void FailNext(int count) => Volatile.Write(ref _toFail, count);

    /// <summary>Held commits whose caller gave up (its token was cancelled); nothing of them was written.</summary>
    public int CancelledWhileHeld => Volatile.Read(ref _cancelledWhileHeld);

    /// <summary>From now on, a commit that updates transactions waits, unwritten, until its caller's token is cancelled.</summary>
    public void HoldUpdates() => Volatile.Write(ref _holdUpdates, 1);

    /// <summary>
    /// From now on, commits that insert transactions (send batches) wait, in the order they arrived, until
    /// <see cref="ReleaseSends"/>; then they reach the store in that order, the first of them failing if asked.
    /// </summary>
    public void HoldSends()
    {
        lock (_sendGateLock)
        {
            _sendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the held send commits through, in arrival order; with <paramref name="failFirst"/> the first fails unwritten.</summary>
    public void ReleaseSends(bool failFirst = false)
    {
        TaskCompletionSource? gate;
        lock (_sendGateLock)
        {
            gate = _sendGate;
            _sendGate = null;
            _failFirstSend = failFirst;
        }

        gate?.TrySetResult();
    }

    /// <summary>Send commits that arrived while held, so far.</summary>
    public int SendsHeld
    {
        get
        {
            lock (_sendGateLock)
            {
                return _sendsHeld;
            }
        }
    }

    /// <summary>Completes once a commit is being held.</summary>
    public Task WaitUntilHeldAsync(TimeSpan deadline) => _held.Task.WaitAsync(deadline);

    /// <summary>Wraps the last <see cref="IWalletStore"/> registration of the silo.</summary>
    public void AddTo(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IWalletStore));
        services.Remove(original);
        services.AddSingleton<IWalletStore>(sp => new Store(this, (IWalletStore)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }

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

    /// <summary>The commit when sends are held: after the gate opens and every held commit before it was passed on.</summary>
    private Task<AccountRecord>? TryHoldSend(AccountWrite write, Func<Task<AccountRecord>> commit)
    {
        if (write.Inserted.Length == 0)
        {
            return null;
        }

        Task gate;
        Task before;
        int index;
        var passedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sendGateLock)
        {
            if (_sendGate is null)
            {
                return null;
            }

            gate = _sendGate.Task;
            before = _sendsPassedOn;
            _sendsPassedOn = passedOn.Task;
            index = _sendsHeld++;
        }

        return PassOnAsync();

        async Task<AccountRecord> PassOnAsync()
        {
            await gate;
            await before;
            Task<AccountRecord> written;
            lock (_sendGateLock)
            {
                written = index == 0 && _failFirstSend
                    ? Task.FromException<AccountRecord>(new IOException("The database is unreachable (a fault the test injected)."))
                    : commit();
            }

            passedOn.TrySetResult();
            return await written;
        }
    }

    private sealed class Store(CommitFaults faults, IWalletStore inner) : DelegatingWalletStore(inner)
    {
        public override Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
        {
            if (faults.TryHoldSend(write, () => base.CommitAsync(write, cancellationToken)) is { } held)
            {
                return held;
            }

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
