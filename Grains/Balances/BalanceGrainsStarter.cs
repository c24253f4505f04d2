using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// At start-up, activates the <see cref="IBalanceGrain"/> of every configured chain, so balances are followed from the
/// first block on (afterwards each grain's reminder keeps it active).
/// </summary>
public sealed class BalanceGrainsStarter(IChainRegistry chains, IGrainFactory grains, ILogger<BalanceGrainsStarter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var chain in chains.Chains)
        {
            try
            {
                await grains.GetGrain<IBalanceGrain>(BalanceGrainKey.For(chain.ChainId)).EnsureActiveAsync();
                started++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage may be briefly unavailable: one chain must not stop the host; the grain's reminder (or the
                // next call) activates it later.
                BalanceLog.StartFailed(logger, chain.ChainId, e.Message);
            }
        }

        BalanceLog.Started(logger, started);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
