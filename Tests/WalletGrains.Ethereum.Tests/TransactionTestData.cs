using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Tests;

/// <summary>Builds transactions from the snake_case vector objects and compares decoded results with them.</summary>
internal static class TransactionTestData
{
    public static Transaction FromVector(JsonNode n)
    {
        var type = (int)n["type"]!;
        var chainId = ulong.Parse((string)n["chain_id"]!);
        var nonce = ulong.Parse((string)n["nonce"]!);
        var gasLimit = ulong.Parse((string)n["gas_limit"]!);
        var to = n["to"] is null ? (Address?)null : Address.Parse((string)n["to"]!);
        var value = UInt256.Parse((string)n["value"]!);
        var data = HexConvert.FromHex((string)n["data"]!);
        return type switch
        {
            0 => new LegacyTransaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data,
                GasPrice = UInt256.Parse((string)n["gas_price"]!),
            },
            1 => new Eip2930Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data,
                GasPrice = UInt256.Parse((string)n["gas_price"]!),
                AccessList = AccessList(n["access_list"]),
            },
            2 => new Eip1559Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data,
                MaxPriorityFeePerGas = UInt256.Parse((string)n["max_priority_fee_per_gas"]!),
                MaxFeePerGas = UInt256.Parse((string)n["max_fee_per_gas"]!),
                AccessList = AccessList(n["access_list"]),
            },
            _ => throw new InvalidOperationException($"Vector type {type} is not a supported transaction type."),
        };
    }

    public static List<AccessListEntry> AccessList(JsonNode? node)
    {
        var list = new List<AccessListEntry>();
        foreach (var entry in node?.AsArray() ?? [])
        {
            var keys = new List<Bytes32>();
            foreach (var key in entry!["storage_keys"]!.AsArray())
            {
                keys.Add(Bytes32.Parse((string)key!));
            }

            list.Add(new AccessListEntry(Address.Parse((string)entry["address"]!), keys));
        }

        return list;
    }

    /// <summary>Asserts every field the vector's <c>decoded</c> object lists.</summary>
    public static void AssertMatchesDecoded(JsonNode decoded, SignedTransaction signed, string name)
    {
        var expected = FromVector(decoded);
        Assert.True(expected.Equals(signed.Transaction), $"{name}: expected {expected}, decoded {signed.Transaction}");
        Assert.Equal((int)decoded["type"]!, (int)signed.Type);
        Assert.Equal((string)decoded["v"]!, signed.V.ToString());
        Assert.Equal((string)decoded["r"]!, HexConvert.ToHex(signed.Signature.R.ToBigEndian32()));
        Assert.Equal((string)decoded["s"]!, HexConvert.ToHex(signed.Signature.S.ToBigEndian32()));
        Assert.Equal(decoded["to"] is null ? null : (string)decoded["to"]!, signed.Transaction.To?.ToChecksumString());
    }
}
