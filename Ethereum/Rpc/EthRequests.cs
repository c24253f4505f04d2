using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>Typed <c>eth_*</c> requests, for single calls and for <see cref="RpcBatch"/>es alike.</summary>
public static class EthRequests
{
    /// <summary><c>eth_chainId</c> (EIP-695).</summary>
    public static RpcRequest<ulong> ChainId() => new("eth_chainId", [], RpcJson.ParseUInt64);

    /// <summary><c>eth_blockNumber</c>: the head's number.</summary>
    public static RpcRequest<ulong> BlockNumber() => new("eth_blockNumber", [], RpcJson.ParseUInt64);

    /// <summary><c>eth_getBalance</c> in wei.</summary>
    public static RpcRequest<UInt256> GetBalance(Address address, BlockParameter block) =>
        new("eth_getBalance", [address.ToLowerHex(), block.ToString()], RpcJson.ParseQuantity);

    /// <summary><c>eth_getTransactionCount</c>: the next nonce at <paramref name="block"/> (use <see cref="BlockParameter.Pending"/> to count the pool).</summary>
    public static RpcRequest<ulong> GetTransactionCount(Address address, BlockParameter block) =>
        new("eth_getTransactionCount", [address.ToLowerHex(), block.ToString()], RpcJson.ParseUInt64);

    /// <summary><c>eth_getBlockByNumber</c>; null when the block does not exist.</summary>
    public static RpcRequest<RpcBlock?> GetBlockByNumber(BlockParameter block, bool fullTransactions = false) =>
        new("eth_getBlockByNumber", [block.ToString(), fullTransactions], RpcBlock.FromJson);

    /// <summary><c>eth_getBlockByHash</c>; null when the block is unknown (for example after a reorg).</summary>
    public static RpcRequest<RpcBlock?> GetBlockByHash(Bytes32 hash, bool fullTransactions = false) =>
        new("eth_getBlockByHash", [hash.ToString(), fullTransactions], RpcBlock.FromJson);

    /// <summary><c>eth_call</c>: the return data of a read-only call.</summary>
    public static RpcRequest<byte[]> Call(RpcCallRequest call, BlockParameter block)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new("eth_call", [call.ToJson(), block.ToString()], RpcJson.ParseData);
    }

    /// <summary><c>eth_estimateGas</c>; the block is left out when null (the node's default, usually latest or pending).</summary>
    public static RpcRequest<ulong> EstimateGas(RpcCallRequest call, BlockParameter? block = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        JsonNode?[] parameters = block is { } b ? [call.ToJson(), b.ToString()] : [call.ToJson()];
        return new("eth_estimateGas", parameters, RpcJson.ParseUInt64);
    }

    /// <summary><c>eth_feeHistory</c> over <paramref name="blockCount"/> blocks ending at <paramref name="newest"/>, with priority-fee percentiles (0..100, ascending).</summary>
    public static RpcRequest<RpcFeeHistory> FeeHistory(ulong blockCount, BlockParameter newest, IReadOnlyList<double>? rewardPercentiles = null)
    {
        var percentiles = new JsonArray();
        var previous = 0.0;
        foreach (var p in rewardPercentiles ?? [])
        {
            if (p is < 0 or > 100 || p < previous)
            {
                throw new ArgumentException($"Reward percentiles must ascend within 0..100; got {p} after {previous}.", nameof(rewardPercentiles));
            }

            previous = p;
            percentiles.Add((JsonNode)JsonValue.Create(p));
        }

        return new("eth_feeHistory", [RpcJson.Quantity(blockCount), newest.ToString(), percentiles], RpcFeeHistory.FromJson);
    }

    /// <summary><c>eth_maxPriorityFeePerGas</c>: the node's suggested tip.</summary>
    public static RpcRequest<UInt256> MaxPriorityFeePerGas() => new("eth_maxPriorityFeePerGas", [], RpcJson.ParseQuantity);

    /// <summary><c>eth_gasPrice</c>: the node's suggested legacy gas price.</summary>
    public static RpcRequest<UInt256> GasPrice() => new("eth_gasPrice", [], RpcJson.ParseQuantity);

    /// <summary><c>eth_sendRawTransaction</c>: broadcasts signed bytes and returns the transaction hash.</summary>
    public static RpcRequest<Bytes32> SendRawTransaction(ReadOnlySpan<byte> signedTransaction) =>
        new("eth_sendRawTransaction", [HexConvert.ToHex(signedTransaction)], RpcJson.ParseBytes32);

    /// <summary><c>eth_getTransactionReceipt</c>; null while the transaction is not mined (or unknown).</summary>
    public static RpcRequest<RpcReceipt?> GetTransactionReceipt(Bytes32 hash) =>
        new("eth_getTransactionReceipt", [hash.ToString()], RpcReceipt.FromJson);

    /// <summary>
    /// <c>eth_getBlockReceipts</c> of the block with this hash: every receipt in transaction order, or null when the
    /// node does not know the block. Not every node serves it (a node without it answers method-not-found).
    /// </summary>
    public static RpcRequest<IReadOnlyList<RpcReceipt>?> GetBlockReceipts(Bytes32 blockHash) =>
        new("eth_getBlockReceipts", [blockHash.ToString()], e => e.ValueKind == JsonValueKind.Null ? null : RpcJson.ParseArray(e, r => RpcReceipt.FromJson(r) ?? throw new FormatException("eth_getBlockReceipts answered a null receipt.")));

    /// <summary><c>eth_getTransactionByHash</c>; null when the node does not know it.</summary>
    public static RpcRequest<RpcTransaction?> GetTransactionByHash(Bytes32 hash) =>
        new("eth_getTransactionByHash", [hash.ToString()], RpcTransaction.FromJson);

    /// <summary><c>eth_getLogs</c>.</summary>
    public static RpcRequest<IReadOnlyList<RpcLog>> GetLogs(RpcLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new("eth_getLogs", [filter.ToJson()], e => RpcJson.ParseArray(e, RpcLog.FromJson));
    }

    /// <summary><c>eth_getCode</c>: the runtime bytecode at an address (empty for an account without code).</summary>
    public static RpcRequest<byte[]> GetCode(Address address, BlockParameter block) =>
        new("eth_getCode", [address.ToLowerHex(), block.ToString()], RpcJson.ParseData);
}
