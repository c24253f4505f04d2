using System.Text.Json;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// The result of <c>eth_feeHistory</c>: base fees of the range plus the next block (one more entry
/// than blocks), gas-used ratios, and the requested priority-fee percentiles per block.
/// </summary>
public sealed record RpcFeeHistory(
    ulong OldestBlock,
    IReadOnlyList<UInt256> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<UInt256>> Reward)
{
    /// <summary>Reads the result object.</summary>
    public static RpcFeeHistory FromJson(JsonElement e) => new(
        RpcJson.ParseUInt64(RpcJson.Required(e, "oldestBlock")),
        RpcJson.ParseArray(RpcJson.Required(e, "baseFeePerGas"), RpcJson.ParseQuantity),
        RpcJson.ParseArray(RpcJson.Required(e, "gasUsedRatio"), r => r.ValueKind == JsonValueKind.Number
            ? r.GetDouble()
            : throw new FormatException($"Expected a number in gasUsedRatio, got {RpcJson.Show(r)}.")),
        RpcJson.TryGetOptional(e, "reward", out var reward)
            ? RpcJson.ParseArray(reward, block => RpcJson.ParseArray(block, RpcJson.ParseQuantity))
            : []);
}
