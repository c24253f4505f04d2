using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>A receipt from <c>eth_getTransactionReceipt</c>.</summary>
public sealed record RpcReceipt(
    Bytes32 TransactionHash,
    ulong TransactionIndex,
    Bytes32 BlockHash,
    ulong BlockNumber,
    Address From,
    Address? To,
    Address? ContractAddress,
    ulong GasUsed,
    ulong CumulativeGasUsed,
    UInt256? EffectiveGasPrice,
    byte? Status,
    byte Type,
    IReadOnlyList<RpcLog> Logs)
{
    /// <summary>True when <see cref="Status"/> is 1 (EIP-658); pre-Byzantium receipts have no status.</summary>
    public bool Succeeded => Status == 1;

    /// <summary>Reads a receipt object; null for a JSON null (unknown or not yet mined).</summary>
    public static RpcReceipt? FromJson(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        byte? status = null;
        if (RpcJson.TryGetOptional(e, "status", out var s))
        {
            var value = RpcJson.ParseUInt64(s);
            status = value <= 1 ? (byte)value : throw new FormatException($"Receipt status {value} is neither 0 nor 1.");
        }

        var type = RpcJson.TryGetOptional(e, "type", out var t) ? RpcJson.ParseUInt64(t) : 0;
        return new RpcReceipt(
            RpcJson.ParseBytes32(RpcJson.Required(e, "transactionHash")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "transactionIndex")),
            RpcJson.ParseBytes32(RpcJson.Required(e, "blockHash")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "blockNumber")),
            RpcJson.ParseAddress(RpcJson.Required(e, "from")),
            RpcJson.TryGetOptional(e, "to", out var to) ? RpcJson.ParseAddress(to) : null,
            RpcJson.TryGetOptional(e, "contractAddress", out var created) ? RpcJson.ParseAddress(created) : null,
            RpcJson.ParseUInt64(RpcJson.Required(e, "gasUsed")),
            RpcJson.ParseUInt64(RpcJson.Required(e, "cumulativeGasUsed")),
            RpcJson.TryGetOptional(e, "effectiveGasPrice", out var price) ? RpcJson.ParseQuantity(price) : null,
            status,
            type <= byte.MaxValue ? (byte)type : throw new FormatException($"Receipt type {type} is not a byte."),
            RpcJson.TryGetOptional(e, "logs", out var logs) ? RpcJson.ParseArray(logs, RpcLog.FromJson) : []);
    }
}

/// <summary>A log from a receipt or <c>eth_getLogs</c>; <see cref="Removed"/> is true when a reorg dropped it.</summary>
public sealed record RpcLog(
    Address Address,
    IReadOnlyList<Bytes32> Topics,
    byte[] Data,
    ulong? BlockNumber,
    Bytes32? BlockHash,
    Bytes32? TransactionHash,
    ulong? TransactionIndex,
    ulong? LogIndex,
    bool Removed)
{
    /// <summary>Reads a log object.</summary>
    public static RpcLog FromJson(JsonElement e) => new(
        RpcJson.ParseAddress(RpcJson.Required(e, "address")),
        RpcJson.ParseArray(RpcJson.Required(e, "topics"), RpcJson.ParseBytes32),
        RpcJson.ParseData(RpcJson.Required(e, "data")),
        RpcJson.TryGetOptional(e, "blockNumber", out var n) ? RpcJson.ParseUInt64(n) : null,
        RpcJson.TryGetOptional(e, "blockHash", out var h) ? RpcJson.ParseBytes32(h) : null,
        RpcJson.TryGetOptional(e, "transactionHash", out var th) ? RpcJson.ParseBytes32(th) : null,
        RpcJson.TryGetOptional(e, "transactionIndex", out var ti) ? RpcJson.ParseUInt64(ti) : null,
        RpcJson.TryGetOptional(e, "logIndex", out var li) ? RpcJson.ParseUInt64(li) : null,
        RpcJson.TryGetOptional(e, "removed", out var r) && RpcJson.ParseBool(r));
}
