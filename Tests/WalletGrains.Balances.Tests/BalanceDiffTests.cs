using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Balances;

namespace WalletGrains.Balances.Tests;

/// <summary>The snapshot comparison on random snapshots and reads, against the rules stated on <see cref="BalanceDiff"/>.</summary>
public sealed class BalanceDiffTests
{
    /// <summary>8 addresses × (native, 2 tokens): a small key space, so snapshots and reads overlap often.</summary>
    private static readonly BalanceKey[] Keys =
    [
        .. Enumerable.Range(1, 8).SelectMany(i =>
        {
            var address = Address.FromBytes([.. new byte[19], (byte)i]);
            return new[] { new BalanceKey(address, null), new BalanceKey(address, Address.FromBytes([.. new byte[19], 0xA1])), new BalanceKey(address, Address.FromBytes([.. new byte[19], 0xA2])) };
        }),
    ];

    [Fact]
    public void Applying_the_changes_gives_the_reads_keeps_failed_rows_drops_unfollowed_and_reports_only_real_changes()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<(byte Key, byte Value)[]>(), ArbMap.Default.ArbFor<(byte Key, byte Value)[]>(), (stored, read) =>
        {
            // Values 0..2; a read of 3 is a failed read.
            var snapshot = new Dictionary<BalanceKey, BalanceEntry>();
            foreach (var (k, v) in stored)
            {
                var key = Keys[k % Keys.Length];
                snapshot[key] = new BalanceEntry(key, new UInt256((ulong)(v % 3)), 1);
            }

            var reads = read.GroupBy(r => r.Key % Keys.Length).Select(g => (Key: Keys[g.Key], Value: g.First().Value % 4 == 3 ? (UInt256?)null : new UInt256((ulong)(g.First().Value % 4)))).ToList();
            var diff = BalanceDiff.Compute(snapshot, [.. reads.Select(r => r.Key)], [.. reads.Select(r => r.Value)], 2);

            var applied = snapshot.ToDictionary(e => e.Key, e => e.Value.Balance);
            foreach (var key in diff.Removals)
            {
                applied.Remove(key);
            }

            foreach (var entry in diff.Upserts)
            {
                applied[entry.Key] = entry.Balance;
            }

            var expected = new Dictionary<BalanceKey, UInt256>();
            foreach (var (key, value) in reads)
            {
                if (value is { } v)
                {
                    expected[key] = v;
                }
                else if (snapshot.TryGetValue(key, out var old))
                {
                    expected[key] = old.Balance;
                }
            }

            var expectedChanges = reads
                .Where(r => r.Value is { } v && snapshot.TryGetValue(r.Key, out var old) && old.Balance != v)
                .Select(r => r.Key)
                .ToHashSet();
            return applied.Count == expected.Count
                && expected.All(e => applied.TryGetValue(e.Key, out var got) && got == e.Value)
                && diff.Changes.Select(c => c.Key).ToHashSet().SetEquals(expectedChanges)
                && diff.Changes.All(c => c.Old == snapshot[c.Key].Balance && c.New != c.Old && c.BlockNumber == 2)
                && diff.Upserts.All(u => u.BlockNumber == 2 && (!snapshot.TryGetValue(u.Key, out var old) || old.Balance != u.Balance));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Keys_and_values_must_align()
    {
        Assert.Throws<ArgumentException>(() => BalanceDiff.Compute(new Dictionary<BalanceKey, BalanceEntry>(), [Keys[0]], [], 1));
    }
}
