namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// What a failed JSON-RPC call means for the send path, whichever node produced it. The wording
/// of each node is mapped in <see cref="RpcErrorClassifier"/>; invariant 6 of DESIGN.md needs
/// several of these recognised as outcomes rather than surfaced as errors.
/// </summary>
public enum RpcErrorKind
{
    /// <summary>Not recognised; treat as a hard failure of this call.</summary>
    Unknown,

    /// <summary>The nonce was already used on chain (maybe by this very transaction).</summary>
    NonceTooLow,

    /// <summary>The nonce leaves a gap the node does not accept.</summary>
    NonceTooHigh,

    /// <summary>The node already holds this exact transaction (same hash).</summary>
    AlreadyKnown,

    /// <summary>Another transaction with this nonce is pending and the new fees do not beat it by the node's bump rule.</summary>
    ReplacementUnderpriced,

    /// <summary>The fee is below the node's pool minimum (not a replacement).</summary>
    Underpriced,

    /// <summary>The balance does not cover gas limit × fee cap + value.</summary>
    InsufficientFunds,

    /// <summary>The gas limit is below the intrinsic cost (21000 plus calldata and access list).</summary>
    IntrinsicGasTooLow,

    /// <summary>maxFeePerGas (or gasPrice) is below the current block's base fee.</summary>
    FeeCapBelowBaseFee,

    /// <summary>The gas limit exceeds what a block can hold.</summary>
    ExceedsBlockGasLimit,

    /// <summary>The node's pool has no room (globally or for this account).</summary>
    TxPoolFull,

    /// <summary>The EVM reverted (eth_call, eth_estimateGas); revert data is attached when the node sent it.</summary>
    ExecutionReverted,

    /// <summary>The provider throttles us (HTTP 429, -32005, "rate limit" messages).</summary>
    RateLimited,

    /// <summary>The endpoint cannot be reached or answers with HTTP 5xx.</summary>
    ServerUnavailable,

    /// <summary>No answer within the call's timeout.</summary>
    Timeout,
}
