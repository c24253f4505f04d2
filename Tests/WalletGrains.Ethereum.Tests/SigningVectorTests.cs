using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

/// <summary>eip1559_signed.json: byte-identical signing payloads, hashes, signatures and raw bytes, and decoding back.</summary>
public sealed class SigningVectorTests
{
    public static TheoryData<string, string> Eip1559Cases => VectorFile.Cases("eip1559_signed.json", "eip1559", "note");

    public static TheoryData<string, string> LegacyCases => VectorFile.Cases("eip1559_signed.json", "legacy_eip155", "note");

    private static byte[] Key => HexConvert.FromHex((string)VectorFile.Load("eip1559_signed.json")["_meta"]!["private_key"]!);

    [Theory]
    [MemberData(nameof(Eip1559Cases))]
    public void Eip1559_case_signs_and_decodes(string name, string json) => Check(name, json);

    [Theory]
    [MemberData(nameof(LegacyCases))]
    public void Legacy_eip155_case_signs_and_decodes(string name, string json) => Check(name, json);

    [Fact]
    public void Attaching_an_external_signature_gives_the_same_bytes_as_signing()
    {
        var c = VectorFile.Load("eip1559_signed.json")["eip1559"]![11]!;
        var tx = TransactionTestData.FromVector(c["unsigned"]!);
        var hash = TransactionSigner.GetSigningHash(tx).ToArray();
        var compact = new byte[64];
        var recoveryId = Secp256k1.SignRecoverable(hash, Key, compact);
        var attached = TransactionSigner.Attach(tx, Signature.FromCompact(compact, recoveryId), Address.Parse((string)c["sender"]!));
        Assert.Equal((string)c["signed_raw"]!, attached.RawHex);
        Assert.Equal((string)c["tx_hash"]!, attached.HashHex);
    }

    [Fact]
    public void Signer_refuses_transactions_the_network_would_reject()
    {
        using var signer = new PrivateKeySigner(Key);
        var tooHighNonce = new Eip1559Transaction { ChainId = 1, Nonce = ulong.MaxValue, GasLimit = 21000 };
        var ex = Assert.Throws<ArgumentException>(() => signer.Sign(tooHighNonce));
        Assert.Contains("EIP-2681", ex.Message, StringComparison.Ordinal);

        var tipAboveCap = new Eip1559Transaction { ChainId = 1, GasLimit = 21000, MaxFeePerGas = 1, MaxPriorityFeePerGas = 2 };
        ex = Assert.Throws<ArgumentException>(() => TransactionSigner.Sign(tipAboveCap, Key));
        Assert.Contains("maxPriorityFeePerGas 2 exceeds maxFeePerGas 1", ex.Message, StringComparison.Ordinal);

        var highS = new Signature(0, UInt256.One, Signature.HalfCurveOrder + UInt256.One);
        ex = Assert.Throws<ArgumentException>(() => TransactionSigner.Attach(new LegacyTransaction { ChainId = 1 }, highS, signer.Address));
        Assert.Contains("EIP-2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_key_signer_never_prints_its_key_and_rejects_invalid_keys()
    {
        using var signer = new PrivateKeySigner(Key);
        Assert.DoesNotContain(HexConvert.ToHexNoPrefix(Key), signer.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((string)VectorFile.Load("eip1559_signed.json")["_meta"]!["sender"]!, signer.Address.ToChecksumString());
        var ex = Assert.Throws<ArgumentException>(() => new PrivateKeySigner(new byte[32]));
        Assert.DoesNotContain("0000000000", ex.Message, StringComparison.Ordinal);
        signer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => signer.Sign(new LegacyTransaction()));
    }

    private static void Check(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var tx = TransactionTestData.FromVector(c["unsigned"]!);
        Assert.Equal((string)c["signing_payload"]!, HexConvert.ToHex(TransactionEncoding.GetSigningPayload(tx)));
        Assert.Equal(TransactionEncoding.GetSigningPayloadLength(tx), TransactionEncoding.GetSigningPayload(tx).Length);
        Assert.Equal((string)c["signing_hash"]!, TransactionSigner.GetSigningHash(tx).ToHex());

        using var signer = new PrivateKeySigner(Key);
        foreach (var signed in new[] { signer.Sign(tx), TransactionSigner.Sign(tx, Key) })
        {
            var sig = c["signature"]!;
            Assert.Equal((int)sig["y_parity"]!, signed.Signature.YParity);
            Assert.Equal((string)sig["r"]!, HexConvert.ToHex(signed.Signature.R.ToBigEndian32()));
            Assert.Equal((string)sig["s"]!, HexConvert.ToHex(signed.Signature.S.ToBigEndian32()));
            if (sig["v"] is { } v)
            {
                Assert.Equal((string)v!, signed.V.ToString());
            }

            Assert.True((string)c["signed_raw"]! == signed.RawHex, name);
            Assert.Equal((string)c["tx_hash"]!, signed.HashHex);
            Assert.Equal((string)c["sender"]!, signed.From.ToChecksumString());
            Assert.Same(tx, signed.Transaction);
        }

        var decoded = TransactionDecoder.Decode((string)c["signed_raw"]!, tx.ChainId);
        Assert.True(tx.Equals(decoded.Transaction), $"{name}: built {tx}, decoded {decoded.Transaction}");
        Assert.Equal(tx.GetHashCode(), decoded.Transaction.GetHashCode());
        Assert.Equal((string)c["sender"]!, decoded.From.ToChecksumString());
        Assert.Equal((string)c["tx_hash"]!, decoded.HashHex);
        Assert.Equal((int)c["signature"]!["y_parity"]!, decoded.Signature.YParity);
        Assert.Equal(tx.To is null, decoded.Transaction.IsContractCreation);
    }
}
