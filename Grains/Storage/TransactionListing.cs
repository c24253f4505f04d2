using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// A <see cref="TransactionQuery"/> checked and in stored form. Order is newest first: created_at_ms, then id,
/// both descending (ids compare as bytes: ordinal). The cursor is opaque to clients: base64url of
/// "{created_at_ms}:{id}" of the last item of the previous page; the next page holds rows strictly after it.
/// </summary>
internal sealed record TransactionListing(long? ChainId, string? From, string? Status, int Limit, long? AfterCreatedAtMs, string? AfterId)
{
    /// <summary>Largest page size (DESIGN.md §6 list endpoint).</summary>
    public const int MaxLimit = 500;

    public static TransactionListing Create(TransactionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"Limit {query.Limit} is outside 1..{MaxLimit}.");
        }

        long? afterCreated = null;
        string? afterId = null;
        if (query.Cursor is not null)
        {
            (afterCreated, afterId) = Decode(query.Cursor);
        }

        return new TransactionListing(
            query.ChainId is { } chainId ? WalletColumns.ToInt64(chainId, "chain id") : null,
            query.From?.ToLowerHex(),
            query.Status,
            query.Limit,
            afterCreated,
            afterId);
    }

    /// <summary>The cursor that continues after <paramref name="last"/>.</summary>
    public static string Encode(TransactionRow last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAtMs}:{last.Id}")));

    /// <summary>Whether <paramref name="row"/> passes the filters and comes after the cursor (the memory store's WHERE clause).</summary>
    public bool Matches(TransactionRow row) =>
        (ChainId is null || row.ChainId == ChainId)
        && (From is null || row.From == From)
        && (Status is null || row.Status == Status)
        && (AfterCreatedAtMs is not { } created || row.CreatedAtMs < created || (row.CreatedAtMs == created && string.CompareOrdinal(row.Id, AfterId) < 0));

    /// <summary>Builds the page from up to Limit + 1 transactions in list order; the extra one only says a next page exists.</summary>
    public TransactionPage Page(IReadOnlyList<(TransactionRow Row, WalletTransaction Transaction)> fetched)
    {
        var count = Math.Min(fetched.Count, Limit);
        var items = new List<WalletTransaction>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(fetched[i].Transaction);
        }

        return new TransactionPage(items, fetched.Count > Limit ? Encode(fetched[Limit - 1].Row) : null);
    }

    private static (long CreatedAtMs, string Id) Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var created))
            {
                return (created, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException($"Cursor '{cursor}' is not one this service returned.", nameof(cursor));
    }
}
