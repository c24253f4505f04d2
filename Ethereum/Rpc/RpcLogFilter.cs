using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// The filter of <c>eth_getLogs</c>. <see cref="Topics"/> is positional: each position is null
/// (any topic) or a list of alternatives (OR); positions are ANDed.
/// </summary>
public sealed record RpcLogFilter
{
    /// <summary>First block of the range (inclusive).</summary>
    public BlockParameter FromBlock { get; init; } = BlockParameter.Latest;

    /// <summary>Last block of the range (inclusive).</summary>
    public BlockParameter ToBlock { get; init; } = BlockParameter.Latest;

    /// <summary>One block by hash instead of a range (EIP-234); when set, the range is not sent.</summary>
    public Bytes32? BlockHash { get; init; }

    /// <summary>Emitting contracts; null or empty for any.</summary>
    public IReadOnlyList<Address>? Addresses { get; init; }

    /// <summary>Topic positions: null for any, else the alternatives for that position.</summary>
    public IReadOnlyList<IReadOnlyList<Bytes32>?>? Topics { get; init; }

    /// <summary>The JSON-RPC object form.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        if (BlockHash is { } hash)
        {
            obj["blockHash"] = hash.ToString();
        }
        else
        {
            obj["fromBlock"] = FromBlock.ToString();
            obj["toBlock"] = ToBlock.ToString();
        }

        if (Addresses is { Count: > 0 } addresses)
        {
            obj["address"] = addresses.Count == 1
                ? addresses[0].ToLowerHex()
                : new JsonArray([.. addresses.Select(a => (JsonNode?)JsonValue.Create(a.ToLowerHex()))]);
        }

        if (Topics is { Count: > 0 } topics)
        {
            var array = new JsonArray();
            foreach (var position in topics)
            {
                JsonNode? alternatives = position is null
                    ? null
                    : new JsonArray([.. position.Select(t => (JsonNode?)JsonValue.Create(t.ToString()))]);
                array.Add(alternatives);
            }

            obj["topics"] = array;
        }

        return obj;
    }
}
