using System.Buffers;
using System.Runtime.CompilerServices;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Signing;

/// <summary>
/// Signs transactions of every supported type: EIP-155 (or unprotected) legacy, EIP-2930 and
/// EIP-1559. The signed hash is keccak256 of <see cref="TransactionEncoding.GetSigningPayload"/>.
/// For many signatures with one key, <see cref="PrivateKeySigner"/> avoids re-deriving the address.
/// </summary>
public static class TransactionSigner
{
    /// <summary>Payloads up to this size are built on the stack; larger ones use a pooled buffer.</summary>
    private const int StackPayloadLimit = 1024;

    /// <summary>keccak256 of the signing payload: what a key store or KMS must sign for this transaction.</summary>
    public static Bytes32 GetSigningHash(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Span<byte> hash = stackalloc byte[Bytes32.Length];
        WriteSigningHash(transaction, transaction.GetFieldsLength(), hash);
        return Bytes32.FromBytes(hash);
    }

    /// <summary>
    /// Signs with a 32-byte private key (RFC 6979, low-s). Derives the sender from the key, which
    /// costs a second elliptic-curve operation; <see cref="PrivateKeySigner.Sign"/> does not.
    /// </summary>
    /// <exception cref="ArgumentException">The key is invalid, or the transaction breaks a rule a signer can check (<see cref="Transaction.FindProtocolProblem"/>).</exception>
    public static SignedTransaction Sign(Transaction transaction, ReadOnlySpan<byte> privateKey)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        EnsureSignable(transaction);
        var from = Address.FromPrivateKey(privateKey);
        return SignCore(transaction, privateKey, from);
    }

    /// <summary>
    /// Builds the signed transaction from a signature made elsewhere (a key store, a KMS) over
    /// <see cref="GetSigningHash"/>. <paramref name="from"/> is trusted, not recovered: pass the
    /// address of the key that signed; <see cref="TransactionDecoder.Decode(ReadOnlySpan{byte})"/>
    /// on the result's raw bytes verifies it when the signature's origin is not trusted.
    /// </summary>
    /// <exception cref="ArgumentException">The signature is not valid for a transaction (<see cref="Signature.Problem"/>) or the transaction breaks a protocol rule.</exception>
    public static SignedTransaction Attach(Transaction transaction, Signature signature, Address from)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        EnsureSignable(transaction);
        if (signature.Problem() is { } problem)
        {
            throw new ArgumentException($"The signature cannot be used in a transaction: {problem}.", nameof(signature));
        }

        return Assemble(transaction, transaction.GetFieldsLength(), signature, from);
    }

    [SkipLocalsInit]
    internal static SignedTransaction SignCore(Transaction transaction, ReadOnlySpan<byte> privateKey, Address from)
    {
        var fieldsLength = transaction.GetFieldsLength();
        Span<byte> hash = stackalloc byte[Bytes32.Length];
        WriteSigningHash(transaction, fieldsLength, hash);
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        var recoveryId = Secp256k1.SignRecoverable(hash, privateKey, compact);
        return Assemble(transaction, fieldsLength, Signature.FromCompact(compact, recoveryId), from);
    }

    internal static void EnsureSignable(Transaction transaction)
    {
        if (transaction.FindProtocolProblem() is { } problem)
        {
            throw new ArgumentException($"Refusing to sign a transaction the network would reject: {problem}.", nameof(transaction));
        }
    }

    [SkipLocalsInit]
    internal static void WriteSigningHash(Transaction transaction, int fieldsLength, Span<byte> hash)
    {
        var length = TransactionEncoding.GetSigningPayloadLength(transaction, fieldsLength);
        byte[]? rented = null;
        var buffer = length <= StackPayloadLimit
            ? stackalloc byte[StackPayloadLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = TransactionEncoding.WriteSigningPayload(transaction, fieldsLength, buffer);
            Keccak256.Hash(buffer[..written], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    [SkipLocalsInit]
    private static SignedTransaction Assemble(Transaction transaction, int fieldsLength, Signature signature, Address from)
    {
        var raw = new byte[TransactionEncoding.GetSignedLength(transaction, fieldsLength, signature)];
        TransactionEncoding.WriteSigned(transaction, fieldsLength, signature, raw);
        Span<byte> hash = stackalloc byte[Bytes32.Length];
        Keccak256.Hash(raw, hash);
        return new SignedTransaction(transaction, signature, raw, Bytes32.FromBytes(hash), from);
    }
}
