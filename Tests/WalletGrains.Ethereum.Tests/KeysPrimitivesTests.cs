using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;

namespace WalletGrains.Ethereum.Tests;

public sealed class KeysPrimitivesTests
{
    /// <summary>The test strings and digests published with RIPEMD-160 (Dobbertin, Bosselaers, Preneel).</summary>
    public static TheoryData<string, string> Ripemd160Vectors => new()
    {
        { "", "9c1185a5c5e9fc54612808977ee8f548b2258d31" },
        { "a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe" },
        { "abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc" },
        { "message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36" },
        { "abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b" },
        { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189" },
        { string.Concat(Enumerable.Repeat("1234567890", 8)), "9b752e45573d4b39f4dbd3323cab82bf63326bfb" },
        { new string('a', 1_000_000), "52783243c1697bdbe16d37f97f68f08325dc1528" },
    };

    [Theory]
    [MemberData(nameof(Ripemd160Vectors))]
    public void Ripemd160_matches_the_specification_test_strings(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Ripemd160.Hash(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void Ripemd160_padding_boundaries_agree_with_incremental_lengths()
    {
        // Lengths around the 55/56/64-byte padding boundaries: hashing a prefix must not depend on
        // the bytes after it (catches padding written past the message length).
        var data = Enumerable.Range(0, 200).Select(i => (byte)(i * 7)).ToArray();
        foreach (var length in new[] { 55, 56, 57, 63, 64, 65, 119, 120, 128 })
        {
            var copy = data[..length].Concat(new byte[10]).ToArray();
            Assert.Equal(Ripemd160.Hash(data.AsSpan(0, length)), Ripemd160.Hash(copy.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Base58Check_round_trips_and_keeps_leading_zeros()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), payload =>
        {
            var text = Base58Check.Encode(payload);
            return Base58Check.TryDecode(text, out var decoded, out _) && decoded.AsSpan().SequenceEqual(payload)
                && text.TakeWhile(c => c == '1').Count() == payload.TakeWhile(b => b == 0).Count();
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Base58_encodes_as_big_endian_base_58_numbers()
    {
        // Independent oracle: the value read as a big-endian integer, written in base 58 with the alphabet.
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            var digits = new StringBuilder();
            while (value > 0)
            {
                digits.Insert(0, Base58.Alphabet[(int)(value % 58)]);
                value /= 58;
            }

            var expected = new string('1', bytes.TakeWhile(b => b == 0).Count()) + digits;
            return Base58.Encode(bytes) == expected;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("")]
    [InlineData("0OIl")]
    [InlineData("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPH0")]
    [InlineData("11")]
    public void Base58Check_rejects_bad_text(string text)
    {
        Assert.False(Base58Check.TryDecode(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => Base58Check.Decode(text));
    }

    [Fact]
    public void Base58Check_rejects_any_single_character_change()
    {
        var payload = RandomNumberGenerator.GetBytes(40);
        var text = Base58Check.Encode(payload);
        for (var i = 0; i < text.Length; i++)
        {
            var replacement = text[i] == 'z' ? 'y' : 'z';
            var changed = string.Concat(text.AsSpan(0, i), replacement.ToString(), text.AsSpan(i + 1));
            Assert.False(Base58Check.TryDecode(changed, out _, out _), $"position {i}");
        }
    }

    [Theory]
    [InlineData("m", new uint[0], "m")]
    [InlineData("m/0", new uint[] { 0 }, "m/0")]
    [InlineData("m/44'/60'/0'/0/0", new uint[] { 0x8000002C, 0x8000003C, 0x80000000, 0, 0 }, "m/44'/60'/0'/0/0")]
    [InlineData("m/44h/60H/0'/0/7", new uint[] { 0x8000002C, 0x8000003C, 0x80000000, 0, 7 }, "m/44'/60'/0'/0/7")]
    [InlineData("m/2147483647'/2147483647", new uint[] { 0xFFFFFFFF, 0x7FFFFFFF }, "m/2147483647'/2147483647")]
    public void KeyPath_parses_and_formats(string text, uint[] indices, string canonical)
    {
        var path = KeyPath.Parse(text);
        Assert.Equal(indices, path.Indices);
        Assert.Equal(canonical, path.ToString());
        Assert.Equal(path, KeyPath.Parse(canonical));
        Assert.Equal(path, KeyPath.FromIndices(indices));
    }

    [Theory]
    [InlineData("")]
    [InlineData("M/0")]
    [InlineData("/0")]
    [InlineData("m/")]
    [InlineData("m0")]
    [InlineData("m//0")]
    [InlineData("m/0/")]
    [InlineData("m/-1")]
    [InlineData("m/+1")]
    [InlineData("m/01")]
    [InlineData("m/2147483648")]
    [InlineData("m/4294967295")]
    [InlineData("m/1''")]
    [InlineData("m/1x")]
    [InlineData("m/ 1")]
    [InlineData("m/0'/'")]
    public void KeyPath_rejects_malformed_text(string text)
    {
        Assert.False(KeyPath.TryParse(text, out _, out var error));
        Assert.Contains("BIP-32 path", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bip44_ethereum_paths()
    {
        Assert.Equal("m/44'/60'/0'/0", Bip44.EthereumAccountParent.ToString());
        Assert.Equal("m/44'/60'/0'/0/5", Bip44.EthereumAccountPath(5).ToString());
        Assert.Equal(KeyPath.Parse("m/44'/60'/0'/0/5"), Bip44.EthereumAccountPath(5));
    }

    [Fact]
    public void Generated_private_keys_are_valid_and_distinct()
    {
        var a = PrivateKeyGenerator.Generate();
        var b = PrivateKeyGenerator.Generate();
        Assert.True(Crypto.Secp256k1.IsValidPrivateKey(a));
        Assert.NotEqual(HexConvert.ToHex(a), HexConvert.ToHex(b));
    }
}
