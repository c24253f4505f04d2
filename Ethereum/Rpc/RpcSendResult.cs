using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Abi;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// The outcome of broadcasting signed bytes: accepted, or the node's classified answer. The hash
/// is keccak256 of the bytes, so it is known even when the node rejects or never answers
/// (invariant 2 and 6 of DESIGN.md: every attempt is recognisable, rejections are outcomes).
/// </summary>
public sealed record RpcSendResult(Bytes32 Hash, RpcException? Error)
{
    /// <summary>True when the node accepted the transaction into its pool.</summary>
    public bool Accepted => Error is null;

    /// <summary>The classified rejection or transport failure; null when accepted.</summary>
    public RpcErrorKind? Kind => Error?.Kind;
}
