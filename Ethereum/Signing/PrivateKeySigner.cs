using System.Security.Cryptography;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Signing;

/// <summary>
/// Holds one private key and signs with it; the address is derived once, so signing a
/// transaction costs one secp256k1 signature plus encoding and hashing. Thread-safe. Dispose
/// zeroes the key copy.
/// </summary>
public sealed class PrivateKeySigner : IDisposable
{
    private readonly byte[] _key;
    private bool _disposed;

    /// <summary>Copies a 32-byte private key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes or not in [1, n-1].</exception>
    public PrivateKeySigner(ReadOnlySpan<byte> privateKey)
    {
        // The message never contains the key, only what is wrong with it.
        if (!Secp256k1.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException($"Not a valid secp256k1 private key ({privateKey.Length} bytes; must be 32 bytes in [1, n-1]).", nameof(privateKey));
        }

        _key = privateKey.ToArray();
        Address = Address.FromPrivateKey(_key);
    }

    /// <summary>The address the key controls.</summary>
    public Address Address { get; }

    /// <summary>Signs a 32-byte hash (RFC 6979, low-s) and returns y-parity, r and s.</summary>
    public Signature SignHash(ReadOnlySpan<byte> hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        var recoveryId = Secp256k1.SignRecoverable(hash, _key, compact);
        return Signature.FromCompact(compact, recoveryId);
    }

    /// <summary>Signs a transaction; the result's <see cref="SignedTransaction.From"/> is <see cref="Address"/>.</summary>
    /// <exception cref="ArgumentException">The transaction breaks a rule a signer can check (<see cref="Transaction.FindProtocolProblem"/>).</exception>
    public SignedTransaction Sign(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransactionSigner.EnsureSignable(transaction);
        return TransactionSigner.SignCore(transaction, _key, Address);
    }

    /// <summary>Zeroes the key copy.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>Names the address only; the key never appears in text.</summary>
    public override string ToString() => $"PrivateKeySigner({Address})";
}
