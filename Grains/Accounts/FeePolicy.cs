using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Picks the fees of a new transaction from the market quote and the caps (request and chain), or
/// says why it cannot: a cap below the current base fee would never be included (fee_cap_exceeded).
/// </summary>
internal static class FeePolicy
{
    /// <summary>Fees for a new transaction, or an error; the request's fee fields are caps.</summary>
    public static (TransactionFees? Fees, WalletError? Error) ForNewTransaction(SendCommand command, FeeQuote quote, ChainOptions chain)
    {
        var chainCap = chain.MaxFeePerGasCapWei;
        if (chain.Eip1559)
        {
            if (command.GasPrice is not null)
            {
                return (null, new WalletError(WalletErrorCodes.InvalidRequest,
                    $"gasPrice is for chains configured without EIP-1559; chain {chain.ChainId} takes maxFeePerGas and maxPriorityFeePerGas."));
            }

            var cap = UInt256.Min(command.MaxFeePerGas ?? chainCap, chainCap);
            if (cap < quote.BaseFeePerGas)
            {
                return (null, new WalletError(WalletErrorCodes.FeeCapExceeded,
                    $"maxFeePerGas cap {cap} is below the current base fee {quote.BaseFeePerGas} of chain {chain.ChainId}."));
            }

            var maxFee = UInt256.Min(quote.MaxFeePerGas, cap);
            var tip = UInt256.Min(UInt256.Min(quote.MaxPriorityFeePerGas, command.MaxPriorityFeePerGas ?? quote.MaxPriorityFeePerGas), maxFee);
            return (new TransactionFees(maxFee, tip, null), null);
        }

        if (command.MaxFeePerGas is not null || command.MaxPriorityFeePerGas is not null)
        {
            return (null, new WalletError(WalletErrorCodes.InvalidRequest,
                $"chain {chain.ChainId} is configured for legacy transactions: give gasPrice, not maxFeePerGas/maxPriorityFeePerGas."));
        }

        var priceCap = UInt256.Min(command.GasPrice ?? chainCap, chainCap);
        if (priceCap < quote.BaseFeePerGas)
        {
            return (null, new WalletError(WalletErrorCodes.FeeCapExceeded,
                $"gasPrice cap {priceCap} is below the current base fee {quote.BaseFeePerGas} of chain {chain.ChainId}."));
        }

        return (new TransactionFees(null, null, UInt256.Min(quote.GasPrice, priceCap)), null);
    }
}

/// <summary>The fee fields of one signed attempt: EIP-1559 pair, or a legacy gas price.</summary>
internal sealed record TransactionFees(UInt256? MaxFeePerGas, UInt256? MaxPriorityFeePerGas, UInt256? GasPrice)
{
    /// <summary>The most this attempt may pay per gas.</summary>
    public UInt256 PerGasCeiling => MaxFeePerGas ?? GasPrice ?? UInt256.Zero;
}
