using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Signing;

/// <summary>
/// Decodes signed transaction bytes (EIP-2718: a legacy RLP list, or type ‖ RLP list for types
/// 0x01 and 0x02), validates them strictly layer by layer (<see cref="TransactionDecodeLayer"/>),
/// recovers the sender and hashes the bytes.
/// </summary>
/// <remarks>
/// Protocol rules that need chain state or fork context (intrinsic gas, EIP-2681's nonce bound,
/// EIP-3860 init-code size, priority fee ≤ max fee, gas·price overflow) are not checked: a
/// transaction that breaks them decodes, and the node decides.
/// </remarks>
public static class TransactionDecoder
{
    /// <summary>Decodes and recovers the sender, whatever chain the transaction names.</summary>
    /// <exception cref="TransactionDecodeException">The bytes are not a valid signed transaction.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> raw) =>
        TryDecode(raw, null, out var signed, out var error) ? signed : throw new TransactionDecodeException(error);

    /// <summary>
    /// Decodes and also requires the transaction to be valid on <paramref name="expectedChainId"/>:
    /// typed and EIP-155 transactions must name that chain. Unprotected legacy transactions
    /// (v = 27/28) name no chain and are valid on every chain, so they pass.
    /// </summary>
    /// <exception cref="TransactionDecodeException">The bytes are not a valid signed transaction for that chain.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> raw, ulong expectedChainId) =>
        TryDecode(raw, expectedChainId, out var signed, out var error) ? signed : throw new TransactionDecodeException(error);

    /// <summary>Decodes <c>0x</c>-hex (prefix optional).</summary>
    /// <exception cref="FormatException">The text is not hex, or the bytes are not a valid signed transaction.</exception>
    public static SignedTransaction Decode(string rawHex) => Decode(HexConvert.FromHex(rawHex));

    /// <summary>Decodes <c>0x</c>-hex (prefix optional) for <paramref name="expectedChainId"/>.</summary>
    /// <exception cref="FormatException">The text is not hex, or the bytes are not a valid signed transaction for that chain.</exception>
    public static SignedTransaction Decode(string rawHex, ulong expectedChainId) => Decode(HexConvert.FromHex(rawHex), expectedChainId);

    /// <summary>Try-pattern form of <see cref="Decode(ReadOnlySpan{byte})"/>.</summary>
    public static bool TryDecode(
        ReadOnlySpan<byte> raw,
        [NotNullWhen(true)] out SignedTransaction? signed,
        [NotNullWhen(false)] out TransactionDecodeError? error) =>
        TryDecode(raw, null, out signed, out error);

    /// <summary>Try-pattern form of <see cref="Decode(ReadOnlySpan{byte}, ulong)"/>; a null chain id accepts any chain.</summary>
    [SkipLocalsInit]
    public static bool TryDecode(
        ReadOnlySpan<byte> raw,
        ulong? expectedChainId,
        [NotNullWhen(true)] out SignedTransaction? signed,
        [NotNullWhen(false)] out TransactionDecodeError? error)
    {
        signed = null;

        // One copy owned by the result: Raw and the decoded Data share it.
        var owned = raw.ToArray();
        if (!TransactionEncoding.TryDecodeSigned(owned, out var transaction, out var signature, out error))
        {
            return false;
        }

        var unprotected = transaction is LegacyTransaction { ChainId: 0 };
        if (expectedChainId is { } chain && !unprotected && transaction.ChainId != chain)
        {
            error = new TransactionDecodeError(
                TransactionDecodeLayer.Signature,
                $"transaction is signed for chain id {transaction.ChainId}, expected {chain}");
            return false;
        }

        if (!TryRecoverSender(transaction, signature, out var from))
        {
            error = new TransactionDecodeError(TransactionDecodeLayer.Signature, "no public key recovers from this signature (EC recovery failed)");
            return false;
        }

        Span<byte> hash = stackalloc byte[Bytes32.Length];
        Keccak256.Hash(owned, hash);
        signed = new SignedTransaction(transaction, signature, owned, Bytes32.FromBytes(hash), from);
        return true;
    }

    /// <summary>The address whose key produced <paramref name="signature"/> over <paramref name="transaction"/>'s signing hash.</summary>
    [SkipLocalsInit]
    public static bool TryRecoverSender(Transaction transaction, Signature signature, out Address from)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        from = default;
        if (signature.YParity > 1)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[Bytes32.Length];
        TransactionSigner.WriteSigningHash(transaction, transaction.GetFieldsLength(), hash);
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        signature.WriteCompact(compact);
        Span<byte> publicKey = stackalloc byte[Secp256k1.UncompressedPublicKeyLength];
        if (!Secp256k1.TryRecover(hash, compact, signature.YParity, publicKey))
        {
            return false;
        }

        from = Address.FromPublicKey(publicKey);
        return true;
    }
}
