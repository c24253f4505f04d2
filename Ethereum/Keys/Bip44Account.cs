using System.Security.Cryptography;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// One Ethereum account derived from a seed (<see cref="Bip44"/>): its index and path, address, public
/// keys and private key. Dispose it to wipe the private key; <see cref="ToString"/> never shows it.
/// </summary>
public sealed class Bip44Account : IDisposable
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKeyUncompressed;
    private readonly byte[] _publicKeyCompressed;
    private bool _disposed;

    internal Bip44Account(uint index, KeyPath path, ReadOnlySpan<byte> privateKey)
    {
        Index = index;
        Path = path;
        _privateKey = privateKey.ToArray();
        _publicKeyUncompressed = Secp256k1.CreatePublicKey(_privateKey, compressed: false);
        _publicKeyCompressed = Secp256k1.CreatePublicKey(_privateKey, compressed: true);
        Address = Address.FromPublicKey(_publicKeyUncompressed);
    }

    /// <summary>The account index <c>i</c> in <c>m/44'/60'/0'/0/i</c>.</summary>
    public uint Index { get; }

    /// <summary>The full derivation path.</summary>
    public KeyPath Path { get; }

    /// <summary>The account's address.</summary>
    public Address Address { get; }

    /// <summary>The 65-byte uncompressed public key (0x04 ‖ X ‖ Y).</summary>
    public ReadOnlySpan<byte> PublicKeyUncompressed => _publicKeyUncompressed;

    /// <summary>The 33-byte compressed public key.</summary>
    public ReadOnlySpan<byte> PublicKeyCompressed => _publicKeyCompressed;

    /// <summary>The 32-byte private key.</summary>
    public ReadOnlySpan<byte> PrivateKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _privateKey;
        }
    }

    /// <summary>Wipes the private key.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_privateKey);
    }

    /// <summary>Path and address only.</summary>
    public override string ToString() => $"{Path} {Address}";
}
