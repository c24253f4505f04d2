using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

/// <summary>transactions.json: the EIP-155 example, ethereum/tests TransactionTests and transactions cut from BlockchainTests.</summary>
public sealed class TransactionVectorTests
{
    /// <summary>
    /// The fixtures run on chain id 1, and their INVALID_CHAINID cases are invalid relative to it
    /// (v = 39 is a well-formed EIP-155 signature for chain 2). So the cases are decoded the way a
    /// node on chain 1 would: with an expected chain id of 1, which rejects other chains at the
    /// signature layer and lets unprotected (v = 27/28) transactions through, as Cancun does.
    /// </summary>
    private const ulong FixtureChainId = 1;

    public static TheoryData<string, string> TransactionTests => VectorFile.Cases("transactions.json", "transaction_tests");

    public static TheoryData<string, string> BlockchainTxs => VectorFile.Cases("transactions.json", "blockchain_test_txs");

    [Fact]
    public void Eip155_example_signs_byte_for_byte()
    {
        var e = VectorFile.Load("transactions.json")["eip155_example"]!;
        var t = e["tx"]!;
        var tx = new LegacyTransaction
        {
            ChainId = ulong.Parse((string)t["chain_id"]!),
            Nonce = ulong.Parse((string)t["nonce"]!),
            GasPrice = UInt256.Parse((string)t["gas_price"]!),
            GasLimit = ulong.Parse((string)t["gas_limit"]!),
            To = Address.Parse((string)t["to"]!),
            Value = UInt256.Parse((string)t["value"]!),
            Data = HexConvert.FromHex((string)t["data"]!),
        };
        Assert.True(tx.IsReplayProtected);
        Assert.Equal((string)e["signing_data"]!, HexConvert.ToHex(TransactionEncoding.GetSigningPayload(tx)));
        Assert.Equal((string)e["signing_hash"]!, TransactionSigner.GetSigningHash(tx).ToHex());

        var signed = TransactionSigner.Sign(tx, HexConvert.FromHex((string)e["private_key"]!));
        Assert.Equal((string)e["v"]!, signed.V.ToString());
        Assert.Equal((string)e["r"]!, signed.Signature.R.ToString());
        Assert.Equal((string)e["s"]!, signed.Signature.S.ToString());
        Assert.Equal((int)e["y_parity"]!, signed.Signature.YParity);
        Assert.Equal((string)e["signed_raw"]!, signed.RawHex);
        Assert.Equal((string)e["sender"]!, signed.From.ToChecksumString());
        Assert.Equal((string)e["tx_hash"]!, signed.HashHex);

        var decoded = TransactionDecoder.Decode((string)e["signed_raw"]!);
        Assert.Equal(tx, decoded.Transaction);
        Assert.Equal(signed, decoded);
        Assert.Equal(signed.From, decoded.From);
    }

    [Theory]
    [MemberData(nameof(TransactionTests))]
    public void Transaction_test_case(string name, string json) => Check(name, json);

    [Theory]
    [MemberData(nameof(BlockchainTxs))]
    public void Blockchain_test_transaction(string name, string json) => Check(name, json);

    [Fact]
    public void Eip155_transaction_for_another_chain_decodes_when_no_chain_is_expected()
    {
        // WrongVRSTestVEqual39 is invalid on chain 1 only: v = 39 = 2*2 + 35 names chain 2.
        var c = FindCase("WrongVRSTestVEqual39");
        var raw = HexConvert.FromHex((string)c["raw"]!);
        var signed = TransactionDecoder.Decode(raw);
        Assert.Equal(2UL, signed.Transaction.ChainId);
        Assert.Equal(39UL, signed.V.ToUInt64());
        var ex = Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(raw, FixtureChainId));
        Assert.Equal(TransactionDecodeLayer.Signature, ex.Layer);
    }

    [Fact]
    public void Decoded_data_shares_the_raw_buffer_and_survives_caller_mutation()
    {
        var c = FindCase("Vitalik_13");
        var raw = HexConvert.FromHex((string)c["raw"]!);
        var signed = TransactionDecoder.Decode(raw);
        var before = signed.Transaction.Data.ToArray();
        Array.Clear(raw);
        Assert.Equal(before, signed.Transaction.Data.ToArray());
        Assert.Equal((string)c["expected"]!["hash"]!, signed.HashHex);
    }

    private static void Check(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var raw = HexConvert.FromHex((string)c["raw"]!);
        var ok = TransactionDecoder.TryDecode(raw, FixtureChainId, out var signed, out var error);
        var expected = c["expected"]!;
        if ((bool)c["valid"]!)
        {
            Assert.True(ok, $"{name}: {error}");
            Assert.Equal((string)expected["hash"]!, signed!.HashHex);
            Assert.Equal((string)expected["sender"]!, signed.From.ToChecksumString());
            Assert.Equal((int)c["tx_type"]!, (int)signed.Type);
            if (c["decoded"] is { } decoded)
            {
                TransactionTestData.AssertMatchesDecoded(decoded, signed, name);
            }

            // Strict decoding accepts only canonical bytes, so re-encoding reproduces the input.
            Assert.Equal(raw, TransactionEncoding.EncodeSigned(signed.Transaction, signed.Signature));
            return;
        }

        var layer = (string)expected["layer"]!;
        if (layer == "protocol_rule")
        {
            // Consensus rules (intrinsic gas, EIP-2681, fee order, gas*price overflow) are the
            // node's business; a codec decodes these and the node rejects them.
            Assert.True(ok, $"{name} ({expected["exception"]}): {error}");
            return;
        }

        Assert.False(ok, $"{name} ({expected["exception"]}) decoded to {signed?.Transaction}");
        Assert.Equal(ParseLayer(layer), error!.Layer);
        var ex = Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(raw, FixtureChainId));
        Assert.Equal(error.Layer, ex.Layer);
    }

    private static TransactionDecodeLayer ParseLayer(string layer) => layer switch
    {
        "rlp_structure" => TransactionDecodeLayer.RlpStructure,
        "field_encoding" => TransactionDecodeLayer.FieldEncoding,
        "field_range" => TransactionDecodeLayer.FieldRange,
        "signature" => TransactionDecodeLayer.Signature,
        _ => throw new InvalidOperationException($"Unknown layer '{layer}' in transactions.json."),
    };

    private static JsonNode FindCase(string name) =>
        VectorFile.Load("transactions.json")["transaction_tests"]!.AsArray().Single(c => (string)c!["name"]! == name)!;
}
