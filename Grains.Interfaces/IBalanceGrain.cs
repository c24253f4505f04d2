using System.Globalization;
using WalletGrains.Runtime;

namespace WalletGrains.Grains;

/// <summary>
/// The balances of one chain, keyed <c>"{chainId}"</c> (DESIGN.md §4): on each new head (an <c>eth_blockNumber</c> poll
/// on a timer, a slower reminder backing it up) it reads every followed (address, token) balance pinned to that block
/// with Multicall3 <c>aggregate3</c>, keeps the latest snapshot durable and emits <c>balance.changed</c> for differences.
/// Not reentrant: one refresh at a time.
/// </summary>
public interface IBalanceGrain : IGrainWithStringKey
{
    /// <summary>Activates the grain so its head poll runs (the start-up service calls it for every configured chain).</summary>
    Task EnsureActiveAsync();

    /// <summary>Reads every followed balance at the current head now, even when the head has not moved.</summary>
    Task<BalanceRefreshReport> RefreshAsync();

    /// <summary>The latest successful refresh, or null before the first.</summary>
    [ReadOnly]
    Task<BalanceRefreshReport?> GetLastRefreshAsync();
}

/// <summary>What one refresh did.</summary>
/// <param name="Addresses">Followed addresses.</param>
/// <param name="Balances">Followed (address, token) pairs, native included.</param>
/// <param name="Failed">Pairs whose read failed (kept at their last known value).</param>
/// <param name="Changed">Pairs whose balance changed (one <c>balance.changed</c> event each).</param>
/// <param name="Multicall">True when read through aggregate3, false on the eth_getBalance/eth_call fallback.</param>
/// <param name="EthCalls"><c>eth_call</c> requests sent (an aggregate3 chunk is one).</param>
/// <param name="GetBalances"><c>eth_getBalance</c> requests sent.</param>
public sealed record BalanceRefreshReport(
    ulong ChainId,
    ulong BlockNumber,
    DateTimeOffset At,
    TimeSpan Duration,
    int Addresses,
    int Balances,
    int Failed,
    int Changed,
    bool Multicall,
    int EthCalls,
    int GetBalances);

/// <summary>The key of a chain's <see cref="IBalanceGrain"/>.</summary>
public static class BalanceGrainKey
{
    /// <summary><c>"{chainId}"</c>, decimal.</summary>
    public static string For(ulong chainId) => chainId.ToString(CultureInfo.InvariantCulture);
}
