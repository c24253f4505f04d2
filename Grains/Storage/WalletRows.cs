using System.Buffers;
using System.Collections.Immutable;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// A transaction as the wallet tables hold it: every column in its stored form (see sql/*/0002_wallet.sql).
/// All three stores convert through this type, so they agree on normalisation (millisecond UTC times, empty
/// arrays, lower-case hex) by construction.
/// </summary>
internal sealed record TransactionRow(
    string Id,
    long ChainId,
    string From,
    string? To,
    string Value,
    byte[] Data,
    long Nonce,
    long GasLimit,
    string? MaxFeeCap,
    string? MaxPriorityFeeCap,
    string? GasPriceCap,
    string Status,
    string? Hash,
    string? Receipt,
    string? ErrorCode,
    string? ErrorMessage,
    string? ErrorData,
    bool CancelRequested,
    long CreatedAtMs,
    long UpdatedAtMs,
    string History,
    string? ApiKeyId,
    string? IdempotencyKey,
    string? RequestHash)
{
    /// <summary>Columns in the order <see cref="Read"/> expects, for SELECT lists (prefix with a table alias).</summary>
    public static readonly string[] Columns =
    [
        "id", "chain_id", "from_address", "to_address", "value", "data", "nonce", "gas_limit",
        "max_fee_cap", "max_priority_fee_cap", "gas_price_cap", "status", "hash", "receipt",
        "error_code", "error_message", "error_data", "cancel_requested", "created_at_ms", "updated_at_ms",
        "history", "api_key_id", "idempotency_key", "request_hash",
    ];

    public static TransactionRow Create(WalletTransaction transaction) => new(
        transaction.Id,
        WalletColumns.ToInt64(transaction.ChainId, "chain id"),
        transaction.From.ToLowerHex(),
        transaction.To?.ToLowerHex(),
        transaction.Value.ToString(),
        transaction.Data.ToArray(),
        WalletColumns.ToInt64(transaction.Nonce, "nonce"),
        WalletColumns.ToInt64(transaction.GasLimit, "gas limit"),
        transaction.MaxFeePerGasCap?.ToString(),
        transaction.MaxPriorityFeePerGasCap?.ToString(),
        transaction.GasPriceCap?.ToString(),
        transaction.Status,
        transaction.Hash?.ToHex(),
        WalletJson.WriteReceipt(transaction.Receipt),
        transaction.Error?.Code,
        transaction.Error?.Message,
        transaction.Error?.Data,
        transaction.CancelRequested,
        transaction.CreatedAt.ToUnixTimeMilliseconds(),
        transaction.UpdatedAt.ToUnixTimeMilliseconds(),
        WalletJson.WriteHistory(transaction.History),
        transaction.ApiKeyId,
        transaction.IdempotencyKey,
        transaction.RequestHash);

    /// <summary>Reads the columns of <see cref="Columns"/> starting at <paramref name="first"/>.</summary>
    public static TransactionRow Read(DbDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetInt64(first + 1),
        reader.GetString(first + 2),
        WalletColumns.NullableString(reader, first + 3),
        reader.GetString(first + 4),
        reader.GetFieldValue<byte[]>(first + 5),
        reader.GetInt64(first + 6),
        reader.GetInt64(first + 7),
        WalletColumns.NullableString(reader, first + 8),
        WalletColumns.NullableString(reader, first + 9),
        WalletColumns.NullableString(reader, first + 10),
        reader.GetString(first + 11),
        WalletColumns.NullableString(reader, first + 12),
        WalletColumns.NullableString(reader, first + 13),
        WalletColumns.NullableString(reader, first + 14),
        WalletColumns.NullableString(reader, first + 15),
        WalletColumns.NullableString(reader, first + 16),
        reader.GetBoolean(first + 17),
        reader.GetInt64(first + 18),
        reader.GetInt64(first + 19),
        reader.GetString(first + 20),
        WalletColumns.NullableString(reader, first + 21),
        WalletColumns.NullableString(reader, first + 22),
        WalletColumns.NullableString(reader, first + 23));

    public WalletTransaction ToTransaction(ImmutableArray<TransactionAttempt> attempts) => new(
        Id,
        (ulong)ChainId,
        Address.Parse(From),
        To is null ? null : Address.Parse(To),
        UInt256.Parse(Value),
        Data,
        (ulong)Nonce,
        (ulong)GasLimit,
        WalletColumns.NullableUInt256(MaxFeeCap),
        WalletColumns.NullableUInt256(MaxPriorityFeeCap),
        WalletColumns.NullableUInt256(GasPriceCap),
        Status,
        Hash is null ? null : Bytes32.Parse(Hash),
        attempts,
        WalletJson.ReadReceipt(Receipt),
        ErrorCode is null ? null : new WalletError(ErrorCode, ErrorMessage ?? string.Empty, ErrorData),
        CancelRequested,
        DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAtMs),
        WalletJson.ReadHistory(History),
        ApiKeyId,
        IdempotencyKey,
        RequestHash);
}

/// <summary>One signed attempt in its stored form (table attempts).</summary>
internal sealed record AttemptRow(
    string TransactionId,
    int Seq,
    string Kind,
    string Hash,
    byte[] Raw,
    string? MaxFeePerGas,
    string? MaxPriorityFeePerGas,
    string? GasPrice,
    long SignedAtMs,
    long? SubmittedAtMs)
{
    /// <summary>Columns in the order <see cref="Read"/> expects, after tx_id (prefix with a table alias).</summary>
    public static readonly string[] Columns =
    [
        "seq", "kind", "hash", "raw", "max_fee_per_gas", "max_priority_fee_per_gas", "gas_price", "signed_at_ms", "submitted_at_ms",
    ];

    public static AttemptRow Create(string transactionId, TransactionAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentException.ThrowIfNullOrEmpty(attempt.Kind);
        return new AttemptRow(
            transactionId,
            attempt.Seq >= 0 ? attempt.Seq : throw new ArgumentOutOfRangeException(nameof(attempt), attempt.Seq, $"Attempt {attempt.Hash} of transaction '{transactionId}' has a negative seq {attempt.Seq}."),
            attempt.Kind,
            attempt.Hash.ToHex(),
            attempt.Raw.ToArray(),
            attempt.MaxFeePerGas?.ToString(),
            attempt.MaxPriorityFeePerGas?.ToString(),
            attempt.GasPrice?.ToString(),
            attempt.SignedAt.ToUnixTimeMilliseconds(),
            attempt.SubmittedAt?.ToUnixTimeMilliseconds());
    }

    /// <summary>Reads <see cref="Columns"/> starting at <paramref name="first"/>.</summary>
    public static AttemptRow Read(string transactionId, DbDataReader reader, int first) => new(
        transactionId,
        reader.GetInt32(first),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        reader.GetFieldValue<byte[]>(first + 3),
        WalletColumns.NullableString(reader, first + 4),
        WalletColumns.NullableString(reader, first + 5),
        WalletColumns.NullableString(reader, first + 6),
        reader.GetInt64(first + 7),
        reader.IsDBNull(first + 8) ? null : reader.GetInt64(first + 8));

    public TransactionAttempt ToAttempt() => new(
        Seq,
        Kind,
        Bytes32.Parse(Hash),
        Raw,
        WalletColumns.NullableUInt256(MaxFeePerGas),
        WalletColumns.NullableUInt256(MaxPriorityFeePerGas),
        WalletColumns.NullableUInt256(GasPrice),
        DateTimeOffset.FromUnixTimeMilliseconds(SignedAtMs),
        SubmittedAtMs is { } submitted ? DateTimeOffset.FromUnixTimeMilliseconds(submitted) : null);
}

/// <summary>An API key in its stored form (table api_keys).</summary>
internal sealed record ApiKeyRow(string Id, string KeyHash, string Role, string AllowedFrom, long CreatedAtMs, long? RevokedAtMs)
{
    public const string Columns = "id, key_hash, role, allowed_from, created_at_ms, revoked_at_ms";

    public static ApiKeyRow Create(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(key.Id);
        ArgumentException.ThrowIfNullOrEmpty(key.KeyHash);
        ArgumentException.ThrowIfNullOrEmpty(key.Role);
        return new ApiKeyRow(key.Id, key.KeyHash, key.Role, WalletJson.WriteAddresses(key.AllowedFrom), key.CreatedAt.ToUnixTimeMilliseconds(), key.RevokedAt?.ToUnixTimeMilliseconds());
    }

    public static ApiKeyRow Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5));

    public ApiKeyRecord ToRecord() => new(
        Id,
        KeyHash,
        Role,
        WalletJson.ReadAddresses(AllowedFrom),
        DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs),
        RevokedAtMs is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);
}

/// <summary>An event in its stored form (table events), checked, before the store gives it its id.</summary>
internal sealed record EventRow(string Type, long CreatedAtMs, long ChainId, bool Removed, string Data)
{
    /// <summary>Columns in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "id, type, created_at_ms, chain_id, removed, data";

    /// <summary>Most events one <see cref="IWalletStore.ReadEventsAsync"/> call returns.</summary>
    public const int MaxReadLimit = 1000;

    /// <summary>
    /// Checks and converts one event. Throws <see cref="ArgumentException"/> for an empty type or data that is not one
    /// JSON value, so every store refuses the same events before writing anything (the tables would refuse them too,
    /// but each with its own error).
    /// </summary>
    public static EventRow Create(NewWalletEvent newEvent)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        ArgumentException.ThrowIfNullOrEmpty(newEvent.Type, nameof(newEvent));
        ArgumentNullException.ThrowIfNull(newEvent.Data, nameof(newEvent));
        try
        {
            using var document = JsonDocument.Parse(newEvent.Data);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The data of a '{newEvent.Type}' event is not a JSON value: {ex.Message}", nameof(newEvent), ex);
        }

        return new EventRow(
            newEvent.Type,
            newEvent.CreatedAt.ToUnixTimeMilliseconds(),
            WalletColumns.ToInt64(newEvent.ChainId, "chain id"),
            newEvent.Removed,
            newEvent.Data);
    }

    /// <summary>Checks and converts a batch for <see cref="IWalletStore.AppendEventsAsync"/>.</summary>
    public static List<EventRow> CreateAll(IReadOnlyList<NewWalletEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = new List<EventRow>(events.Count);
        foreach (var newEvent in events)
        {
            rows.Add(Create(newEvent));
        }

        return rows;
    }

    /// <summary>The arguments of <see cref="IWalletStore.ReadEventsAsync"/>: afterId ≥ 0, 1 ≤ limit ≤ <see cref="MaxReadLimit"/>.</summary>
    public static void CheckRead(long afterId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        if (limit is < 1 or > MaxReadLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"An event read returns 1 to {MaxReadLimit} events; {limit} were asked for.");
        }
    }

    /// <summary>Reads <see cref="Columns"/>.</summary>
    public static WalletEvent Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        (ulong)reader.GetInt64(3),
        reader.GetBoolean(4),
        reader.GetString(5));

    /// <summary>The event as it reads back with id <paramref name="id"/>.</summary>
    public WalletEvent ToEvent(long id) => new(id, Type, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs), (ulong)ChainId, Removed, Data);
}

/// <summary>Column conversions shared by the stores.</summary>
internal static class WalletColumns
{
    public const string AccountColumns = "chain_id, address, next_nonce, version, paused_reason, updated_at_ms";

    public const string IdempotencyColumns = "api_key_id, key, request_hash, tx_id, created_at_ms";

    /// <summary>The status filter of the live set; written the same in the partial index transactions_live so the planner uses it.</summary>
    public const string LiveStatusPredicate = "status NOT IN ('confirmed', 'failed', 'cancelled')";

    /// <summary>
    /// The statuses that hold their nonce, written the same in the partial unique index transactions_live_nonce
    /// (invariant 1): all but failed (its nonce is handed on) and cancelled (a cancel while queued hands its nonce to a
    /// zero-value filler; a mined cancel owns it on chain and the forward-only counter never hands it out again).
    /// </summary>
    public const string NonceHolderPredicate = "status NOT IN ('failed', 'cancelled')";

    /// <summary><see cref="NonceHolderPredicate"/> in C#, for the memory store.</summary>
    public static bool HoldsNonce(string status) => status is not (TransactionStatus.Failed or TransactionStatus.Cancelled);

    /// <summary>
    /// The tables store 64-bit signed integers; chain ids, nonces and gas limits above 2^63-1 do not occur (EIP-2294
    /// bounds chain ids far lower) and are rejected rather than wrapped.
    /// </summary>
    public static long ToInt64(ulong value, string what) =>
        value <= long.MaxValue
            ? (long)value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"The {what} {value} is above 2^63-1, the largest the wallet tables store.");

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static UInt256? NullableUInt256(string? text) => text is null ? null : UInt256.Parse(text);

    public static AccountRecord ReadAccount(DbDataReader reader) => new(
        (ulong)reader.GetInt64(0),
        Address.Parse(reader.GetString(1)),
        (ulong)reader.GetInt64(2),
        reader.GetInt64(3),
        NullableString(reader, 4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));

    /// <summary>The distinct keys of an idempotency lookup as two parallel arrays (API key ids, keys).</summary>
    public static (string[] ApiKeyIds, string[] Keys) IdempotencyKeyColumns(IReadOnlyCollection<(string ApiKeyId, string Key)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = new HashSet<(string, string)>(keys.Count);
        var apiKeyIds = new List<string>(keys.Count);
        var names = new List<string>(keys.Count);
        foreach (var (apiKeyId, key) in keys)
        {
            ArgumentNullException.ThrowIfNull(apiKeyId);
            ArgumentNullException.ThrowIfNull(key);
            if (distinct.Add((apiKeyId, key)))
            {
                apiKeyIds.Add(apiKeyId);
                names.Add(key);
            }
        }

        return ([.. apiKeyIds], [.. names]);
    }

    public static IdempotencyRecord ReadIdempotency(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    /// <summary>A SELECT list of <paramref name="columns"/> with a table alias.</summary>
    public static string Select(string alias, IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"{alias}.{c}"));
}

/// <summary>The JSON columns: history, receipt and an API key's allowed addresses.</summary>
internal static class WalletJson
{
    public static string WriteHistory(ImmutableArray<StatusChange> history) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var change in history.IsDefault ? [] : history)
        {
            writer.WriteStartObject();
            writer.WriteString("status", change.Status);
            writer.WriteNumber("at", change.At.ToUnixTimeMilliseconds());
            writer.WriteString("detail", change.Detail);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    public static ImmutableArray<StatusChange> ReadHistory(string json)
    {
        using var document = JsonDocument.Parse(json);
        var builder = ImmutableArray.CreateBuilder<StatusChange>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            builder.Add(new StatusChange(
                element.GetProperty("status").GetString()!,
                DateTimeOffset.FromUnixTimeMilliseconds(element.GetProperty("at").GetInt64()),
                element.GetProperty("detail").GetString()));
        }

        return builder.MoveToImmutable();
    }

    public static string? WriteReceipt(TransactionReceipt? receipt) => receipt is null ? null : Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("transactionHash", receipt.TransactionHash.ToHex());
        writer.WriteNumber("blockNumber", receipt.BlockNumber);
        writer.WriteString("blockHash", receipt.BlockHash.ToHex());
        writer.WriteNumber("gasUsed", receipt.GasUsed);
        writer.WriteString("effectiveGasPrice", receipt.EffectiveGasPrice?.ToString());
        writer.WriteBoolean("success", receipt.Success);
        writer.WriteEndObject();
    });

    public static TransactionReceipt? ReadReceipt(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new TransactionReceipt(
            Bytes32.Parse(root.GetProperty("transactionHash").GetString()!),
            root.GetProperty("blockNumber").GetUInt64(),
            Bytes32.Parse(root.GetProperty("blockHash").GetString()!),
            root.GetProperty("gasUsed").GetUInt64(),
            WalletColumns.NullableUInt256(root.GetProperty("effectiveGasPrice").GetString()),
            root.GetProperty("success").GetBoolean());
    }

    public static string WriteAddresses(ImmutableArray<Address> addresses) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var address in addresses.IsDefault ? [] : addresses)
        {
            writer.WriteStringValue(address.ToLowerHex());
        }

        writer.WriteEndArray();
    });

    public static ImmutableArray<Address> ReadAddresses(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => Address.Parse(e.GetString()!))];
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
