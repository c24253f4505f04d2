using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class Bip39Tests
{
    public static TheoryData<string, string> TrezorVectors => VectorFile.Cases("bip39.json", "trezor_english", "entropy");

    [Theory]
    [MemberData(nameof(TrezorVectors))]
    public void Trezor_vector_entropy_to_mnemonic_to_seed_to_xprv(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var entropy = HexConvert.FromHex((string)c["entropy"]!);
        var phrase = (string)c["mnemonic"]!;

        var fromEntropy = Bip39Mnemonic.FromEntropy(entropy);
        Assert.Equal(phrase, fromEntropy.Phrase);

        var parsed = Bip39Mnemonic.Parse(phrase);
        Assert.Equal(phrase, parsed.Phrase);
        Assert.Equal(entropy, parsed.ToEntropy());

        var seed = parsed.ToSeed((string)c["passphrase"]!);
        Assert.Equal((string)c["seed"]!, HexConvert.ToHex(seed));

        using var master = Bip32ExtendedKey.FromSeed(seed);
        Assert.True((string)c["bip32_root_xprv"]! == master.ToXprv(), name);
    }

    [Fact]
    public void Dev_mnemonic_gives_seed_account_level_keys_and_ten_accounts()
    {
        var dev = VectorFile.Load("bip39.json")["dev_mnemonic"]!;
        var mnemonic = Bip39Mnemonic.Parse((string)dev["mnemonic"]!);
        Assert.Equal((string)dev["entropy"]!, HexConvert.ToHex(mnemonic.ToEntropy()));
        var seed = mnemonic.ToSeed((string)dev["passphrase"]!);
        Assert.Equal((string)dev["seed"]!, HexConvert.ToHex(seed));

        Assert.Equal((string)dev["account_level_path"]!, Bip44.EthereumAccountParent.ToString());
        using (var master = Bip32ExtendedKey.FromSeed(seed))
        using (var accountLevel = master.Derive((string)dev["account_level_path"]!))
        {
            Assert.Equal((string)dev["account_level_xprv"]!, accountLevel.ToXprv());
            Assert.Equal((string)dev["account_level_xpub"]!, accountLevel.ToXpub());
        }

        var expected = dev["accounts"]!.AsArray();
        Assert.Equal(10, expected.Count);
        var accounts = Bip44.DeriveEthereumAccounts(mnemonic, expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i]!;
            using var a = accounts[i];
            Assert.Equal((uint)(int)e["index"]!, a.Index);
            Assert.Equal((string)e["path"]!, a.Path.ToString());
            Assert.Equal((string)e["address"]!, a.Address.ToChecksumString());
            Assert.Equal((string)e["private_key"]!, HexConvert.ToHex(a.PrivateKey));
            Assert.Equal((string)e["public_key_compressed"]!, HexConvert.ToHex(a.PublicKeyCompressed));
            Assert.Equal((string)e["public_key_uncompressed"]!, HexConvert.ToHex(a.PublicKeyUncompressed));
        }

        // The single-account helper and a non-zero start index agree with the batch.
        using var third = Bip44.DeriveEthereumAccount(seed, 3);
        Assert.Equal((string)expected[3]!["address"]!, third.Address.ToChecksumString());
        var tail = Bip44.DeriveEthereumAccounts(seed, 2, start: 8);
        Assert.Equal((string)expected[9]!["address"]!, tail[1].Address.ToChecksumString());
    }

    [Fact]
    public void Word_list_is_the_canonical_bip39_english_list()
    {
        var words = Bip39Mnemonic.EnglishWordList;
        Assert.Equal(2048, words.Count);
        Assert.Equal(words.Order(StringComparer.Ordinal), words);
        Assert.Equal(2048, words.Distinct(StringComparer.Ordinal).Count());
        Assert.All(words, w => Assert.Matches("^[a-z]{3,8}$", w));

        // BIP-39: the first four letters identify a word unambiguously.
        Assert.Equal(2048, words.Select(w => w.Length > 4 ? w[..4] : w).Distinct(StringComparer.Ordinal).Count());

        // SHA-256 of bitcoin/bips bip-0039/english.txt (one word per line, LF-terminated), the value
        // independent BIP-39 implementations pin their copies to.
        var file = Encoding.ASCII.GetBytes(string.Concat(words.Select(w => w + "\n")));
        Assert.Equal("2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda", Convert.ToHexStringLower(SHA256.HashData(file)));
    }

    public static TheoryData<string, Bip39MnemonicErrorKind> InvalidMnemonics => new()
    {
        { "", Bip39MnemonicErrorKind.Empty },
        { "   \t ", Bip39MnemonicErrorKind.Empty },
        // 11 and 13 words.
        { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", Bip39MnemonicErrorKind.WrongWordCount },
        { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", Bip39MnemonicErrorKind.WrongWordCount },
        // "abandonn" and "bitcoin" are not list words.
        { "abandon abandon abandon abandon abandonn abandon abandon abandon abandon abandon abandon about", Bip39MnemonicErrorKind.UnknownWord },
        { "bitcoin abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", Bip39MnemonicErrorKind.UnknownWord },
        // List words with a wrong checksum (checked with an independent script). Twelve "abandon"s
        // encode zero entropy with checksum 0, but SHA-256 of 16 zero bytes starts 0x37, so the last
        // word must carry checksum 3 ("about", as in the first Trezor vector).
        { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", Bip39MnemonicErrorKind.InvalidChecksum },
        { "test test test test test test test test test test test test", Bip39MnemonicErrorKind.InvalidChecksum },
        // Two words of the dev mnemonic swapped.
        { "test test test test test test test test test test junk test", Bip39MnemonicErrorKind.InvalidChecksum },
    };

    [Theory]
    [MemberData(nameof(InvalidMnemonics))]
    public void Invalid_mnemonics_are_rejected_with_the_reason(string text, Bip39MnemonicErrorKind kind)
    {
        Assert.False(Bip39Mnemonic.TryParse(text, out _, out var error));
        Assert.Equal(kind, error.Kind);
        var thrown = Assert.Throws<FormatException>(() => Bip39Mnemonic.Parse(text));
        Assert.Equal(error.Message, thrown.Message);
    }

    [Fact]
    public void Unknown_word_error_names_the_position_but_not_the_word()
    {
        Assert.False(Bip39Mnemonic.TryParse("abandon abandon abandon abandon abandonn abandon abandon abandon abandon abandon abandon about", out _, out var error));
        Assert.Equal(5, error.WordPosition);
        Assert.Contains("Word 5 of 12", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abandonn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_entropy_round_trips_through_its_phrase()
    {
        var entropies = Gen.Elements(16, 20, 24, 28, 32)
            .SelectMany(length => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length));
        Prop.ForAll(entropies.ToArbitrary(), entropy =>
        {
            var mnemonic = Bip39Mnemonic.FromEntropy(entropy);
            var parsed = Bip39Mnemonic.Parse(mnemonic.Phrase);
            return parsed.ToEntropy().AsSpan().SequenceEqual(entropy) && parsed.WordCount == entropy.Length * 3 / 4;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(16, 12)]
    [InlineData(20, 15)]
    [InlineData(24, 18)]
    [InlineData(28, 21)]
    [InlineData(32, 24)]
    public void Entropy_length_determines_word_count(int bytes, int words)
    {
        var mnemonic = Bip39Mnemonic.FromEntropy(new byte[bytes]);
        Assert.Equal(words, mnemonic.WordCount);
        Assert.Equal(words, Bip39Mnemonic.Generate(words).WordCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(36)]
    public void Bad_entropy_lengths_are_rejected(int bytes)
    {
        Assert.Throws<ArgumentException>(() => Bip39Mnemonic.FromEntropy(new byte[bytes]));
    }

    [Fact]
    public void Generated_mnemonics_are_valid_and_distinct()
    {
        var a = Bip39Mnemonic.Generate();
        var b = Bip39Mnemonic.Generate(24);
        Assert.True(Bip39Mnemonic.IsValid(a.Phrase));
        Assert.True(Bip39Mnemonic.IsValid(b.Phrase));
        Assert.NotEqual(a.Phrase, Bip39Mnemonic.Generate().Phrase);
    }

    [Fact]
    public void Parsing_tolerates_case_and_whitespace_and_yields_the_canonical_phrase()
    {
        var dev = VectorFile.Load("bip39.json")["dev_mnemonic"]!;
        var canonical = (string)dev["mnemonic"]!;
        var messy = "  " + string.Join(" \t\n ", canonical.ToUpperInvariant().Split(' ')) + "\r\n";
        var mnemonic = Bip39Mnemonic.Parse(messy);
        Assert.Equal(canonical, mnemonic.Phrase);
        Assert.Equal((string)dev["seed"]!, HexConvert.ToHex(mnemonic.ToSeed()));
    }

    [Fact]
    public void ToString_does_not_reveal_the_words()
    {
        var mnemonic = Bip39Mnemonic.Parse((string)VectorFile.Load("bip39.json")["dev_mnemonic"]!["mnemonic"]!);
        Assert.Equal("Bip39Mnemonic(12 words)", mnemonic.ToString());
    }

    [Fact]
    public void Passphrase_is_nfkd_normalised()
    {
        // Under InvariantGlobalization string.Normalize is a no-op; the ICU fallback must still apply
        // NFKD. Full-width "ＴＲＥＺＯＲ" has the compatibility decomposition "TREZOR", so it must give
        // the Trezor vector's seed; composed é and e + U+0301 are canonically equivalent.
        Assert.True(UnicodeNfkd.IsAvailable, "No NFKD normaliser (runtime or ICU) in this process.");
        var c = VectorFile.Load("bip39.json")["trezor_english"]![0]!;
        var mnemonic = Bip39Mnemonic.Parse((string)c["mnemonic"]!);
        Assert.Equal("TREZOR", (string)c["passphrase"]!);
        Assert.Equal((string)c["seed"]!, HexConvert.ToHex(mnemonic.ToSeed("\uFF34\uFF32\uFF25\uFF3A\uFF2F\uFF32")));
        Assert.Equal(HexConvert.ToHex(mnemonic.ToSeed("caf\u00e9")), HexConvert.ToHex(mnemonic.ToSeed("cafe\u0301")));
        Assert.NotEqual(HexConvert.ToHex(mnemonic.ToSeed("cafe")), HexConvert.ToHex(mnemonic.ToSeed("cafe\u0301")));
    }
}
