using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

/// <summary>A pre-signed transaction from eip1559_signed.json (all signed by dev account 0).</summary>
internal sealed record RpcSignedTransaction(byte[] Raw, Bytes32 Hash, Address Sender, Address? To, UInt256 Value, ulong Nonce, UInt256 FeeCap, string Note)
{
    /// <summary>The type-2 case for a chain id and nonce.</summary>
    public static RpcSignedTransaction Eip1559(ulong chainId, ulong nonce) => Find("eip1559", chainId, nonce, "max_fee_per_gas");

    /// <summary>The legacy EIP-155 case for a chain id and nonce.</summary>
    public static RpcSignedTransaction Legacy(ulong chainId, ulong nonce) => Find("legacy_eip155", chainId, nonce, "gas_price");

    private static RpcSignedTransaction Find(string array, ulong chainId, ulong nonce, string feeField)
    {
        var c = VectorFile.Load("eip1559_signed.json")[array]!.AsArray()
            .Single(x => (string)x!["unsigned"]!["chain_id"]! == chainId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && (string)x["unsigned"]!["nonce"]! == nonce.ToString(System.Globalization.CultureInfo.InvariantCulture))!;
        var u = c["unsigned"]!;
        return new RpcSignedTransaction(
            HexConvert.FromHex((string)c["signed_raw"]!),
            Bytes32.Parse((string)c["tx_hash"]!),
            Address.Parse((string)c["sender"]!),
            u["to"] is JsonNode to ? Address.Parse((string)to!) : null,
            UInt256.Parse((string)u["value"]!),
            nonce,
            UInt256.Parse((string)u[feeField]!),
            $"{array} chain {chainId} nonce {nonce}");
    }
}
