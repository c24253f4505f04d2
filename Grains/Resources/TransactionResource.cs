using System.ComponentModel;
using System.Text.Json;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Grains.Resources;

/// <summary>
/// The Transaction resource of DESIGN.md §6, as the REST API returns it and as transaction.* events carry it.
/// Wei amounts are decimal strings, bytes and hashes 0x-hex, addresses EIP-55. Signed raw bytes are never part of it.
/// </summary>
public sealed record TransactionResource(
    string Id,
    ulong ChainId,
    string From,
    [property: Description("Null for a contract creation.")] string? To,
    string Value,
    string Data,
    ulong Nonce,
    ulong GasLimit,
    [property: Description("queued, submitted, mined, confirmed, failed or cancelled.")] string Status,
    [property: Description("Hash of the attempt that was mined, else of the newest attempt.")] string? Hash,
    IReadOnlyList<AttemptResource> Attempts,
    ReceiptResource? Receipt,
    ErrorResource? Error,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<StatusChangeResource> History)
{
    /// <summary>Maps the stored transaction to the resource (named Create: a static From would clash with the <c>from</c> property).</summary>
    public static TransactionResource Create(WalletTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return new TransactionResource(
            tx.Id,
            tx.ChainId,
            tx.From.ToChecksumString(),
            tx.To?.ToChecksumString(),
            tx.Value.ToString(),
            HexConvert.ToHex(tx.Data.Span),
            tx.Nonce,
            tx.GasLimit,
            tx.Status,
            tx.Hash?.ToHex(),
            tx.Attempts.IsDefaultOrEmpty ? [] : [.. tx.Attempts.Select(AttemptResource.From)],
            tx.Receipt is null ? null : ReceiptResource.From(tx.Receipt),
            tx.Error is null ? null : new ErrorResource(tx.Error.Code, tx.Error.Message),
            tx.CancelRequested,
            tx.CreatedAt,
            tx.UpdatedAt,
            tx.History.IsDefaultOrEmpty ? [] : [.. tx.History.Select(h => new StatusChangeResource(h.Status, h.At, h.Detail))]);
    }

    /// <summary>The resource as JSON, written exactly like a response body (<see cref="ResourceJson.Options"/>): an event's data.</summary>
    public static string ToJson(WalletTransaction tx) => JsonSerializer.Serialize(Create(tx), ResourceJson.Options);
}

/// <summary>One signed attempt: its hash and fees, and when it was first broadcast (null: signed, not yet sent).</summary>
public sealed record AttemptResource(string Hash, string? MaxFeePerGas, string? MaxPriorityFeePerGas, string? GasPrice, DateTimeOffset? SubmittedAt)
{
    internal static AttemptResource From(TransactionAttempt attempt) => new(
        attempt.Hash.ToHex(),
        attempt.MaxFeePerGas?.ToString(),
        attempt.MaxPriorityFeePerGas?.ToString(),
        attempt.GasPrice?.ToString(),
        attempt.SubmittedAt);
}

/// <summary>The receipt of the included attempt.</summary>
public sealed record ReceiptResource(
    ulong BlockNumber,
    string BlockHash,
    ulong GasUsed,
    string? EffectiveGasPrice,
    [property: Description("success or reverted.")] string Status)
{
    public const string Success = "success";
    public const string Reverted = "reverted";

    internal static ReceiptResource From(TransactionReceipt receipt) => new(
        receipt.BlockNumber,
        receipt.BlockHash.ToHex(),
        receipt.GasUsed,
        receipt.EffectiveGasPrice?.ToString(),
        receipt.Success ? Success : Reverted);
}

/// <summary>Why a transaction failed or is stuck: a stable code and a message.</summary>
public sealed record ErrorResource(string Code, string Message);

/// <summary>One entry of the status history.</summary>
public sealed record StatusChangeResource(string Status, DateTimeOffset At, string? Detail);
