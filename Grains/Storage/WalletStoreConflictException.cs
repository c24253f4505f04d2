namespace WalletGrains.Grains.Storage;

/// <summary>Which rule of the wallet tables a rejected write broke.</summary>
public enum WalletStoreConflict
{
    /// <summary>A transaction with this id exists already (transactions primary key).</summary>
    TransactionId,

    /// <summary>
    /// A live (not failed) transaction holds this nonce of the account already (unique index transactions_live_nonce,
    /// invariant 1).
    /// </summary>
    Nonce,

    /// <summary>The transaction has an attempt with this seq already (attempts primary key).</summary>
    AttemptSeq,

    /// <summary>An attempt with this hash exists already (attempts.hash is unique).</summary>
    AttemptHash,

    /// <summary>An update, attempt or idempotency key names a transaction of this account that does not exist.</summary>
    UnknownTransaction,

    /// <summary>An API key with this id exists already.</summary>
    ApiKeyId,

    /// <summary>An API key with this hash exists already.</summary>
    ApiKeyHash,
}

/// <summary>
/// A write broke a uniqueness or reference rule of the wallet tables; the whole commit was rolled back. Account
/// grains own their nonces and ids, so this means a bug or a second writer, never an expected outcome.
/// </summary>
public sealed class WalletStoreConflictException(WalletStoreConflict conflict, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The rule that was broken.</summary>
    public WalletStoreConflict Conflict { get; } = conflict;
}
