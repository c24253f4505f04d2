namespace WalletGrains.Ethereum.Model;

/// <summary>
/// A recoverable secp256k1 ECDSA signature as transactions carry it: the y-parity of the nonce
/// point R (the recovery id, 0 or 1) and the scalars r and s.
/// </summary>
/// <param name="YParity">0 or 1. Legacy transactions encode it inside v (27/28 or chainId·2+35/36).</param>
/// <param name="R">x-coordinate of the nonce point, in [1, n-1].</param>
/// <param name="S">Signature proof, in [1, n/2] for transactions (EIP-2 low-s rule).</param>
public readonly record struct Signature(byte YParity, UInt256 R, UInt256 S)
{
    /// <summary>Length of the compact r ‖ s form.</summary>
    public const int CompactLength = 64;

    /// <summary>n, the order of the secp256k1 group.</summary>
    public static UInt256 CurveOrder { get; } = new(0xBFD25E8CD0364141UL, 0xBAAEDCE6AF48A03BUL, 0xFFFFFFFFFFFFFFFEUL, 0xFFFFFFFFFFFFFFFFUL);

    /// <summary>⌊n/2⌋, the largest s that EIP-2 (Homestead) allows in a transaction signature.</summary>
    public static UInt256 HalfCurveOrder { get; } = new(0xDFE92F46681B20A0UL, 0x5D576E7357A4501DUL, 0xFFFFFFFFFFFFFFFFUL, 0x7FFFFFFFFFFFFFFFUL);

    /// <summary>Builds a signature from the compact r ‖ s bytes and a recovery id (0 or 1).</summary>
    public static Signature FromCompact(ReadOnlySpan<byte> compact, int recoveryId)
    {
        if (compact.Length != CompactLength)
        {
            throw new ArgumentException($"A compact signature is {CompactLength} bytes, got {compact.Length}.", nameof(compact));
        }

        if (recoveryId is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(recoveryId), recoveryId, "Transaction signatures need a recovery id of 0 or 1.");
        }

        return new Signature((byte)recoveryId, UInt256.FromBigEndian(compact[..32]), UInt256.FromBigEndian(compact[32..]));
    }

    /// <summary>Writes r ‖ s, each 32 bytes big-endian.</summary>
    public void WriteCompact(Span<byte> destination)
    {
        if (destination.Length < CompactLength)
        {
            throw new ArgumentException($"Destination needs {CompactLength} bytes, got {destination.Length}.", nameof(destination));
        }

        R.WriteBigEndian(destination);
        S.WriteBigEndian(destination[32..]);
    }

    /// <summary>
    /// Why this signature may not appear in a transaction, or null when it may: y-parity must be
    /// 0 or 1, r in [1, n-1], s in [1, n/2] (EIP-2).
    /// </summary>
    public string? Problem()
    {
        if (YParity > 1)
        {
            return $"y-parity {YParity} is not 0 or 1";
        }

        if (R.IsZero || R >= CurveOrder)
        {
            return $"r = {R.ToHexQuantity()} is outside [1, n-1]";
        }

        if (S.IsZero)
        {
            return "s = 0";
        }

        return S > HalfCurveOrder ? $"s = {S.ToHexQuantity()} is above n/2 (EIP-2 requires low s)" : null;
    }
}
