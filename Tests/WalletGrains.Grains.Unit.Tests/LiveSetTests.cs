using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Accounts;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// The account's indexed live set against the plain list it replaced: after every step of a random
/// lifecycle (sends, promotions, bumps, mining, reorgs, terminal states) its totals and orders equal
/// what a full pass over a list computes.
/// </summary>
public sealed class LiveSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Totals_and_orders_equal_a_full_pass_after_every_step(int seed)
    {
        var random = new Random(seed);
        var set = new LiveSet();
        var model = new List<WalletTransaction>();
        ulong nextNonce = 0;
        var hashes = 0;

        for (var step = 0; step < 2_000; step++)
        {
            var live = model.Where(t => !t.IsTerminal).ToList();
            var op = live.Count == 0 ? 0 : random.Next(6);
            switch (op)
            {
                case 0:
                {
                    // A send: queued or submitted, created at a random time (fillers are younger than their successors).
                    var status = random.Next(2) == 0 ? TransactionStatus.Queued : TransactionStatus.Submitted;
                    var tx = NewTransaction(nextNonce++, status, T0.AddSeconds(random.Next(10_000)), random, ref hashes);
                    set.Add(tx);
                    model.Add(tx);
                    break;
                }

                case 1:
                {
                    // A bump: one more attempt with a higher fee.
                    var tx = live[random.Next(live.Count)];
                    var fee = (tx.LatestAttempt!.MaxFeePerGas ?? UInt256.Zero) + new UInt256((ulong)random.Next(1, 1_000));
                    var attempt = Attempt(tx.Attempts.Length, TransactionAttempt.Bump, fee, ref hashes);
                    Replace(set, model, tx with { Attempts = tx.Attempts.Add(attempt), Hash = attempt.Hash });
                    break;
                }

                case 2:
                {
                    // A status move within the live states (promotion, mining, a reorg back to submitted).
                    var tx = live[random.Next(live.Count)];
                    string[] next = [TransactionStatus.Queued, TransactionStatus.Submitted, TransactionStatus.Mined];
                    Replace(set, model, tx.WithStatus(next[random.Next(next.Length)], T0));
                    break;
                }

                case 3:
                {
                    // A final state; it stays findable until the end of the turn.
                    var tx = live[random.Next(live.Count)];
                    string[] final = [TransactionStatus.Confirmed, TransactionStatus.Failed, TransactionStatus.Cancelled];
                    var done = tx.WithStatus(final[random.Next(final.Length)], T0);
                    Replace(set, model, done);
                    Assert.True(set.TryGet(done.Id, out var found));
                    Assert.Same(done, found);
                    break;
                }

                case 4:
                {
                    // A filler at a nonce already taken by a failed transaction.
                    var tx = live[random.Next(live.Count)];
                    var filler = NewTransaction(tx.Nonce, TransactionStatus.Submitted, T0.AddSeconds(20_000 + step), random, ref hashes);
                    set.Add(filler);
                    model.Add(filler);
                    break;
                }

                default:
                    set.RemoveTerminal();
                    model.RemoveAll(t => t.IsTerminal);
                    break;
            }

            AssertEqualToFullPass(set, model);
        }
    }

    [Fact]
    public void Attempt_hashes_find_their_transaction_until_it_is_removed()
    {
        var set = new LiveSet();
        var hashes = 0;
        var tx = NewTransaction(7, TransactionStatus.Submitted, T0, new Random(1), ref hashes);
        set.Add(tx);
        var bump = Attempt(1, TransactionAttempt.Bump, new UInt256(999), ref hashes);
        var bumped = tx with { Attempts = tx.Attempts.Add(bump) };
        set.Replace(bumped);

        Assert.True(set.TryGetByAttempt(tx.Attempts[0].Hash, out var byOriginal));
        Assert.True(set.TryGetByAttempt(bump.Hash, out var byBump));
        Assert.Same(bumped, byOriginal);
        Assert.Same(bumped, byBump);

        set.Replace(bumped.WithStatus(TransactionStatus.Confirmed, T0));
        set.RemoveTerminal();

        Assert.False(set.TryGetByAttempt(bump.Hash, out _));
        Assert.False(set.TryGet(tx.Id, out _));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Adding_a_live_id_twice_is_refused()
    {
        var set = new LiveSet();
        var hashes = 0;
        var tx = NewTransaction(1, TransactionStatus.Queued, T0, new Random(1), ref hashes);
        set.Add(tx);

        Assert.Throws<InvalidOperationException>(() => set.Add(tx));
        Assert.Equal(1, set.QueuedCount);
    }

    private static void Replace(LiveSet set, List<WalletTransaction> model, WalletTransaction updated)
    {
        set.Replace(updated);
        model[model.FindIndex(t => t.Id == updated.Id)] = updated;
    }

    private static void AssertEqualToFullPass(LiveSet set, List<WalletTransaction> model)
    {
        var reserved = UInt256.Zero;
        foreach (var t in model.Where(t => t.Status is TransactionStatus.Queued or TransactionStatus.Submitted))
        {
            var a = t.LatestAttempt!;
            reserved += t.Value + (UInt256)t.GasLimit * (a.MaxFeePerGas ?? a.GasPrice ?? UInt256.Zero);
        }

        var inFlight = model.Where(t => t.Status is TransactionStatus.Submitted or TransactionStatus.Mined).ToList();
        Assert.Equal(model.Count, set.Count);
        Assert.Equal(reserved, set.ReservedCost);
        Assert.Equal(model.Count(t => t.Status == TransactionStatus.Queued), set.QueuedCount);
        Assert.Equal(inFlight.Count, set.InFlightCount);
        Assert.Equal(inFlight.Count == 0 ? null : inFlight.Min(t => t.CreatedAt), set.OldestInFlight);
        Assert.Equal(model.Sum(t => t.Attempts.Count(a => a.Kind == TransactionAttempt.Bump)), set.Bumps);
        Assert.Equal(
            model.Where(t => t.Status == TransactionStatus.Queued).OrderBy(t => t.Nonce).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.Id),
            set.Queued.Select(t => t.Id));
        Assert.Equal(
            model.Where(t => t.Status != TransactionStatus.Queued).OrderBy(t => t.Nonce).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.Id),
            set.Sent.Select(t => t.Id));
        var lowest = model.Where(t => t.Status is TransactionStatus.Queued or TransactionStatus.Submitted).Select(t => (ulong?)t.Nonce).Min();
        Assert.Equal(lowest, set.LowestUnmined?.Nonce);
    }

    private static WalletTransaction NewTransaction(ulong nonce, string status, DateTimeOffset createdAt, Random random, ref int hashes)
    {
        var attempt = Attempt(0, TransactionAttempt.Original, new UInt256((ulong)random.Next(1, 1_000_000)), ref hashes);
        return new WalletTransaction(
            "tx_" + Guid.NewGuid().ToString("N"), 31337, Address.Zero, Address.Zero, new UInt256((ulong)random.Next(0, 1_000_000)),
            ReadOnlyMemory<byte>.Empty, nonce, (ulong)random.Next(21_000, 100_000), null, null, null, status, attempt.Hash, [attempt], null, null, false,
            createdAt, createdAt, [new StatusChange(status, createdAt, null)], null, null, null);
    }

    private static TransactionAttempt Attempt(int seq, string kind, UInt256 maxFee, ref int hashes)
    {
        var hash = new byte[32];
        BitConverter.TryWriteBytes(hash, ++hashes);
        return new TransactionAttempt(seq, kind, Bytes32.FromBytes(hash), new byte[] { 1 }, maxFee, UInt256.One, null, T0, T0);
    }
}
