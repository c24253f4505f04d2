using System.Buffers.Binary;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class Bip32Tests
{
    public static TheoryData<string, string> Vectors => VectorFile.Cases("bip32.json", "vectors", "vector");

    public static TheoryData<string, string> InvalidKeys => VectorFile.Cases("bip32.json", "invalid", "reason");

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_chain_derives_and_serialises_as_the_bip_says(string name, string json)
    {
        var vector = JsonNode.Parse(json)!;
        var seed = HexConvert.FromHex((string)vector["seed"]!);
        using var master = Bip32ExtendedKey.FromSeed(seed);
        var chains = vector["chains"]!.AsArray();
        Assert.NotEmpty(chains);
        foreach (var chain in chains)
        {
            var path = KeyPath.Parse((string)chain!["path"]!);
            Assert.Equal(path, KeyPath.Parse((string)chain["path_source"]!));
            using var key = master.Derive(path);
            Assert.True((string)chain["xprv"]! == key.ToXprv(), $"{name} {path} xprv");
            Assert.True((string)chain["xpub"]! == key.ToXpub(), $"{name} {path} xpub");
            AssertFields(chain, key, expectPrivate: true);

            using var parsedPrivate = Bip32ExtendedKey.Parse((string)chain["xprv"]!);
            AssertFields(chain, parsedPrivate, expectPrivate: true);
            Assert.Equal((string)chain["xpub"]!, parsedPrivate.ToXpub());

            using var parsedPublic = Bip32ExtendedKey.Parse((string)chain["xpub"]!);
            AssertFields(chain, parsedPublic, expectPrivate: false);
            Assert.Equal((string)chain["xpub"]!, parsedPublic.ToXpub());
            Assert.Throws<InvalidOperationException>(() => parsedPublic.ToXprv());
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Public_derivation_matches_private_derivation_for_normal_steps(string name, string json)
    {
        var vector = JsonNode.Parse(json)!;
        var chains = vector["chains"]!.AsArray();
        for (var i = 1; i < chains.Count; i++)
        {
            var childIndex = (uint)(long)chains[i]!["child_index"]!;
            using var parentPublic = Bip32ExtendedKey.Parse((string)chains[i - 1]!["xpub"]!);
            if (KeyPath.IsHardened(childIndex))
            {
                Assert.False(parentPublic.TryDeriveChild(childIndex, out _, out var error));
                Assert.Contains("hardened", error, StringComparison.Ordinal);
                continue;
            }

            using var child = parentPublic.DeriveChild(childIndex);
            Assert.True((string)chains[i]!["xpub"]! == child.ToXpub(), $"{name} chain {i}");
        }
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Invalid_extended_keys_are_rejected(string name, string json)
    {
        var key = (string)JsonNode.Parse(json)!["key"]!;
        Assert.False(Bip32ExtendedKey.TryParse(key, out _, out var error), name);
        Assert.StartsWith("Not a valid extended key", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Bip32ExtendedKey.Parse(key));
    }

    [Fact]
    public void Invalid_key_reasons_are_reported_specifically()
    {
        var reasons = VectorFile.Load("bip32.json")["invalid"]!.AsArray()
            .Select(c => (Key: (string)c!["key"]!, Reason: (string)c["reason"]!))
            .ToList();
        Assert.Equal(16, reasons.Count);
        foreach (var (key, reason) in reasons)
        {
            Assert.False(Bip32ExtendedKey.TryParse(key, out _, out var error));
            var expectedFragment = reason switch
            {
                "pubkey version / prvkey mismatch" => "xpub's key data must be a compressed point",
                "prvkey version / pubkey mismatch" => "xprv's key data must start with 0x00",
                _ when reason.StartsWith("invalid pubkey prefix", StringComparison.Ordinal) => "xpub's key data must be a compressed point",
                _ when reason.StartsWith("invalid prvkey prefix", StringComparison.Ordinal) => "xprv's key data must start with 0x00",
                "zero depth with non-zero parent fingerprint" => "non-zero parent fingerprint",
                "zero depth with non-zero index" => "non-zero child index",
                "unknown extended key version" => "unknown version",
                _ when reason.StartsWith("private key", StringComparison.Ordinal) => "private key is 0 or not below the curve order",
                _ when reason.StartsWith("invalid pubkey 02", StringComparison.Ordinal) => "not a point on secp256k1",
                "invalid checksum" => "checksum mismatch",
                _ => throw new InvalidOperationException($"Unexpected reason '{reason}' in bip32.json."),
            };
            Assert.True(error.Contains(expectedFragment, StringComparison.Ordinal), $"{reason}: {error}");
        }
    }

    [Fact]
    public void Private_keys_stay_out_of_text_and_errors()
    {
        var chain = VectorFile.Load("bip32.json")["vectors"]![0]!["chains"]![1]!;
        using var key = Bip32ExtendedKey.Parse((string)chain["xprv"]!);
        var privateHex = HexConvert.ToHexNoPrefix(key.PrivateKey);
        Assert.DoesNotContain(privateHex, key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain((string)chain["xprv"]!, key.ToString(), StringComparison.Ordinal);

        // A corrupted xprv's error message must not echo the key.
        var xprv = (string)chain["xprv"]!;
        var corrupted = xprv[..^1] + (xprv[^1] == 'a' ? 'b' : 'a');
        Assert.False(Bip32ExtendedKey.TryParse(corrupted, out _, out var error));
        Assert.DoesNotContain(xprv[4..20], error, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_keys_are_wiped_and_unusable()
    {
        var seed = HexConvert.FromHex((string)VectorFile.Load("bip32.json")["vectors"]![0]!["seed"]!);
        var key = Bip32ExtendedKey.FromSeed(seed);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.ToXprv());
        Assert.Throws<ObjectDisposedException>(() => key.DeriveChild(0));
    }

    [Fact]
    public void Neutered_child_equals_child_of_neutered_parent()
    {
        // Property (BIP-32 "N(CKDpriv(k, i)) = CKDpub(N(k), i)" for non-hardened i) on random seeds and indices.
        var seeds = Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 32);
        var indices = Gen.Choose(0, int.MaxValue).Select(i => (uint)i);
        Prop.ForAll(Gen.Zip(seeds, indices).ToArbitrary(), pair =>
        {
            using var master = Bip32ExtendedKey.FromSeed(pair.Item1);
            using var privateChild = master.DeriveChild(pair.Item2);
            using var neutered = master.Neuter();
            using var publicChild = neutered.DeriveChild(pair.Item2);
            return privateChild.ToXpub() == publicChild.ToXpub()
                && publicChild.ParentFingerprint == master.Fingerprint
                && Bip32ExtendedKey.Parse(privateChild.ToXprv()).ToXprv() == privateChild.ToXprv();
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(15)]
    [InlineData(65)]
    public void Seed_length_outside_128_to_512_bits_is_rejected(int length)
    {
        Assert.Throws<ArgumentException>(() => Bip32ExtendedKey.FromSeed(new byte[length]));
    }

    private static void AssertFields(JsonNode chain, Bip32ExtendedKey key, bool expectPrivate)
    {
        Assert.Equal(expectPrivate, key.IsPrivate);
        Assert.Equal((int)chain["depth"]!, key.Depth);
        Assert.Equal((uint)(long)chain["child_index"]!, key.ChildIndex);
        Assert.Equal((string)chain["parent_fingerprint"]!, Hex32(key.ParentFingerprint));
        Assert.Equal((string)chain["fingerprint"]!, Hex32(key.Fingerprint));
        Assert.Equal((string)chain["chain_code"]!, HexConvert.ToHex(key.ChainCode));
        Assert.Equal((string)chain["public_key"]!, HexConvert.ToHex(key.PublicKey));
        if (expectPrivate)
        {
            Assert.Equal((string)chain["private_key"]!, HexConvert.ToHex(key.PrivateKey));
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => key.PrivateKey.Length);
        }
    }

    private static string Hex32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return HexConvert.ToHex(bytes);
    }
}
