using System.Diagnostics;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Balances;

namespace WalletGrains.Bench.Balances;

/// <summary>
/// The comparison: one JSON-RPC request (one HTTP POST) per balance — eth_getBalance for the native coin, eth_call
/// balanceOf per token — pinned to the same block, a few in flight at once.
/// </summary>
internal static class NaiveReader
{
    public static async Task<(UInt256?[] Values, TimeSpan Elapsed)> ReadAsync(EthRpcClient rpc, IReadOnlyList<BalanceKey> keys, ulong block, int concurrency)
    {
        var values = new UInt256?[keys.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys.Count)
            {
                var key = keys[i];
                try
                {
                    values[i] = key.Token is { } token
                        ? Erc20.TryDecodeUInt256(await rpc.EthCallAsync(new RpcCallRequest { To = token, Data = Erc20.EncodeBalanceOf(key.Address) }, block), out var v) ? v : null
                        : await rpc.GetBalanceAsync(key.Address, block);
                }
                catch (RpcException e) when (e.Kind == RpcErrorKind.ExecutionReverted)
                {
                    values[i] = null;
                }
            }
        }));
        return (values, clock.Elapsed);
    }
}
