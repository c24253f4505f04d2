using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains.Accounts;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// The compact form an account keeps its queued transactions in: taken for transactions as the send path makes
/// them, rebuilt to exactly the record it came from, and refused (the record kept) whenever it could not be.
/// </summary>
public sealed class QueuedTransactionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = PrivateKeyGenerator.Generate();
    private static readonly string RequestHash = new string('a', 32) + new string('7', 32);

    public static TheoryData<string> Shapes => ["eip1559", "legacy", "contract creation", "with data", "caps and idempotency key", "no request hash", "upper-case request hash", "another offset", "an id of another form"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_queued_transaction_as_the_send_path_makes_it_is_held_compact_and_rebuilt_exactly(string shape)
    {
        var original = Queued(shape);

        var queued = QueuedTransaction.From(original);
        var rebuilt = queued.ToTransaction();

        Assert.True(queued.IsCompact);
        Assert.NotSame(original, rebuilt);
        AssertSameRecord(original, rebuilt);
        Assert.Equal(original.Id, rebuilt.Id);
        Assert.Equal(original.CreatedAt.Offset, rebuilt.CreatedAt.Offset);
        Assert.Equal(original.Nonce, queued.Nonce);
        Assert.Equal(LiveSet.MaxCost(original), queued.MaxCost);
    }

    [Fact]
    public void A_transaction_whose_bytes_do_not_decode_is_kept_as_it_is()
    {
        var original = Queued("eip1559");
        var broken = original with { Attempts = [original.Attempts[0] with { Raw = new byte[] { 1, 2, 3 } }] };

        var queued = QueuedTransaction.From(broken);

        Assert.False(queued.IsCompact);
        Assert.Same(broken, queued.ToTransaction());
    }

    public static TheoryData<string> Departures => ["fields differ from the bytes", "a second history entry", "submitted at", "updated later", "cancel requested", "a bump", "another status"];

    [Theory]
    [MemberData(nameof(Departures))]
    public void A_transaction_that_differs_from_what_its_bytes_and_creation_give_is_kept_as_it_is(string departure)
    {
        var t = Queued("eip1559");
        var changed = departure switch
        {
            "fields differ from the bytes" => t with { Value = t.Value + UInt256.One },
            "a second history entry" => t.WithNote(t.CreatedAt, "note"),
            "submitted at" => t with { Attempts = [t.Attempts[0] with { SubmittedAt = T0 }] },
            "updated later" => t with { UpdatedAt = T0.AddSeconds(1) },
            "cancel requested" => t with { CancelRequested = true },
            "a bump" => t with { Attempts = t.Attempts.Add(t.Attempts[0] with { Seq = 1, Kind = TransactionAttempt.Bump }) },
            _ => t with { Status = TransactionStatus.Submitted },
        };

        var queued = QueuedTransaction.From(changed);

        Assert.False(queued.IsCompact);
        Assert.Same(changed, queued.ToTransaction());
    }

    [Fact]
    public void The_live_set_answers_queued_transactions_from_the_compact_form_and_promotes_them()
    {
        var set = new LiveSet();
        var first = Queued("eip1559", nonce: 5);
        var second = Queued("legacy", nonce: 6);
        set.AddRange([second, first]);
        var reserved = LiveSet.MaxCost(first) + LiveSet.MaxCost(second);

        Assert.Equal(2, set.QueuedCount);
        Assert.Equal(5UL, set.LowestQueuedNonce);
        Assert.Equal(reserved, set.ReservedCost);
        Assert.Equal([first.Id, second.Id], set.Queued.Select(t => t.Id));
        Assert.True(set.TryGet(second.Id, out var found));
        AssertSameRecord(second, found);
        Assert.False(set.TryGetByAttempt(first.Attempts[0].Hash, out _));
        AssertSameRecord(first, set.LowestUnmined!);

        // Promoted: it leaves the queue and is held as the record it now is.
        var submitted = set.Queued.First().WithStatus(TransactionStatus.Submitted, T0.AddSeconds(1));
        set.Replace(submitted);

        Assert.Equal(1, set.QueuedCount);
        Assert.Equal(6UL, set.LowestQueuedNonce);
        Assert.Equal(1, set.InFlightCount);
        Assert.Equal(reserved, set.ReservedCost);
        Assert.True(set.TryGet(first.Id, out var promoted));
        Assert.Same(submitted, promoted);
        Assert.True(set.TryGetByAttempt(first.Attempts[0].Hash, out var byHash));
        Assert.Same(submitted, byHash);
        Assert.Equal([first.Id], set.Sent.Select(t => t.Id));
        Assert.Throws<InvalidOperationException>(() => set.Add(second));

        // Cancelled while queued: its reservation goes with it.
        set.Replace(found.WithStatus(TransactionStatus.Cancelled, T0.AddSeconds(2)));
        set.RemoveTerminal();

        Assert.Equal(0, set.QueuedCount);
        Assert.Null(set.LowestQueuedNonce);
        Assert.Equal(LiveSet.MaxCost(first), set.ReservedCost);
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void A_compact_queued_transaction_is_held_outside_the_young_generations()
    {
        // The pinned object heap is collected with generation 2 only, so the frequent collections neither mark nor copy it.
        var queued = QueuedTransaction.From(Queued("eip1559"));

        Assert.True(queued.IsCompact);
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(queued.HeldForm));
    }

    [Fact]
    public void The_live_set_tells_queued_ids_of_any_form_apart_and_orders_a_nonce_s_ties_by_id()
    {
        var set = new LiveSet();
        var (lower, upper, other) = ("tx_" + new string('a', 32), "tx_" + new string('A', 32), "tx_1");
        var a = Queued("eip1559", nonce: 7) with { Id = lower };
        var b = Queued("legacy", nonce: 7) with { Id = upper };
        var c = Queued("eip1559", nonce: 7) with { Id = other };
        var next = Queued("legacy", nonce: 8);
        set.AddRange([next, a, c, b]);

        Assert.Equal([other, upper, lower, next.Id], set.Queued.Select(t => t.Id));
        foreach (var t in new[] { a, b, c, next })
        {
            Assert.True(set.TryGet(t.Id, out var found));
            AssertSameRecord(t, found);
        }

        Assert.False(set.TryGet("tx_" + new string('b', 32), out _));
        Assert.False(set.TryGet("tx_" + new string('a', 31) + "A", out _));
        Assert.Throws<InvalidOperationException>(() => set.Add(Queued("legacy", nonce: 9) with { Id = upper }));

        // One taken from the middle of a nonce's ties, one from the front.
        set.Replace(b.WithStatus(TransactionStatus.Submitted, T0.AddSeconds(1)));
        set.Replace(c.WithStatus(TransactionStatus.Submitted, T0.AddSeconds(1)));
        Assert.Equal([lower, next.Id], set.Queued.Select(t => t.Id));
        Assert.Equal(7UL, set.LowestQueuedNonce);
        Assert.Equal(2, set.InFlightCount);
    }

    private static WalletTransaction Queued(string shape, ulong nonce = 3)
    {
        var to = shape == "contract creation" ? (Address?)null : Address.FromPrivateKey(PrivateKeyGenerator.Generate());
        byte[] data = shape is "with data" or "contract creation" ? [0x60, 0x80, 0x60, 0x40, 0x52, 0x00, 0x01] : [];
        Transaction tx = shape == "legacy"
            ? new LegacyTransaction { ChainId = 31337, Nonce = nonce, GasLimit = 21_000, To = to, Value = new UInt256(12_345), Data = data, GasPrice = new UInt256(3_000_000_000) }
            : new Eip1559Transaction { ChainId = 31337, Nonce = nonce, GasLimit = 90_000, To = to, Value = new UInt256(1_000_000_007), Data = data, MaxFeePerGas = new UInt256(4_000_000_000), MaxPriorityFeePerGas = new UInt256(1_000_000_000) };
        var signed = TransactionSigner.Sign(tx, Key);
        var (maxFee, maxPriority, gasPrice) = tx is LegacyTransaction legacy
            ? ((UInt256?)null, (UInt256?)null, (UInt256?)legacy.GasPrice)
            : (((Eip1559Transaction)tx).MaxFeePerGas, ((Eip1559Transaction)tx).MaxPriorityFeePerGas, null);
        var at = shape == "another offset" ? T0.ToOffset(TimeSpan.FromHours(-5)) : T0;
        var attempt = new TransactionAttempt(0, TransactionAttempt.Original, signed.Hash, signed.Raw, maxFee, maxPriority, gasPrice, at, null);
        var caps = shape == "caps and idempotency key";
        var requestHash = shape switch
        {
            "no request hash" => null,
            "upper-case request hash" => RequestHash.ToUpperInvariant(),
            _ => RequestHash,
        };
        return new WalletTransaction(
            shape == "an id of another form" ? "imported-7" : "tx_" + Guid.NewGuid().ToString("N"), 31337, signed.From, to, tx.Value, data, nonce, tx.GasLimit,
            caps ? new UInt256(5_000_000_000) : null, caps ? new UInt256(2_000_000_000) : null, null,
            TransactionStatus.Queued, signed.Hash, [attempt], null, null, false, at, at,
            [new StatusChange(TransactionStatus.Queued, at, null)], "key_1", caps ? "order-42" : null, requestHash);
    }

    private static void AssertSameRecord(WalletTransaction expected, WalletTransaction actual)
    {
        // The record's own equality compares memory by reference, so the bytes are compared apart.
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.Attempts.Length, actual.Attempts.Length);
        for (var i = 0; i < expected.Attempts.Length; i++)
        {
            Assert.Equal(expected.Attempts[i].Raw.ToArray(), actual.Attempts[i].Raw.ToArray());
            Assert.Equal(expected.Attempts[i] with { Raw = default }, actual.Attempts[i] with { Raw = default });
        }

        Assert.Equal(expected.History, actual.History);
        Assert.Equal(
            expected with { Data = default, Attempts = default, History = default },
            actual with { Data = default, Attempts = default, History = default });
    }
}
