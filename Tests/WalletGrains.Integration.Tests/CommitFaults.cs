using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// Sits in front of the silo's wallet store and, on demand, fails the next account commits before they reach it:
/// a database that is briefly unreachable. Nothing of a failed commit is written.
/// </summary>
public sealed class CommitFaults
{
    private int _toFail;
    private int _failed;

    /// <summary>Commits that failed so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The next <paramref name="count"/> commits fail.</summary>
    public void FailNext(int count) => Volatile.Write(ref _toFail, count);

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

    private sealed class Store(CommitFaults faults, IWalletStore inner) : DelegatingWalletStore(inner)
    {
        public override Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default) =>
            faults.TakeFault()
                ? Task.FromException<AccountRecord>(new IOException("The database is unreachable (a fault the test injected)."))
                : base.CommitAsync(write, cancellationToken);
    }
}
