namespace WalletGrains.Ethereum.Model;

/// <summary>
/// Where a raw transaction was rejected, from the outside in. The names follow the layers the
/// shared transaction vectors annotate (<c>rlp_structure</c>, <c>field_encoding</c>, ...).
/// </summary>
public enum TransactionDecodeLayer
{
    /// <summary>Not a well-formed EIP-2718 envelope or RLP list: truncated, trailing bytes, wrong field count, unknown type, a list where a field belongs.</summary>
    RlpStructure,

    /// <summary>A field is not in its one canonical form: leading zeros, a wrapped single byte, a 19- or 21-byte address, a 31-byte storage key.</summary>
    FieldEncoding,

    /// <summary>A field is wider than its type: nonce, gas limit or chain id over 64 bits, value, fees, r or s over 256 bits.</summary>
    FieldRange,

    /// <summary>The signature cannot be valid: r or s zero or out of range, s above n/2 (EIP-2), bad v or y-parity, no recoverable key, wrong chain.</summary>
    Signature,
}

/// <summary>Why a raw transaction was rejected: the layer and a message naming the field, offset and value.</summary>
/// <param name="Layer">Where the input failed.</param>
/// <param name="Message">What failed, for people.</param>
public sealed record TransactionDecodeError(TransactionDecodeLayer Layer, string Message)
{
    /// <summary><c>Layer: message</c>.</summary>
    public override string ToString() => $"{Layer}: {Message}";
}
