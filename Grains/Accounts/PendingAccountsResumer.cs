using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// At start-up, activates every stored account of a configured chain whose key is custodied here, so
/// pending work resumes at once (re-broadcast of stored attempts, receipt checks) instead of waiting
/// for the account's reminder or its next request (invariant 2, crash recovery).
/// </summary>
public sealed partial class PendingAccountsResumer(
    IWalletStore store, IChainRegistry chains, IKeyStore keys, IGrainFactory grains, ILogger<PendingAccountsResumer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var account in await store.ListAccountsAsync(cancellationToken))
        {
            if (!chains.TryGet(account.ChainId, out _) || !keys.Contains(account.Address))
            {
                continue;
            }

            // Activation loads the live transactions and starts the poll loop when there are any.
            try
            {
                await grains.GetGrain<IAccountGrain>(GrainKeys.Account(account.ChainId, account.Address)).PollAsync();
                resumed++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The account's reminder retries later; one bad account must not stop the service.
                LogResumeFailed(logger, account.ChainId, account.Address.ToLowerHex(), e.Message);
            }
        }

        LogResumed(logger, resumed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Could not resume account {ChainId}:{Address}: {Reason}")]
    private static partial void LogResumeFailed(ILogger logger, ulong chainId, string address, string reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Resumed {Count} stored account(s)")]
    private static partial void LogResumed(ILogger logger, int count);
}
