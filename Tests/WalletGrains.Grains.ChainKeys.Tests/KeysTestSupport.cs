using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Tests;

/// <summary>Signature checks through an independent path: public-key recovery.</summary>
internal static class KeysRecovery
{
    /// <summary>The address whose key made <paramref name="signature"/> over <paramref name="hash"/>, or null.</summary>
    public static Address? Recover(Bytes32 hash, Signature signature)
    {
        var digest = hash.ToArray();
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        signature.WriteCompact(compact);
        Span<byte> publicKey = stackalloc byte[Secp256k1.UncompressedPublicKeyLength];
        return Secp256k1.TryRecover(digest, compact, signature.YParity, publicKey) ? Address.FromPublicKey(publicKey) : null;
    }

    public static Bytes32 RandomHash() => Bytes32.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
