using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// Compares one refresh's reads with the snapshot. A changed value is a <see cref="BalanceChange"/> (a
/// <c>balance.changed</c> event) and a row to write; a pair read for the first time is a row to write and no event — its
/// first value is the baseline, not a change anyone saw happen; a pair whose read failed keeps its row untouched; a
/// stored pair that is no longer followed is removed, without an event.
/// </summary>
public static class BalanceDiff
{
    /// <summary>The changes of reading <paramref name="values"/> (aligned with <paramref name="keys"/>) at <paramref name="blockNumber"/>.</summary>
    public static BalanceChanges Compute(
        IReadOnlyDictionary<BalanceKey, BalanceEntry> snapshot,
        IReadOnlyList<BalanceKey> keys,
        IReadOnlyList<UInt256?> values,
        ulong blockNumber)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count != values.Count)
        {
            throw new ArgumentException($"{keys.Count} keys but {values.Count} values; every key needs its read.", nameof(values));
        }

        var upserts = new List<BalanceEntry>();
        var changes = new List<BalanceChange>();
        var followed = new HashSet<BalanceKey>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            followed.Add(key);
            if (values[i] is not { } value)
            {
                continue;
            }

            if (!snapshot.TryGetValue(key, out var stored))
            {
                upserts.Add(new BalanceEntry(key, value, blockNumber));
            }
            else if (stored.Balance != value)
            {
                upserts.Add(new BalanceEntry(key, value, blockNumber));
                changes.Add(new BalanceChange(key, stored.Balance, value, blockNumber));
            }
        }

        var removals = snapshot.Keys.Where(k => !followed.Contains(k)).ToList();
        return new BalanceChanges(upserts, removals, changes);
    }
}

/// <summary>The rows to write, the pairs to delete and the changed values of one refresh.</summary>
public sealed record BalanceChanges(IReadOnlyList<BalanceEntry> Upserts, IReadOnlyList<BalanceKey> Removals, IReadOnlyList<BalanceChange> Changes);

/// <summary>A balance that differs from the snapshot.</summary>
public sealed record BalanceChange(BalanceKey Key, UInt256 Old, UInt256 New, ulong BlockNumber);
