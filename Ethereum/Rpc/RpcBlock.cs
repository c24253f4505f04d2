using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// A block from <c>eth_getBlockByNumber</c>/<c>eth_getBlockByHash</c>: the header fields the
/// wallet uses, the transaction hashes, and the transactions themselves when requested in full.
/// Pending blocks without a hash are not representable and fail to parse.
/// </summary>
public sealed record RpcBlock(
    ulong Number,
    Bytes32 Hash,
    Bytes32 ParentHash,
    ulong Timestamp,
    UInt256? BaseFeePerGas,
    ulong GasLimit,
    ulong GasUsed,
    IReadOnlyList<Bytes32> TransactionHashes,
    IReadOnlyList<RpcTransaction>? Transactions)
{
    /// <summary>Reads a block object; null for a JSON null (unknown block).</summary>
    public static RpcBlock? FromJson(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        IReadOnlyList<RpcTransaction>? full = null;
        IReadOnlyList<Bytes32> hashes = [];
        if (RpcJson.TryGetOptional(e, "transactions", out var txs) && txs.ValueKind == JsonValueKind.Array && txs.GetArrayLength() > 0)
        {
            if (txs[0].ValueKind == JsonValueKind.Object)
            {
                full = RpcJson.ParseArray(txs, t => RpcTransaction.FromJson(t)!);
                hashes = [.. full.Select(t => t.Hash)];
            }
            else
            {
                hashes = RpcJson.ParseArray(txs, RpcJson.ParseBytes32);
            }
        }

        return new RpcBlock(
            RpcJson.ParseUInt64(RpcJson.Required(e, "number")),
            RpcJson.ParseBytes32(RpcJson.Required(e, "hash")),
            RpcJson.ParseBytes32(RpcJson.Required(e, "parentHash")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "timestamp")),
            RpcJson.TryGetOptional(e, "baseFeePerGas", out var baseFee) ? RpcJson.ParseQuantity(baseFee) : null,
            RpcJson.ParseUInt64(RpcJson.Required(e, "gasLimit")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "gasUsed")),
            hashes,
            full);
    }
}

/// <summary>A transaction from <c>eth_getTransactionByHash</c> or a full block; block fields are null while pending.</summary>
public sealed record RpcTransaction(
    Bytes32 Hash,
    Address From,
    Address? To,
    UInt256 Value,
    ulong Nonce,
    byte[] Input,
    ulong Gas,
    byte Type,
    UInt256? GasPrice,
    UInt256? MaxFeePerGas,
    UInt256? MaxPriorityFeePerGas,
    ulong? ChainId,
    Bytes32? BlockHash,
    ulong? BlockNumber,
    ulong? TransactionIndex)
{
    /// <summary>Reads a transaction object; null for a JSON null (unknown transaction).</summary>
    public static RpcTransaction? FromJson(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = RpcJson.TryGetOptional(e, "type", out var t) ? RpcJson.ParseUInt64(t) : 0;
        if (type > byte.MaxValue)
        {
            throw new FormatException($"Transaction type {type} is not a byte.");
        }

        return new RpcTransaction(
            RpcJson.ParseBytes32(RpcJson.Required(e, "hash")),
            RpcJson.ParseAddress(RpcJson.Required(e, "from")),
            RpcJson.TryGetOptional(e, "to", out var to) ? RpcJson.ParseAddress(to) : null,
            RpcJson.ParseQuantity(RpcJson.Required(e, "value")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "nonce")),
            RpcJson.ParseData(RpcJson.Required(e, "input")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "gas")),
            (byte)type,
            OptionalQuantity(e, "gasPrice"),
            OptionalQuantity(e, "maxFeePerGas"),
            OptionalQuantity(e, "maxPriorityFeePerGas"),
            RpcJson.TryGetOptional(e, "chainId", out var chainId) ? RpcJson.ParseUInt64(chainId) : null,
            RpcJson.TryGetOptional(e, "blockHash", out var blockHash) ? RpcJson.ParseBytes32(blockHash) : null,
            RpcJson.TryGetOptional(e, "blockNumber", out var blockNumber) ? RpcJson.ParseUInt64(blockNumber) : null,
            RpcJson.TryGetOptional(e, "transactionIndex", out var index) ? RpcJson.ParseUInt64(index) : null);
    }

    private static UInt256? OptionalQuantity(JsonElement e, string name) =>
        RpcJson.TryGetOptional(e, name, out var v) ? RpcJson.ParseQuantity(v) : null;
}
