using System.Runtime.InteropServices;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// A queued transaction as its account holds it until its turn to be broadcast. A busy account holds thousands,
/// and each one lives through several collections, so the form is small: a transaction as the send path makes it
/// (one original attempt, signed at creation, never changed since) keeps its signed bytes and the few fields those
/// bytes do not carry, and is rebuilt from them when a turn asks for it. The full record took about 1.4 KB in
/// about nine objects; this takes about a third in three. Anything else (a queued transaction with a history of its
/// own, a bump, bytes of another transaction type) is kept as it is.
/// </summary>
/// <remarks>
/// The compact form is taken only when the record is exactly what creation and its bytes give (checked against the
/// decoded bytes when it is made), so holding a transaction this way never changes what a turn sees.
/// </remarks>
internal sealed class QueuedTransaction
{
    private readonly WalletTransaction? _full;
    private readonly byte[]? _raw;
    private readonly ulong _chainId;
    private readonly Address _from;
    private readonly Bytes32 _hash;
    private readonly string? _apiKeyId;
    private readonly Bytes32 _requestHash;
    private readonly Extras? _extras;

    private QueuedTransaction(WalletTransaction full)
    {
        _full = full;
        Id = full.Id;
        Nonce = full.Nonce;
        MaxCost = LiveSet.MaxCost(full);
        Bumps = full.Attempts.Count(a => a.Kind == TransactionAttempt.Bump);
    }

    private QueuedTransaction(WalletTransaction t, byte[] raw, Bytes32 requestHash, Extras? extras)
    {
        Id = t.Id;
        Nonce = t.Nonce;
        MaxCost = LiveSet.MaxCost(t);
        _raw = raw;
        _chainId = t.ChainId;
        _from = t.From;
        _hash = t.Attempts[0].Hash;
        _apiKeyId = t.ApiKeyId;
        _requestHash = requestHash;
        _extras = extras;
        CreatedAt = t.CreatedAt;
    }

    public string Id { get; }

    public ulong Nonce { get; }

    /// <summary>The cost <see cref="LiveSet.MaxCost"/> gives for the record.</summary>
    public UInt256 MaxCost { get; }

    /// <summary>Fee-bump attempts among the record's attempts (none in the compact form).</summary>
    public int Bumps { get; }

    private DateTimeOffset CreatedAt { get; }

    /// <summary>True when held in the compact form.</summary>
    public bool IsCompact => _full is null;

    /// <summary>The compact form when it rebuilds <paramref name="transaction"/> exactly, else the record itself.</summary>
    public static QueuedTransaction From(WalletTransaction transaction)
    {
        return TryCompact(transaction) ?? new QueuedTransaction(transaction);
    }

    /// <summary>The record: the one kept, or one rebuilt from the compact form (a new instance each time).</summary>
    public WalletTransaction ToTransaction() => _full ?? Rebuild();

    private static QueuedTransaction? TryCompact(WalletTransaction t)
    {
        if (t.Status != TransactionStatus.Queued
            || t.Attempts.Length != 1
            || t.Receipt is not null
            || t.Error is not null
            || t.CancelRequested
            || t.UpdatedAt != t.CreatedAt
            || t.History.Length != 1
            || t.History[0] != new StatusChange(TransactionStatus.Queued, t.CreatedAt, null))
        {
            return null;
        }

        var attempt = t.Attempts[0];
        if (attempt.Seq != 0 || attempt.Kind != TransactionAttempt.Original || attempt.SubmittedAt is not null || attempt.SignedAt != t.CreatedAt || t.Hash != attempt.Hash)
        {
            return null;
        }

        // The attempt's own array when the bytes fill it (as signing makes them), so nothing is copied.
        var raw = MemoryMarshal.TryGetArray(attempt.Raw, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : attempt.Raw.ToArray();

        // The request hash is SHA-256 as lower-case hex: 32 bytes inline instead of a 64-character string.
        var requestHash = default(Bytes32);
        var oddRequestHash = t.RequestHash;
        if (t.RequestHash is { Length: 64 } hex && TryParseLowerHex(hex, out requestHash))
        {
            oddRequestHash = null;
        }

        var extras = t.MaxFeePerGasCap is null && t.MaxPriorityFeePerGasCap is null && t.GasPriceCap is null && t.IdempotencyKey is null && oddRequestHash is null && t.RequestHash is not null
            ? null
            : new Extras(t.MaxFeePerGasCap, t.MaxPriorityFeePerGasCap, t.GasPriceCap, t.IdempotencyKey, t.RequestHash is null, oddRequestHash);

        // What a rebuild takes from the bytes must be what the record holds; the rest it takes from the fields above.
        if (!TransactionEncoding.TryDecodeSigned(raw, out var decoded, out _, out _)
            || Fees(decoded) is not { } fees
            || fees != (attempt.MaxFeePerGas, attempt.MaxPriorityFeePerGas, attempt.GasPrice)
            || decoded.To != t.To || decoded.Value != t.Value || decoded.Nonce != t.Nonce || decoded.GasLimit != t.GasLimit
            || !decoded.Data.Span.SequenceEqual(t.Data.Span))
        {
            return null;
        }

        return new QueuedTransaction(t, raw, requestHash, extras);
    }

    /// <summary>The attempt's fee fields as the bytes give them, for the transaction types the service signs.</summary>
    private static (UInt256? MaxFee, UInt256? MaxPriorityFee, UInt256? GasPrice)? Fees(Transaction decoded) => decoded switch
    {
        Eip1559Transaction d => (d.MaxFeePerGas, d.MaxPriorityFeePerGas, null),
        LegacyTransaction d => (null, null, d.GasPrice),
        _ => null,
    };

    /// <summary>The record from the compact form (whose bytes decoded when it was made).</summary>
    private WalletTransaction Rebuild()
    {
        if (!TransactionEncoding.TryDecodeSigned(_raw, out var decoded, out _, out _) || Fees(decoded) is not { } fees)
        {
            throw new InvalidOperationException($"The queued transaction '{Id}' no longer decodes from its bytes.");
        }

        Span<byte> requestHashBytes = stackalloc byte[Bytes32.Length];
        _requestHash.CopyTo(requestHashBytes);
        var requestHash = _extras switch
        {
            { NoRequestHash: true } => null,
            { OddRequestHash: { } odd } => odd,
            _ => Convert.ToHexStringLower(requestHashBytes),
        };
        var attempt = new TransactionAttempt(0, TransactionAttempt.Original, _hash, _raw, fees.MaxFee, fees.MaxPriorityFee, fees.GasPrice, CreatedAt, null);
        return new WalletTransaction(
            Id, _chainId, _from, decoded.To, decoded.Value, decoded.Data, decoded.Nonce, decoded.GasLimit,
            _extras?.MaxFeePerGasCap, _extras?.MaxPriorityFeePerGasCap, _extras?.GasPriceCap,
            TransactionStatus.Queued, _hash, [attempt], null, null, false, CreatedAt, CreatedAt,
            [new StatusChange(TransactionStatus.Queued, CreatedAt, null)], _apiKeyId, _extras?.IdempotencyKey, requestHash);
    }

    private static bool TryParseLowerHex(string hex, out Bytes32 value)
    {
        value = default;
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        Span<byte> bytes = stackalloc byte[Bytes32.Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Bytes32.Length)
        {
            return false;
        }

        value = Bytes32.FromBytes(bytes);
        return true;
    }

    /// <summary>The fields most queued transactions leave empty.</summary>
    private sealed record Extras(
        UInt256? MaxFeePerGasCap,
        UInt256? MaxPriorityFeePerGasCap,
        UInt256? GasPriceCap,
        string? IdempotencyKey,
        bool NoRequestHash,
        string? OddRequestHash);
}
