using System.Text.RegularExpressions;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// An ordered table of rows, each with a case-insensitive regular expression over a node's error text; the first
/// row whose expression matches classifies the text. Shared by the RPC error classifier and the log-query refusals.
/// </summary>
public sealed class MessagePatternTable<TRow>
    where TRow : class
{
    private readonly TRow[] _rows;
    private readonly Regex[] _compiled;

    public MessagePatternTable(TRow[] rows, Func<TRow, string> pattern)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(pattern);
        _rows = rows;
        _compiled = [.. rows.Select(r => new Regex(pattern(r), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))];
    }

    /// <summary>The rows, in matching order.</summary>
    public IReadOnlyList<TRow> Rows => _rows;

    /// <summary>The first row matching the text, or null.</summary>
    public TRow? FindRow(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        for (var i = 0; i < _rows.Length; i++)
        {
            if (_compiled[i].IsMatch(text))
            {
                return _rows[i];
            }
        }

        return null;
    }
}
