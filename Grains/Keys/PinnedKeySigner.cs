using System.Security.Cryptography;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// One private key in a pinned array (the GC never moves it, so no stale copies are left behind in
/// memory), signing 32-byte hashes. Dispose zeroes the key. Thread-safe: signing only reads the key.
/// </summary>
internal sealed class PinnedKeySigner : IDisposable
{
    private readonly byte[] _key = GC.AllocateArray<byte>(Secp256k1.PrivateKeyLength, pinned: true);
    private volatile bool _disposed;

    /// <summary>Copies a key the caller has already checked with <see cref="Secp256k1.IsValidPrivateKey"/>.</summary>
    public PinnedKeySigner(ReadOnlySpan<byte> privateKey)
    {
        privateKey.CopyTo(_key);
        Address = Address.FromPrivateKey(_key);
    }

    public Address Address { get; }

    public Signature SignHash(Bytes32 hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> digest = stackalloc byte[Bytes32.Length];
        hash.CopyTo(digest);
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        var recoveryId = Secp256k1.SignRecoverable(digest, _key, compact);
        return Signature.FromCompact(compact, recoveryId);
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>Names the address only.</summary>
    public override string ToString() => $"PinnedKeySigner({Address})";
}
