using System.Security.Cryptography;
using WalletGrains.Ethereum.Crypto;

namespace WalletGrains.Ethereum.Keys;

/// <summary>Creates new random secp256k1 private keys from the operating system's cryptographic RNG.</summary>
public static class PrivateKeyGenerator
{
    /// <summary>A uniformly random key in [1, n-1] (32 random bytes, redrawn in the ~2^-128 case they are out of range).</summary>
    public static byte[] Generate()
    {
        var key = new byte[Secp256k1.PrivateKeyLength];
        do
        {
            RandomNumberGenerator.Fill(key);
        }
        while (!Secp256k1.IsValidPrivateKey(key));

        return key;
    }
}
