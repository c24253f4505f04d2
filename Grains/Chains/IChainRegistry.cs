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
public sealed class ChainContext(ChainOptions options, EthRpcClient rpc, IFeeEstimator fees)
{
    public ChainOptions Options { get; } = options;

    public ulong ChainId => Options.ChainId;

    public EthRpcClient Rpc { get; } = rpc;

    public IFeeEstimator Fees { get; } = fees;
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
