using System.Text;
using WalletGrains.Ethereum.Keys;

namespace WalletGrains.Ethereum.Tests;

public sealed class ScryptTests
{
    /// <summary>RFC 7914 section 12 test vectors (P, S, N, r, p, derived key with dkLen = 64).</summary>
    public static TheoryData<string, string, long, int, int, string> Rfc7914Vectors => new()
    {
        {
            "", "", 16, 1, 1,
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        },
        {
            "password", "NaCl", 1024, 8, 16,
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        },
        {
            "pleaseletmein", "SodiumChloride", 16384, 8, 1,
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc7914Vectors))]
    public void Matches_rfc7914_vectors(string password, string salt, long n, int r, int p, string expected)
    {
        var key = Scrypt.DeriveKey(Encoding.ASCII.GetBytes(password), Encoding.ASCII.GetBytes(salt), n, r, p, 64);
        Assert.Equal(expected, Convert.ToHexStringLower(key));
    }

    /// <summary>
    /// RFC 7914's fourth vector, N = 2^20, r = 8: exactly the 1 GiB per-lane limit. About 5 s in an
    /// optimised build but over 30 s in Debug, so it runs only on request
    /// (<c>dotnet test -- --explicit on</c>); the N = 16384 vector covers the same code.
    /// </summary>
    [Fact(Explicit = true)]
    public void Matches_rfc7914_vector_with_n_2_pow_20()
    {
        var key = Scrypt.DeriveKey("pleaseletmein"u8, "SodiumChloride"u8, 1 << 20, 8, 1, 64);
        Assert.Equal(
            "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa478e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4",
            Convert.ToHexStringLower(key));
    }

    [Fact]
    public void Shorter_output_is_a_prefix_of_longer_output()
    {
        // The final PBKDF2 step with one iteration produces independent 32-byte blocks.
        var password = Encoding.ASCII.GetBytes("pw");
        var salt = Encoding.ASCII.GetBytes("salt");
        var longKey = Scrypt.DeriveKey(password, salt, 64, 2, 3, 80);
        var shortKey = Scrypt.DeriveKey(password, salt, 64, 2, 3, 17);
        Assert.Equal(longKey[..17], shortKey);
    }

    [Fact]
    public void The_rfc_bound_n_below_2_pow_16r_is_not_enforced()
    {
        // keystore.json's test2 uses N = 2^18 with r = 1, which go-ethereum accepts.
        Assert.True(Scrypt.TryValidateParameters(1 << 18, 1, 8, 32, out _));
        Assert.Equal(32, Scrypt.DeriveKey([1], [2], 1 << 17, 1, 1, 32).Length);
    }

    public static TheoryData<long, int, int, int, string> InvalidParameters => new()
    {
        { 0, 8, 1, 32, "power of two" },
        { 1, 8, 1, 32, "power of two" },
        { 1000, 8, 1, 32, "power of two" },
        { -16, 8, 1, 32, "power of two" },
        { 16, 0, 1, 32, "r must be at least 1" },
        { 16, 1, 0, 32, "p must be at least 1" },
        { 16, 1 << 15, 1 << 15, 32, "r·p must be below 2^30" },
        { 1L << 21, 8, 1, 32, "bytes per lane" },
        { 1L << 40, 1, 1, 32, "bytes per lane" },
        { 16, 1, 1, 0, "key length" },
    };

    [Theory]
    [MemberData(nameof(InvalidParameters))]
    public void Invalid_parameters_are_rejected_with_the_value(long n, int r, int p, int keyLength, string fragment)
    {
        Assert.False(Scrypt.TryValidateParameters(n, r, p, keyLength, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => Scrypt.DeriveKey([], [], n, r, p, Math.Max(keyLength, 0)));
        Assert.Equal(error, thrown.Message);
    }
}
