using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class CryptoVectorTests
{
    public static TheoryData<string, string> KeccakCases => VectorFile.Cases("keccak.json", "cases");

    [Theory]
    [MemberData(nameof(KeccakCases))]
    public void Keccak256_matches_vector(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var input = BuildInput(c["input"]!);
        Assert.Equal((int)c["input_length"]!, input.Length);
        Assert.True(HexConvert.ToHex(Keccak256.Hash(input)) == (string)c["expected"]!, name);
    }

    private static byte[] BuildInput(JsonNode input)
    {
        var kind = (string)input["kind"]!;
        return kind switch
        {
            "utf8" => Encoding.UTF8.GetBytes((string)input["value"]!),
            "hex" => HexConvert.FromHex((string)input["value"]!),
            "repeat_byte" => Enumerable.Repeat(HexConvert.FromHex((string)input["byte"]!)[0], (int)input["length"]!).ToArray(),
            "repeat_utf8" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat((string)input["pattern"]!, (int)input["count"]!))),
            "counter_mod256" => Enumerable.Range(0, (int)input["length"]!).Select(i => (byte)i).ToArray(),
            _ => throw new InvalidOperationException($"Unknown input kind '{kind}'."),
        };
    }

    public static TheoryData<string, string> Eip55Valid => VectorFile.Cases("eip55.json", "valid", "checksummed");

    public static TheoryData<string, string> Eip55Invalid => VectorFile.Cases("eip55.json", "invalid", "address");

    [Theory]
    [MemberData(nameof(Eip55Valid))]
    public void Eip55_checksums_lowercase_address(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var lower = (string)c["lowercase"]!;
        var checksummed = (string)c["checksummed"]!;
        Assert.Equal(checksummed, Address.Parse(lower).ToChecksumString());
        Assert.True(Address.TryParse(checksummed, out var parsed), name);
        Assert.Equal(lower, parsed.ToLowerHex());
    }

    [Theory]
    [MemberData(nameof(Eip55Invalid))]
    public void Eip55_rejects_wrong_checksum(string name, string json)
    {
        var address = (string)JsonNode.Parse(json)!["address"]!;
        Assert.False(Address.TryParse(address, out _, out var error), name);
        Assert.Contains("checksum", error, StringComparison.Ordinal);

        // The message names the right spelling: that of the same address given in lower case.
        Assert.Contains($"(expected {Address.Parse(address.ToLowerInvariant()).ToChecksumString()})", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dev_accounts_derive_their_addresses_from_their_keys()
    {
        var accounts = VectorFile.Load("bip39.json")["dev_mnemonic"]!["accounts"]!.AsArray();
        Assert.Equal(10, accounts.Count);
        foreach (var a in accounts)
        {
            var key = HexConvert.FromHex((string)a!["private_key"]!);
            Assert.Equal((string)a["address"]!, Address.FromPrivateKey(key).ToChecksumString());
            Assert.Equal((string)a["public_key_compressed"]!, HexConvert.ToHex(Secp256k1.CreatePublicKey(key, compressed: true)));
            Assert.Equal((string)a["public_key_uncompressed"]!, HexConvert.ToHex(Secp256k1.CreatePublicKey(key, compressed: false)));
        }
    }

    public static TheoryData<string, string> SignedEip1559 => VectorFile.Cases("eip1559_signed.json", "eip1559", "note");

    [Theory]
    [MemberData(nameof(SignedEip1559))]
    public void Secp256k1_signs_rfc6979_and_recovers(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var key = HexConvert.FromHex((string)VectorFile.Load("eip1559_signed.json")["_meta"]!["private_key"]!);
        var hash = HexConvert.FromHex((string)c["signing_hash"]!);
        var sig = new byte[64];
        var recId = Secp256k1.SignRecoverable(hash, key, sig);
        Assert.Equal((string)c["signature"]!["r"]!, HexConvert.ToHex(sig.AsSpan(0, 32)));
        Assert.Equal((string)c["signature"]!["s"]!, HexConvert.ToHex(sig.AsSpan(32)));
        Assert.Equal((int)c["signature"]!["y_parity"]!, recId);

        var pub = new byte[65];
        Assert.True(Secp256k1.TryRecover(hash, sig, recId, pub), name);
        Assert.Equal((string)c["sender"]!, Address.FromPublicKey(pub).ToChecksumString());
    }
}
