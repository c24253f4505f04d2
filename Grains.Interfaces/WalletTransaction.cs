using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains;

/// <summary>
/// A custodied transaction as stored and as the REST resource shows it (DESIGN.md §6). One nonce,
/// one or more signed attempts (fee bumps, a cancel), exactly one terminal state at the end.
/// </summary>
/// <param name="MaxFeePerGasCap">The request's cap, if any (the chain's cap applies always).</param>
/// <param name="Hash">The hash of the attempt that was mined, else of the newest attempt.</param>
public sealed record WalletTransaction(
    string Id,
    ulong ChainId,
    Address From,
    Address? To,
    UInt256 Value,
    ReadOnlyMemory<byte> Data,
    ulong Nonce,
    ulong GasLimit,
    UInt256? MaxFeePerGasCap,
    UInt256? MaxPriorityFeePerGasCap,
    UInt256? GasPriceCap,
    string Status,
    Bytes32? Hash,
    ImmutableArray<TransactionAttempt> Attempts,
    TransactionReceipt? Receipt,
    WalletError? Error,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ImmutableArray<StatusChange> History,
    string? ApiKeyId,
    string? IdempotencyKey,
    string? RequestHash)
{
    /// <summary>True for confirmed, cancelled and failed.</summary>
    public bool IsTerminal => TransactionStatus.IsTerminal(Status);

    /// <summary>The newest attempt, if any.</summary>
    public TransactionAttempt? LatestAttempt => Attempts.IsDefaultOrEmpty ? null : Attempts[^1];

    /// <summary>A copy in a new status with the change recorded in the history.</summary>
    public WalletTransaction WithStatus(string status, DateTimeOffset at, string? detail = null) =>
        this with { Status = status, UpdatedAt = at, History = History.Add(new StatusChange(status, at, detail)) };

    /// <summary>A copy with a history entry in the current status (a fee bump, a cancel request).</summary>
    public WalletTransaction WithNote(DateTimeOffset at, string detail) =>
        this with { UpdatedAt = at, History = History.Add(new StatusChange(Status, at, detail)) };
}

/// <summary>
/// One signed attempt at the transaction's nonce. Durable before its bytes leave the process
/// (invariant 2); <see cref="SubmittedAt"/> is null until it was first broadcast.
/// </summary>
/// <param name="Seq">0 for the original, then 1, 2, … for replacements.</param>
/// <param name="Kind">"original", "bump" or "cancel".</param>
public sealed record TransactionAttempt(
    int Seq,
    string Kind,
    Bytes32 Hash,
    ReadOnlyMemory<byte> Raw,
    UInt256? MaxFeePerGas,
    UInt256? MaxPriorityFeePerGas,
    UInt256? GasPrice,
    DateTimeOffset SignedAt,
    DateTimeOffset? SubmittedAt)
{
    public const string Original = "original";
    public const string Bump = "bump";
    public const string Cancel = "cancel";
}

/// <summary>The receipt of the attempt that was included.</summary>
public sealed record TransactionReceipt(
    Bytes32 TransactionHash,
    ulong BlockNumber,
    Bytes32 BlockHash,
    ulong GasUsed,
    UInt256? EffectiveGasPrice,
    bool Success);

/// <summary>One entry of a transaction's status history.</summary>
public sealed record StatusChange(string Status, DateTimeOffset At, string? Detail);

/// <summary>
/// An entry of the event log (DESIGN.md §6): <c>transaction.*</c>, <c>transfer.*</c>, <c>approval</c>,
/// <c>balance.changed</c>. Ids are assigned by the store and increase; <see cref="Data"/> is the
/// event's JSON payload (for transaction events the Transaction resource at the time of the event).
/// </summary>
public sealed record WalletEvent(long Id, string Type, DateTimeOffset CreatedAt, ulong ChainId, bool Removed, string Data);

/// <summary>An event to append; the store gives it its id.</summary>
public sealed record NewWalletEvent(string Type, DateTimeOffset CreatedAt, ulong ChainId, bool Removed, string Data);

/// <summary>The stable event type names.</summary>
public static class WalletEventTypes
{
    public const string TransactionSubmitted = "transaction.submitted";
    public const string TransactionFeeBumped = "transaction.fee_bumped";
    public const string TransactionMined = "transaction.mined";
    public const string TransactionConfirmed = "transaction.confirmed";
    public const string TransactionFailed = "transaction.failed";
    public const string TransactionCancelled = "transaction.cancelled";
    public const string TransferIncoming = "transfer.incoming";
    public const string TransferOutgoing = "transfer.outgoing";
    public const string Approval = "approval";
    public const string BalanceChanged = "balance.changed";
}
