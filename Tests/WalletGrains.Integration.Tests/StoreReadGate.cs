using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// Sits in front of the silo's wallet store and, on demand, keeps every read of an account row (alone or with its live transactions) waiting until
/// released: a database that is slow to answer an activation.
/// </summary>
public sealed class StoreReadGate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _release;
    private int _waiting;

    /// <summary>Account reads waiting right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Account reads wait from now on, until <see cref="Release"/>.</summary>
    public void Hold() => Interlocked.CompareExchange(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Lets the held reads go and holds nothing more.</summary>
    public void Release() => Interlocked.Exchange(ref _release, null)?.TrySetResult();

    /// <summary>Completes once an account read is being held.</summary>
    public Task WaitUntilHeldAsync(TimeSpan deadline) => _reached.Task.WaitAsync(deadline);

    /// <summary>Wraps the last <see cref="IWalletStore"/> registration of the silo.</summary>
    public void AddTo(IServiceCollection services) => WalletStoreDecoration.Wrap(services, inner => new Store(this, inner));

    private sealed class Store(StoreReadGate gate, IWalletStore inner) : DelegatingWalletStore(inner)
    {
        public override async Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
        {
            await HoldAsync(cancellationToken);
            return await base.GetAccountAsync(chainId, address, cancellationToken);
        }

        public override async Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
        {
            await HoldAsync(cancellationToken);
            return await base.GetAccountSnapshotAsync(chainId, address, cancellationToken);
        }

        private async Task HoldAsync(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref gate._release) is { } release)
            {
                Interlocked.Increment(ref gate._waiting);
                gate._reached.TrySetResult();
                try
                {
                    await release.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref gate._waiting);
                }
            }
        }
    }
}
