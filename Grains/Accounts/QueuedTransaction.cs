using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// A queued transaction as its account holds it until its turn to be broadcast. A busy account holds thousands, and
/// each one lives through several collections, so a transaction as the send path makes it (one original attempt,
/// signed at creation, never changed since) is held as one byte array on the pinned object heap: its signed bytes and
/// the fields those bytes do not carry, rebuilt into the record when a turn asks for it. That heap is collected only
/// with generation 2 and never compacted, so a queue costs the frequent collections nothing to mark or copy; held as
/// objects (the form, its bytes, its id, a tree node), the queue was most of what a gen1 collection copied, and the
/// late gen1 pauses of a 5 s burst grew to 14-19 ms (bench/WalletGrains.Bench.Send/README.md, session 29). Anything
/// else (a queued transaction with a history of its own, a bump, bytes of another transaction type) is kept as it is.
/// </summary>
/// <remarks>
/// The compact form is taken only when the record is exactly what creation and its bytes give (checked against the
/// decoded bytes when it is made), so holding a transaction this way never changes what a turn sees.
/// </remarks>
internal readonly struct QueuedTransaction
{
    // The compact form's layout: fixed fields, the caps present, four strings (int32 length in UTF-16 units, -1 for
    // null, then the units, read in place: CapsAt is even, so they are 2-byte aligned), then the signed bytes (int32
    // length, then the bytes). Integers are little-endian.
    private const int NonceAt = 0;
    private const int MaxCostAt = 8;
    private const int CreatedTicksAt = 40;
    private const int CreatedOffsetAt = 48;
    private const int ChainIdAt = 50;
    private const int FromAt = 58;
    private const int HashAt = 78;
    private const int RequestHashAt = 110;
    private const int FlagsAt = 142;
    private const int CapsAt = 144;

    private const byte RequestHashAsBytes = 1;
    private const byte HasMaxFeeCap = 2;
    private const byte HasPriorityFeeCap = 4;
    private const byte HasGasPriceCap = 8;

    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly byte[]? _compact;
    private readonly WalletTransaction? _full;

    private QueuedTransaction(byte[]? compact, WalletTransaction? full)
    {
        _compact = compact;
        _full = full;
    }

    /// <summary>True when held in the compact form.</summary>
    public bool IsCompact => _compact is not null;

    /// <summary>What is held: the compact form's array, or the record.</summary>
    internal object HeldForm => (object?)_compact ?? _full!;

    public ulong Nonce => _full?.Nonce ?? BinaryPrimitives.ReadUInt64LittleEndian(_compact);

    /// <summary>The cost <see cref="LiveSet.MaxCost"/> gives for the record.</summary>
    public UInt256 MaxCost => _full is null ? UInt256.FromBigEndian(_compact.AsSpan(MaxCostAt, 32)) : LiveSet.MaxCost(_full);

    /// <summary>Fee-bump attempts among the record's attempts (none in the compact form).</summary>
    public int Bumps => _full?.Attempts.Count(a => a.Kind == TransactionAttempt.Bump) ?? 0;

    /// <summary>The id, read in place (nothing allocated).</summary>
    public ReadOnlySpan<char> IdSpan => _full is null ? ReadString(_compact!, StringsAt(_compact![FlagsAt]), out _) : _full.Id.AsSpan();

    /// <summary>True when both hold the same form of the same transaction.</summary>
    public bool IsSame(QueuedTransaction other) => ReferenceEquals(_compact, other._compact) && ReferenceEquals(_full, other._full);

    /// <summary>Nonce order, ties (a filler beside the transaction whose nonce it took) by id, ordinal.</summary>
    public static int Compare(QueuedTransaction a, QueuedTransaction b)
    {
        var byNonce = a.Nonce.CompareTo(b.Nonce);
        return byNonce != 0 ? byNonce : a.IdSpan.SequenceCompareTo(b.IdSpan);
    }

    /// <summary>The compact form when it rebuilds <paramref name="transaction"/> exactly, else the record itself.</summary>
    public static QueuedTransaction From(WalletTransaction transaction) =>
        TryCompact(transaction) is { } compact ? new QueuedTransaction(compact, null) : new QueuedTransaction(null, transaction);

    /// <summary>The record: the one kept, or one rebuilt from the compact form (a new instance each time).</summary>
    public WalletTransaction ToTransaction() => _full ?? Rebuild(_compact!);

    private static byte[]? TryCompact(WalletTransaction t)
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

        // What a rebuild takes from the bytes must be what the record holds; the rest it takes from the fields below.
        var raw = attempt.Raw;
        if (!TransactionEncoding.TryDecodeSigned(raw, out var decoded, out _, out _)
            || Fees(decoded) is not { } fees
            || fees != (attempt.MaxFeePerGas, attempt.MaxPriorityFeePerGas, attempt.GasPrice)
            || decoded.To != t.To || decoded.Value != t.Value || decoded.Nonce != t.Nonce || decoded.GasLimit != t.GasLimit
            || !decoded.Data.Span.SequenceEqual(t.Data.Span))
        {
            return null;
        }

        // The request hash is SHA-256 as lower-case hex: 32 bytes in place of a 64-character string.
        Span<byte> requestHash = stackalloc byte[Bytes32.Length];
        var requestHashText = t.RequestHash;
        var flags = (byte)((t.MaxFeePerGasCap is null ? 0 : HasMaxFeeCap) | (t.MaxPriorityFeePerGasCap is null ? 0 : HasPriorityFeeCap) | (t.GasPriceCap is null ? 0 : HasGasPriceCap));
        if (t.RequestHash is { Length: 64 } hex && TryParseLowerHex(hex, requestHash))
        {
            flags |= RequestHashAsBytes;
            requestHashText = null;
        }
        else
        {
            requestHash.Clear();
        }

        var size = StringsAt(flags) + StringSize(t.Id) + StringSize(t.ApiKeyId) + StringSize(t.IdempotencyKey) + StringSize(requestHashText) + 4 + raw.Length;

        // On the pinned object heap: see the summary.
        var compact = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        var span = compact.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span[NonceAt..], t.Nonce);
        LiveSet.MaxCost(t).WriteBigEndian(span.Slice(MaxCostAt, 32));
        BinaryPrimitives.WriteInt64LittleEndian(span[CreatedTicksAt..], t.CreatedAt.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(span[CreatedOffsetAt..], (short)t.CreatedAt.TotalOffsetMinutes);
        BinaryPrimitives.WriteUInt64LittleEndian(span[ChainIdAt..], t.ChainId);
        t.From.Bytes.CopyTo(span.Slice(FromAt, 20));
        attempt.Hash.CopyTo(span.Slice(HashAt, 32));
        requestHash.CopyTo(span.Slice(RequestHashAt, 32));
        span[FlagsAt] = flags;
        var at = CapsAt;
        WriteCap(span, t.MaxFeePerGasCap, ref at);
        WriteCap(span, t.MaxPriorityFeePerGasCap, ref at);
        WriteCap(span, t.GasPriceCap, ref at);
        WriteString(span, t.Id, ref at);
        WriteString(span, t.ApiKeyId, ref at);
        WriteString(span, t.IdempotencyKey, ref at);
        WriteString(span, requestHashText, ref at);

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], raw.Length);
        raw.Span.CopyTo(span[(at + 4)..]);
        return compact;
    }

    /// <summary>The attempt's fee fields as the bytes give them, for the transaction types the service signs.</summary>
    private static (UInt256? MaxFee, UInt256? MaxPriorityFee, UInt256? GasPrice)? Fees(Transaction decoded) => decoded switch
    {
        Eip1559Transaction d => (d.MaxFeePerGas, d.MaxPriorityFeePerGas, null),
        LegacyTransaction d => (null, null, d.GasPrice),
        _ => null,
    };

    /// <summary>The record from the compact form (whose bytes decoded when it was made).</summary>
    private static WalletTransaction Rebuild(byte[] compact)
    {
        var span = compact.AsSpan();
        var flags = span[FlagsAt];
        var at = CapsAt;
        var maxFeeCap = ReadCap(span, HasMaxFeeCap, flags, ref at);
        var priorityFeeCap = ReadCap(span, HasPriorityFeeCap, flags, ref at);
        var gasPriceCap = ReadCap(span, HasGasPriceCap, flags, ref at);
        var id = ReadString(span, at, out at).ToString();
        var apiKeyId = ReadNullableString(span, ref at);
        var idempotencyKey = ReadNullableString(span, ref at);
        var requestHash = ReadNullableString(span, ref at);
        if ((flags & RequestHashAsBytes) != 0)
        {
            requestHash = Convert.ToHexStringLower(span.Slice(RequestHashAt, 32));
        }

        var raw = span.Slice(at + 4, BinaryPrimitives.ReadInt32LittleEndian(span[at..])).ToArray();
        if (!TransactionEncoding.TryDecodeSigned(raw, out var decoded, out _, out _) || Fees(decoded) is not { } fees)
        {
            throw new InvalidOperationException($"The queued transaction '{id}' no longer decodes from its bytes.");
        }

        var createdAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[CreatedTicksAt..]), TimeSpan.Zero)
            .ToOffset(TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[CreatedOffsetAt..])));
        var hash = Bytes32.FromBytes(span.Slice(HashAt, 32));
        var attempt = new TransactionAttempt(0, TransactionAttempt.Original, hash, raw, fees.MaxFee, fees.MaxPriorityFee, fees.GasPrice, createdAt, null);
        return new WalletTransaction(
            id, BinaryPrimitives.ReadUInt64LittleEndian(span[ChainIdAt..]), Address.FromBytes(span.Slice(FromAt, 20)),
            decoded.To, decoded.Value, decoded.Data, decoded.Nonce, decoded.GasLimit, maxFeeCap, priorityFeeCap, gasPriceCap,
            TransactionStatus.Queued, hash, [attempt], null, null, false, createdAt, createdAt,
            [new StatusChange(TransactionStatus.Queued, createdAt, null)], apiKeyId, idempotencyKey, requestHash);
    }

    /// <summary>Where the strings start: after the caps the flags say are present.</summary>
    private static int StringsAt(byte flags) =>
        CapsAt + (32 * BitOperations.PopCount((uint)(flags & (HasMaxFeeCap | HasPriorityFeeCap | HasGasPriceCap))));

    private static int StringSize(string? s) => 4 + (2 * (s?.Length ?? 0));

    private static void WriteCap(Span<byte> span, UInt256? cap, ref int at)
    {
        if (cap is { } value)
        {
            value.WriteBigEndian(span.Slice(at, 32));
            at += 32;
        }
    }

    private static void WriteString(Span<byte> span, string? s, ref int at)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], s?.Length ?? -1);
        at += 4;
        if (s is not null)
        {
            MemoryMarshal.AsBytes(s.AsSpan()).CopyTo(span[at..]);
            at += 2 * s.Length;
        }
    }

    private static UInt256? ReadCap(ReadOnlySpan<byte> span, byte flag, byte flags, ref int at)
    {
        if ((flags & flag) == 0)
        {
            return null;
        }

        at += 32;
        return UInt256.FromBigEndian(span.Slice(at - 32, 32));
    }

    /// <summary>The string at <paramref name="at"/> in place (empty for null), and where the next one starts.</summary>
    private static ReadOnlySpan<char> ReadString(ReadOnlySpan<byte> span, int at, out int next)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        next = at + 4 + (2 * Math.Max(length, 0));
        return length <= 0 ? [] : MemoryMarshal.Cast<byte, char>(span.Slice(at + 4, 2 * length));
    }

    private static string? ReadNullableString(ReadOnlySpan<byte> span, ref int at)
    {
        var isNull = BinaryPrimitives.ReadInt32LittleEndian(span[at..]) < 0;
        var text = ReadString(span, at, out at);
        return isNull ? null : text.ToString();
    }

    /// <summary>
    /// Lower-case hex digits (no prefix) into exactly <paramref name="bytes"/>; false for any other character or length.
    /// Strict, so a form taken from the text gives that text back.
    /// </summary>
    internal static bool TryParseLowerHex(ReadOnlySpan<char> hex, Span<byte> bytes)
    {
        if (hex.Length != 2 * bytes.Length || hex.ContainsAnyExcept(LowerHexDigits))
        {
            return false;
        }

        return Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == bytes.Length;
    }
}
