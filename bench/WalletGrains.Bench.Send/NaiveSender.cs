using System.Diagnostics;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Bench.Send;

/// <summary>What one naive send got: the nonce it used and the node's rejection, if any.</summary>
internal sealed record NaiveOutcome(ulong Nonce, RpcErrorKind? Rejection, string? Message);

/// <summary>The naive run's numbers: node answers, and nonces actually used on chain afterwards.</summary>
/// <param name="OnChainNonces">The account's confirmed transaction count once its pool drained: distinct nonces that got a transaction.</param>
internal sealed record NaiveRun(LoadRun Load, IReadOnlyList<NaiveOutcome> Outcomes, ulong OnChainNonces)
{
    public int Attempted => Outcomes.Count;

    public int AcceptedByNode => Outcomes.Count(o => o.Rejection is null);

    /// <summary>Distinct nonces among the sends the node accepted (two accepted sends on one nonce: one silently replaced the other).</summary>
    public int DistinctAcceptedNonces => Outcomes.Where(o => o.Rejection is null).Select(o => o.Nonce).Distinct().Count();

    /// <summary>Sends that did not get a nonce of their own on chain: rejected outright or silently replaced.</summary>
    public long Collisions => Attempted - (long)OnChainNonces;
}

/// <summary>
/// What a service without a nonce owner does per request: ask the node for the pending nonce, sign
/// an EIP-1559 transfer with it, broadcast. Concurrent requests read the same count and collide.
/// </summary>
internal sealed class NaiveSender(EthRpcClient rpc, PrivateKeySigner signer, ulong chainId, UInt256 maxFeePerGas, UInt256 maxPriorityFeePerGas, Address to)
{
    public Address Address => signer.Address;

    public async Task<NaiveOutcome> SendAsync(UInt256 value)
    {
        var nonce = await rpc.GetTransactionCountAsync(signer.Address, BlockParameter.Pending);
        var signed = signer.Sign(new Eip1559Transaction
        {
            ChainId = chainId,
            Nonce = nonce,
            GasLimit = 21_000,
            To = to,
            Value = value,
            MaxFeePerGas = maxFeePerGas,
            MaxPriorityFeePerGas = maxPriorityFeePerGas,
        });
        var result = await rpc.TrySendRawTransactionAsync(signed.Raw);
        return new NaiveOutcome(nonce, result.Error?.Kind, result.Error?.RpcMessage ?? result.Error?.Message);
    }

    /// <summary>
    /// <paramref name="count"/> sends with <paramref name="concurrency"/> outstanding (the service's
    /// burst), then waits until the node's pool holds nothing of this account and reads how many nonces
    /// it used.
    /// </summary>
    public async Task<NaiveRun> BurstAsync(int count, int concurrency, TimeSpan settleDeadline)
    {
        var latency = new double[count];
        var outcomes = new NaiveOutcome[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                outcomes[i] = await SendAsync(1000UL + (ulong)i);
                latency[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var load = new LoadRun(latency, [.. outcomes.Select(o => o.Rejection is null ? LoadRun.Accepted : "node " + o.Rejection)], elapsed, 0);
        return new NaiveRun(load, outcomes, await SettledNonceAsync(settleDeadline));
    }

    /// <summary>The confirmed transaction count once it equals the pending one (the pool holds nothing of ours).</summary>
    private async Task<ulong> SettledNonceAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var latest = await rpc.GetTransactionCountAsync(signer.Address, BlockParameter.Latest);
            var pending = await rpc.GetTransactionCountAsync(signer.Address, BlockParameter.Pending);
            if (latest == pending || clock.Elapsed > deadline)
            {
                return latest;
            }

            // Poll the observable condition (the pool drained into blocks) until the deadline.
            await Task.Delay(250);
        }
    }

    /// <summary>Rejections by kind, with one message of each.</summary>
    public static IReadOnlyList<(RpcErrorKind Kind, int Count, string? Example)> Rejections(IEnumerable<NaiveOutcome> outcomes)
    {
        return [.. outcomes.Where(o => o.Rejection is not null)
            .GroupBy(o => o.Rejection!.Value)
            .OrderByDescending(g => g.Count())
            .Select(g => (g.Key, g.Count(), g.First().Message))];
    }
}
