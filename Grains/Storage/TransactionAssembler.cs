using System.Collections.Immutable;
using System.Data.Common;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// Builds transactions from the rows of "transactions LEFT JOIN attempts" ordered by transaction, then seq: one
/// statement, so one snapshot, gives a transaction and all its attempts together.
/// </summary>
internal sealed class TransactionAssembler
{
    private readonly List<(TransactionRow Row, ImmutableArray<TransactionAttempt>.Builder Attempts)> _items = [];

    /// <summary>SELECT list: the transaction columns (alias t), then the attempt columns (alias a).</summary>
    public static string SelectList { get; } =
        WalletColumns.Select("t", TransactionRow.Columns) + ", " + WalletColumns.Select("a", AttemptRow.Columns);

    /// <summary>Adds the reader's current row.</summary>
    public void Add(DbDataReader reader)
    {
        var id = reader.GetString(0);
        if (_items.Count == 0 || !string.Equals(_items[^1].Row.Id, id, StringComparison.Ordinal))
        {
            _items.Add((TransactionRow.Read(reader, 0), ImmutableArray.CreateBuilder<TransactionAttempt>()));
        }

        var attemptColumn = TransactionRow.Columns.Length;
        if (!reader.IsDBNull(attemptColumn))
        {
            _items[^1].Attempts.Add(AttemptRow.Read(id, reader, attemptColumn).ToAttempt());
        }
    }

    /// <summary>The transactions in the order they were read, with their rows (for cursors).</summary>
    public List<(TransactionRow Row, WalletTransaction Transaction)> Build() =>
        _items.Select(i => (i.Row, i.Row.ToTransaction(i.Attempts.DrainToImmutable()))).ToList();
}
