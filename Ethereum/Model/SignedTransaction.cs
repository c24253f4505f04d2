using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// A signed transaction: the fields, the signature, the exact EIP-2718 bytes to broadcast, their
/// hash and the sender. Instances come only from signing or from strict decoding (see
/// WalletGrains.Ethereum.Signing), so the parts always agree.
/// </summary>
public sealed record SignedTransaction
{
    internal SignedTransaction(Transaction transaction, Signature signature, ReadOnlyMemory<byte> raw, Bytes32 hash, Address from)
    {
        Transaction = transaction;
        Signature = signature;
        Raw = raw;
        Hash = hash;
        From = from;
    }

    /// <summary>
    /// The signed fields. After signing this is the caller's instance, kept by reference: the
    /// buffer behind its <see cref="Transaction.Data"/> must not be changed afterwards.
    /// </summary>
    public Transaction Transaction { get; }

    /// <summary>y-parity, r and s.</summary>
    public Signature Signature { get; }

    /// <summary>The serialized transaction: the RLP list for legacy, type byte ‖ RLP list for typed (EIP-2718).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The transaction hash, keccak256(<see cref="Raw"/>).</summary>
    public Bytes32 Hash { get; }

    /// <summary>The sender, whose key made <see cref="Signature"/>.</summary>
    public Address From { get; }

    /// <summary>The transaction type.</summary>
    public TransactionType Type => Transaction.Type;

    /// <summary>
    /// The signature's v as the wire carries it: 27/28 for unprotected legacy, chainId·2+35/36 for
    /// EIP-155 legacy, the y-parity (0/1) for typed transactions.
    /// </summary>
    public UInt256 V => TransactionEncoding.GetV(Transaction, Signature.YParity);

    /// <summary><see cref="Raw"/> as lower-case <c>0x</c>-hex, ready for eth_sendRawTransaction.</summary>
    public string RawHex => HexConvert.ToHex(Raw.Span);

    /// <summary><see cref="Hash"/> as lower-case <c>0x</c>-hex.</summary>
    public string HashHex => Hash.ToHex();

    /// <summary>Equal when the raw bytes are equal (every other member follows from them).</summary>
    public bool Equals(SignedTransaction? other) =>
        other is not null && (ReferenceEquals(this, other) || (Hash == other.Hash && Raw.Span.SequenceEqual(other.Raw.Span)));

    /// <inheritdoc />
    public override int GetHashCode() => Hash.GetHashCode();
}
