using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// At start-up, activates the <see cref="IBalanceGrain"/> of every configured chain, so balances are followed from the
/// first block on (afterwards each grain's reminder keeps it active). A chain whose grain cannot start yet (storage
/// briefly unavailable) is retried in the background every <see cref="RetryInterval"/> until it starts or the host stops;
/// it never stops the host.
/// </summary>
public sealed class BalanceGrainsStarter(IChainRegistry chains, IGrainFactory grains, TimeProvider time, ILogger<BalanceGrainsStarter> logger) : IHostedService, IDisposable
{
    /// <summary>Wait between attempts to start a grain that failed to start.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retries = Task.CompletedTask;
    private int _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var failed = new List<ulong>();
        foreach (var chain in chains.Chains)
        {
            if (!await TryStartAsync(chain.ChainId))
            {
                failed.Add(chain.ChainId);
            }
        }

        BalanceLog.Started(logger, chains.Chains.Count - failed.Count);
        if (failed.Count > 0)
        {
            _retries = RetryAsync(failed, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may be stopped again after it was disposed (tests stop and dispose nodes more than once).
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _stopping.Dispose();
    }

    private async Task RetryAsync(List<ulong> chainIds, CancellationToken stopping)
    {
        try
        {
            while (chainIds.Count > 0)
            {
                await Task.Delay(RetryInterval, time, stopping);
                var started = new List<ulong>();
                foreach (var chainId in chainIds)
                {
                    if (await TryStartAsync(chainId))
                    {
                        started.Add(chainId);
                    }
                }

                chainIds.RemoveAll(started.Contains);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task<bool> TryStartAsync(ulong chainId)
    {
        try
        {
            await grains.GetGrain<IBalanceGrain>(BalanceGrainKey.For(chainId)).EnsureActiveAsync();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BalanceLog.StartFailed(logger, chainId, e.Message);
            return false;
        }
    }
}
