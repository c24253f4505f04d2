using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.Operations;

/// <summary>
/// Ready when the wallet's storage answers a query over its tables (<see cref="IWalletStore.CountAsync"/> reads
/// every wallet table, so it also proves the migrations were applied) within the readiness timeout.
/// </summary>
internal sealed class StorageReadinessCheck(IWalletStore store, IOptions<OperationsOptions> options, ILogger<StorageReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "storage";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.ReadinessTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await store.CountAsync(limit.Token).WaitAsync(limit.Token);
            return HealthCheckResult.Healthy("The wallet tables answer.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unhealthy($"no answer within {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any failure (connection refused, missing table before migrations) means not ready; the reason is reported.
            return Unhealthy(e.Message, e);
        }
    }

    private HealthCheckResult Unhealthy(string reason, Exception? exception)
    {
        OperationsLog.StorageNotReady(logger, reason);
        return HealthCheckResult.Unhealthy($"Storage: {reason}", exception);
    }
}

/// <summary>
/// Ready when every configured chain answers <c>eth_blockNumber</c> within the readiness timeout (the chains are
/// asked in parallel). The description names each chain that did not answer; the data holds each chain's
/// latest block number or error.
/// </summary>
internal sealed class ChainRpcReadinessCheck(IChainRegistry chains, IOptions<OperationsOptions> options, ILogger<ChainRpcReadinessCheck> logger) : IHealthCheck
{
    public const string Name = "chains";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.ReadinessTimeout;
        var answers = await Task.WhenAll(chains.Chains.Select(chain => AskAsync(chain, timeout, cancellationToken)));
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (chain, block, error) in answers)
        {
            var key = "chain " + chain.ChainId.ToString(CultureInfo.InvariantCulture);
            if (error is null)
            {
                data[key] = "block " + block.ToString(CultureInfo.InvariantCulture);
                continue;
            }

            data[key] = error;
            failures.Add($"{Label(chain)}: {error}");
            OperationsLog.ChainNotReady(logger, chain.ChainId, chain.Options.Name, error);
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{answers.Length.ToString(CultureInfo.InvariantCulture)} chain(s) answer.", data)
            : HealthCheckResult.Unhealthy("RPC not answering: " + string.Join("; ", failures), data: data);
    }

    private static async Task<(ChainContext Chain, ulong Block, string? Error)> AskAsync(ChainContext chain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return (chain, await chain.Rpc.SendAsync(EthRequests.BlockNumber(), timeout, cancellationToken), null);
        }
        catch (RpcException e)
        {
            // RPC URLs may carry provider keys; the client's messages show scheme and host only.
            return (chain, 0, e.Message);
        }
    }

    private static string Label(ChainContext chain) =>
        string.IsNullOrWhiteSpace(chain.Options.Name)
            ? "chain " + chain.ChainId.ToString(CultureInfo.InvariantCulture)
            : $"chain {chain.ChainId.ToString(CultureInfo.InvariantCulture)} ({chain.Options.Name})";
}
