using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>The call object of <c>eth_call</c> and <c>eth_estimateGas</c>; unset members are left out.</summary>
public sealed record RpcCallRequest
{
    /// <summary>The callee; null for contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>The sender (matters for msg.sender, balance checks and nonces).</summary>
    public Address? From { get; init; }

    /// <summary>Calldata.</summary>
    public byte[]? Data { get; init; }

    /// <summary>Wei sent with the call.</summary>
    public UInt256? Value { get; init; }

    /// <summary>Gas limit.</summary>
    public ulong? Gas { get; init; }

    /// <summary>Legacy gas price.</summary>
    public UInt256? GasPrice { get; init; }

    /// <summary>EIP-1559 fee cap.</summary>
    public UInt256? MaxFeePerGas { get; init; }

    /// <summary>EIP-1559 priority fee.</summary>
    public UInt256? MaxPriorityFeePerGas { get; init; }

    /// <summary>The JSON-RPC object form.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        if (From is { } from)
        {
            obj["from"] = from.ToLowerHex();
        }

        if (To is { } to)
        {
            obj["to"] = to.ToLowerHex();
        }

        if (Gas is { } gas)
        {
            obj["gas"] = RpcJson.Quantity(gas);
        }

        if (GasPrice is { } gasPrice)
        {
            obj["gasPrice"] = gasPrice.ToHexQuantity();
        }

        if (MaxFeePerGas is { } maxFee)
        {
            obj["maxFeePerGas"] = maxFee.ToHexQuantity();
        }

        if (MaxPriorityFeePerGas is { } tip)
        {
            obj["maxPriorityFeePerGas"] = tip.ToHexQuantity();
        }

        if (Value is { } value)
        {
            obj["value"] = value.ToHexQuantity();
        }

        if (Data is { } data)
        {
            // "data" rather than the newer "input": every client and provider still accepts it.
            obj["data"] = HexConvert.ToHex(data);
        }

        return obj;
    }
}
