using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Chains;

/// <summary>The configured chains and, per chain, its RPC client and fee estimator.</summary>
public interface IChainRegistry
{
    IReadOnlyList<ChainContext> Chains { get; }

    bool TryGet(ulong chainId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChainContext? chain);
}

/// <summary>One configured chain at run time.</summary>
public sealed class ChainContext(ChainOptions options, EthRpcClient rpc, IFeeEstimator fees, EthRpcClient? broadcasts = null)
{
    public ChainOptions Options { get; } = options;

    public ulong ChainId => Options.ChainId;

    public EthRpcClient Rpc { get; } = rpc;

    /// <summary>
    /// The client <c>eth_sendRawTransaction</c> goes through: one of its own, whose requests queue and merge behind
    /// <see cref="ChainOptions.MaxConcurrentBroadcasts"/> POSTs in flight, or <see cref="Rpc"/> itself when that is 0.
    /// </summary>
    public EthRpcClient Broadcasts { get; } = broadcasts ?? rpc;

    public IFeeEstimator Fees { get; } = fees;

    /// <summary>
    /// Which addresses hold code, as last read: a plain transfer to an address without code costs
    /// exactly 21,000 gas, so the send path skips eth_estimateGas for it. Entries expire, since code
    /// can appear at an address later (CREATE2).
    /// </summary>
    public CodePresenceCache Code { get; } = new();

    /// <summary>The phases at which this chain's accounts poll, spread over the interval.</summary>
    public PollPhases PollPhases { get; } = new();
}

/// <summary>A small expiring cache of "does this address hold code".</summary>
public sealed class CodePresenceCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 100_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Address, (bool HasCode, long ExpiresAtTicks)> _entries = new();

    /// <summary>True with the answer when a fresh entry exists.</summary>
    public bool TryGet(Address address, DateTimeOffset now, out bool hasCode)
    {
        if (_entries.TryGetValue(address, out var entry) && entry.ExpiresAtTicks > now.UtcTicks)
        {
            hasCode = entry.HasCode;
            return true;
        }

        hasCode = false;
        return false;
    }

    public void Set(Address address, bool hasCode, DateTimeOffset now)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[address] = (hasCode, (now + Lifetime).UtcTicks);
    }
}

/// <summary>Market fees, cached per block per chain.</summary>
public interface IFeeEstimator
{
    /// <summary>The current quote; reads eth_feeHistory at most once per new block.</summary>
    ValueTask<FeeQuote> GetQuoteAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Fees at one block. <see cref="MaxFeePerGas"/> has headroom over the base fee (2 × base fee + tip) so a
/// transaction survives several full blocks of base-fee growth (EIP-1559: at most +12.5 % a block).
/// </summary>
public sealed record FeeQuote(ulong BlockNumber, UInt256 BaseFeePerGas, UInt256 MaxPriorityFeePerGas, UInt256 MaxFeePerGas, UInt256 GasPrice);
