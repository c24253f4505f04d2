using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains;

/// <summary>
/// One validated send request as it crosses into an <see cref="IAccountGrain"/>. Syntax was checked by
/// the API; the grain checks everything that needs the chain or the account's state. Fee fields are
/// caps: the service picks market fees at or below them.
/// </summary>
/// <param name="RequestHash">SHA-256 (hex) of the canonical request body, compared for Idempotency-Key reuse (invariant 7).</param>
public sealed record SendCommand(
    ulong ChainId,
    Address From,
    Address? To,
    UInt256 Value,
    ReadOnlyMemory<byte> Data,
    ulong? GasLimit,
    UInt256? MaxFeePerGas,
    UInt256? MaxPriorityFeePerGas,
    UInt256? GasPrice,
    string? ApiKeyId,
    string? IdempotencyKey,
    string RequestHash);

/// <summary>The result of one <see cref="SendCommand"/>: the transaction, or an error that persisted nothing.</summary>
/// <param name="Replayed">True when an earlier transaction with the same Idempotency-Key and body was returned.</param>
public sealed record SendOutcome(WalletTransaction? Transaction, WalletError? Error, bool Replayed)
{
    public static SendOutcome Accepted(WalletTransaction transaction, bool replayed = false) => new(transaction, null, replayed);

    public static SendOutcome Rejected(WalletError error) => new(null, error, false);
}

/// <summary>An expected failure with a stable <see cref="WalletErrorCodes">code</see>.</summary>
/// <param name="Data">Extra detail, such as revert data as 0x-hex.</param>
public sealed record WalletError(string Code, string Message, string? Data = null);
