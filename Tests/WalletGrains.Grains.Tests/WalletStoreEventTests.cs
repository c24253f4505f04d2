using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WalletGrains.Grains.Resources;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using static WalletGrains.Grains.Tests.WalletStoreTestData;

namespace WalletGrains.Grains.Tests;

/// <summary>The event log part of the store contract: ids, round trips, atomicity with commits, paging, and id order under concurrency.</summary>
public abstract partial class WalletStoreContractTests
{
    /// <summary>Payloads whose text must come back byte for byte: key order, spacing, escapes and non-ASCII kept as written.</summary>
    private static readonly string[] AwkwardPayloads =
    [
        "{\"z\":1,  \"a\" : [true, null, 1.50, \"\\u00fc\\u002B\"],\n \"nested\":{\"k\":\"v\"}}",
        "{\"text\":\"ü € 😀 <&>\"}",
        "42",
        "\"a JSON string\"",
        "[]",
    ];

    [Fact]
    public async Task Events_committed_with_account_writes_get_increasing_ids_and_round_trip()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var from = NewAddress();
        var full = FullTransaction(1, from, 0);
        var first = new[]
        {
            new NewWalletEvent(WalletEventTypes.TransactionSubmitted, T0.ToOffset(TimeSpan.FromHours(5.5)), 1, false, TransactionResource.ToJson(full)),
            new NewWalletEvent(WalletEventTypes.TransferIncoming, T0.AddMilliseconds(1), (ulong)long.MaxValue, true, AwkwardPayloads[0]),
            new NewWalletEvent(WalletEventTypes.BalanceChanged, T0.AddMilliseconds(2), 0, false, AwkwardPayloads[1]),
        };
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, full) with { NewEvents = [.. first] }, cancellationToken);

        var second = AwkwardPayloads[2..].Select((data, i) => new NewWalletEvent(WalletEventTypes.Approval, T0.AddDays(i), 10, i % 2 == 0, data)).ToArray();
        await Store.CommitAsync(Write(Account(1, from, 1), 1, updated: [full.WithStatus(TransactionStatus.Confirmed, T0.AddMinutes(3))]) with { NewEvents = [.. second] }, cancellationToken);

        var read = await Store.ReadEventsAsync(0, 1000, cancellationToken);
        AssertEvents([.. first, .. second], read);
        AssertIncreasing(read);
    }

    [Fact]
    public async Task Rejected_commits_write_none_of_their_events()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var alice = NewAddress();
        var tx = Transaction(1, alice, 0);
        var key = new IdempotencyRecord("key_1", "order-1", "h", tx.Id, T0);
        await Store.CommitAsync(Write(Account(1, alice, 1), 0, inserted: [tx], keys: [key]) with { NewEvents = [Event(1)] }, cancellationToken);

        // A stale version, a taken idempotency key (the key is checked after everything else), a nonce conflict, a malformed event.
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Store.CommitAsync(Insert(Account(1, alice, 2), 0, Transaction(1, alice, 1)) with { NewEvents = [Event(2), Event(3)] }, cancellationToken));
        var bob = NewAddress();
        var bobTx = Transaction(1, bob, 0);
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(
            () => Store.CommitAsync(Write(Account(1, bob, 1), 0, inserted: [bobTx], keys: [key with { TransactionId = bobTx.Id }]) with { NewEvents = [Event(4)] }, cancellationToken));
        await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Insert(Account(1, alice, 2), 1, Transaction(1, alice, 0)) with { NewEvents = [Event(5)] }, cancellationToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.CommitAsync(Insert(Account(1, bob, 1), 0, bobTx) with { NewEvents = [Event(6), Event(7) with { Data = "{\"unterminated\":" }] }, cancellationToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.CommitAsync(Insert(Account(1, bob, 1), 0, bobTx) with { NewEvents = [Event(8) with { Type = string.Empty }] }, cancellationToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.CommitAsync(Insert(Account(1, bob, 1), 0, bobTx) with { NewEvents = [Event(9) with { ChainId = ulong.MaxValue }] }, cancellationToken));

        Assert.Null(await Store.GetAccountAsync(1, bob, cancellationToken));
        var only = Assert.Single(await Store.ReadEventsAsync(0, 1000, cancellationToken));
        AssertEvent(Event(1), only);

        // The next event that does land follows the first one; the rejected commits left no trace in the ids either.
        await Store.CommitAsync(Insert(Account(1, bob, 1), 0, bobTx) with { NewEvents = [Event(10)] }, cancellationToken);
        var both = await Store.ReadEventsAsync(0, 1000, cancellationToken);
        AssertEvents([Event(1), Event(10)], both);
        Assert.Equal(only.Id + 1, both[1].Id);
    }

    [Fact]
    public async Task Appended_events_get_ids_in_list_order_between_committed_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Empty(await Store.AppendEventsAsync([], cancellationToken));

        var from = NewAddress();
        await Store.CommitAsync(Insert(Account(1, from, 0), 0) with { NewEvents = [Event(1)] }, cancellationToken);
        var batch = AwkwardPayloads.Select((data, i) => new NewWalletEvent(WalletEventTypes.BalanceChanged, T0.AddSeconds(i), 5, i == 1, data)).ToArray();
        var appended = await Store.AppendEventsAsync(batch, cancellationToken);
        await Store.CommitAsync(Insert(Account(1, from, 0), 1) with { NewEvents = [Event(2)] }, cancellationToken);

        AssertEvents(batch, appended);
        AssertIncreasing(appended);
        var read = await Store.ReadEventsAsync(0, 1000, cancellationToken);
        AssertEvents([Event(1), .. batch, Event(2)], read);
        Assert.Equal(appended.Select(e => e.Id), read.Skip(1).Take(batch.Length).Select(e => e.Id));

        // A batch with one bad event is refused whole.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendEventsAsync([Event(3), Event(4) with { Data = "not json" }], cancellationToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendEventsAsync(null!, cancellationToken));
        Assert.Equal(read.Count, (await Store.ReadEventsAsync(0, 1000, cancellationToken)).Count);
    }

    [Theory]
    [InlineData("stale version")]
    [InlineData("taken key")]
    [InlineData("used nonce")]
    [InlineData("version moved on")]
    [InlineData("unknown update")]
    public async Task Commits_arriving_together_each_get_their_own_answer(string fault)
    {
        // Stores may write commits that arrive together as one transaction (PostgreSQL's group commit, SQLite's
        // writer): a bad commit among them must fail alone and leave the others, and their events, in place.
        var cancellationToken = TestContext.Current.CancellationToken;
        const int Accounts = 12;
        var addresses = Enumerable.Range(0, Accounts).Select(_ => NewAddress()).ToArray();
        var firsts = addresses.Select(a => Transaction(1, a, 0)).ToArray();
        var taken = new IdempotencyRecord("key_1", "taken", "h", firsts[0].Id, T0);
        await Store.CommitAsync(Write(Account(1, addresses[0], 1), 0, inserted: [firsts[0]], keys: [taken]), cancellationToken);
        for (var i = 1; i < Accounts; i++)
        {
            await Store.CommitAsync(Insert(Account(1, addresses[i], 1), 0, firsts[i]), cancellationToken);
        }

        var before = await Store.ReadEventsAsync(0, 1000, cancellationToken);

        // Queued without awaiting, so they are in the store's hands at once; every fourth one, from the second, is bad.
        var second = addresses.Select(a => Transaction(1, a, 1)).ToArray();
        static bool Bad(int i) => i % 4 == 1;
        AccountWrite Next(int i) => (Bad(i) ? fault : "good") switch
        {
            "stale version" => Insert(Account(1, addresses[i], 2), 0, second[i]),
            "taken key" => Write(Account(1, addresses[i], 2), 1, inserted: [second[i]], keys: [taken with { TransactionId = second[i].Id, RequestHash = "other" }]),
            "used nonce" => Insert(Account(1, addresses[i], 2), 1, Transaction(1, addresses[i], 0)),
            "version moved on" => Insert(Account(1, addresses[i], 3), 2, second[i]),
            "unknown update" => Write(Account(1, addresses[i], 2), 1, inserted: [second[i]], updated: [Transaction(1, addresses[i], 9).WithStatus(TransactionStatus.Submitted, T0.AddMinutes(1))]),
            _ => Write(Account(1, addresses[i], 2), 1, inserted: [second[i]], updated: [firsts[i].WithStatus(TransactionStatus.Submitted, T0.AddMinutes(1))]),
        };

        var commits = Enumerable.Range(0, Accounts).Select(i => Store.CommitAsync(Next(i) with { NewEvents = [Event(100 + i), Event(200 + i)] }, cancellationToken)).ToArray();
        for (var i = 0; i < Accounts; i++)
        {
            if (!Bad(i))
            {
                Assert.Equal(2, (await commits[i]).Version);
            }
            else if (fault is "stale version" or "version moved on")
            {
                await Assert.ThrowsAsync<InconsistentStateException>(() => commits[i]);
            }
            else if (fault == "taken key")
            {
                var ex = await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => commits[i]);
                Assert.Equal(("key_1", "taken"), (ex.ApiKeyId, ex.Key));
            }
            else
            {
                var expected = fault == "unknown update" ? WalletStoreConflict.UnknownTransaction : WalletStoreConflict.Nonce;
                Assert.Equal(expected, (await Assert.ThrowsAsync<WalletStoreConflictException>(() => commits[i])).Conflict);
            }
        }

        for (var i = 0; i < Accounts; i++)
        {
            var landed = !Bad(i);
            Assert.Equal(landed ? 2 : 1, (await Store.GetAccountAsync(1, addresses[i], cancellationToken))!.Version);
            Assert.Equal(landed ? [0UL, 1UL] : [0UL], (await Store.GetLiveTransactionsAsync(1, addresses[i], cancellationToken)).Select(t => t.Nonce));
            Assert.Equal(landed ? TransactionStatus.Submitted : TransactionStatus.Queued, (await Store.GetTransactionAsync(firsts[i].Id, cancellationToken))!.Status);
            Assert.Equal(landed, await Store.GetTransactionAsync(second[i].Id, cancellationToken) is not null);
        }

        // The good commits' events, each commit's pair together and in its order, ids following on without a hole.
        var after = await Store.ReadEventsAsync(before.Count == 0 ? 0 : before[^1].Id, 1000, cancellationToken);
        var good = Enumerable.Range(0, Accounts).Where(i => !Bad(i)).ToArray();
        Assert.Equal(good.Length * 2, after.Count);
        Assert.Equal(Enumerable.Range(0, after.Count).Select(n => after[0].Id + n), after.Select(e => e.Id));
        var pairs = after.Chunk(2).ToArray();
        Assert.Equal(good, pairs.Select(p => (int)(p[0].CreatedAt - T0).TotalMilliseconds - 100).Order());
        Assert.All(pairs, p => Assert.Equal(p[0].CreatedAt.AddMilliseconds(100), p[1].CreatedAt));
    }

    [Fact]
    public async Task Event_reads_page_after_an_id_up_to_a_limit()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Empty(await Store.ReadEventsAsync(0, 10, cancellationToken));
        var written = new List<WalletEvent>();
        for (var i = 0; i < 5; i++)
        {
            written.AddRange(await Store.AppendEventsAsync([.. Enumerable.Range(i * 5, 5).Select(Event)], cancellationToken));
        }

        // Every page size walks the whole log exactly once, in id order.
        foreach (var limit in new[] { 1, 3, 7, 25, 1000 })
        {
            var seen = new List<WalletEvent>();
            var after = 0L;
            while (true)
            {
                var page = await Store.ReadEventsAsync(after, limit, cancellationToken);
                Assert.InRange(page.Count, 0, limit);
                if (page.Count == 0)
                {
                    break;
                }

                seen.AddRange(page);
                after = page[^1].Id;
            }

            Assert.Equal(written.Select(e => e.Id), seen.Select(e => e.Id));
            AssertEvents([.. Enumerable.Range(0, 25).Select(Event)], seen);
        }

        // After an id in the middle, after the last, far beyond.
        Assert.Equal(written.Skip(11).Take(4).Select(e => e.Id), (await Store.ReadEventsAsync(written[10].Id, 4, cancellationToken)).Select(e => e.Id));
        Assert.Empty(await Store.ReadEventsAsync(written[^1].Id, 10, cancellationToken));
        Assert.Empty(await Store.ReadEventsAsync(long.MaxValue, 10, cancellationToken));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadEventsAsync(0, 0, cancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadEventsAsync(0, 1001, cancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadEventsAsync(-1, 10, cancellationToken));
    }

    /// <summary>
    /// The live stream's guarantee: a reader that resumes after the last id it saw never misses an event, even while
    /// many commits (some rolled back) and appends race. On PostgreSQL this fails with ids from a plain sequence.
    /// </summary>
    [Fact]
    public async Task Polling_reader_sees_every_event_once_in_id_order_while_writers_race()
    {
        const int Accounts = 12;
        const int Commits = 10;
        const int Appenders = 4;
        const int Appends = 15;
        var cancellationToken = TestContext.Current.CancellationToken;
        var committed = new ConcurrentBag<string>();

        var accountWriters = Enumerable.Range(0, Accounts).Select(a => Task.Run(async () =>
        {
            var address = NewAddress();
            var version = 0L;
            for (var c = 0; c < Commits; c++)
            {
                var events = Enumerable.Range(0, 1 + (c % 3)).Select(k => Event($"{{\"account\":{a},\"commit\":{c},\"k\":{k}}}")).ToArray();
                if (c % 3 == 1)
                {
                    // A stale commit races too: its events (and, on PostgreSQL, its counter increment) roll back.
                    var stale = Insert(Account(1, address, (ulong)c), version + 1) with { NewEvents = [Event($"{{\"stale\":{a}}}")] };
                    await Assert.ThrowsAsync<InconsistentStateException>(() => Store.CommitAsync(stale, cancellationToken));
                }

                var written = await Store.CommitAsync(Insert(Account(1, address, (ulong)c), version, Transaction(1, address, (ulong)c)) with { NewEvents = [.. events] }, cancellationToken);
                version = written.Version;
                foreach (var e in events)
                {
                    committed.Add(e.Data);
                }
            }
        }));
        var appenders = Enumerable.Range(0, Appenders).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < Appends; i++)
            {
                var events = new[] { Event($"{{\"appender\":{p},\"i\":{i},\"k\":0}}"), Event($"{{\"appender\":{p},\"i\":{i},\"k\":1}}") };
                var appended = await Store.AppendEventsAsync(events, cancellationToken);
                Assert.Equal(appended[0].Id + 1, appended[1].Id);
                foreach (var e in events)
                {
                    committed.Add(e.Data);
                }
            }
        }));
        var writers = Task.WhenAll([.. accountWriters, .. appenders]);

        var seen = new List<WalletEvent>();
        var last = 0L;
        var polls = 0;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"the writers did not finish in 2 minutes ({seen.Count} events seen)");

            // Read "done" before the read: an empty read that started after the writers finished has seen everything.
            var done = writers.IsCompleted;
            var page = await Store.ReadEventsAsync(last, 50, cancellationToken);
            polls++;
            foreach (var e in page)
            {
                Assert.True(e.Id > last, $"event {e.Id} came after event {last}");
                last = e.Id;
                seen.Add(e);
            }

            if (done && page.Count == 0)
            {
                break;
            }

            if (page.Count == 0)
            {
                await Task.Yield();
            }
        }

        await writers;
        Assert.Equal((Accounts * Enumerable.Range(0, Commits).Sum(c => 1 + (c % 3))) + (Appenders * Appends * 2), committed.Count);

        // Every committed event once, none of the rolled-back ones, and no hole in the ids the reader met.
        Assert.Equal(committed.Order(StringComparer.Ordinal), seen.Select(e => e.Data).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range((int)seen[0].Id, seen.Count).Select(i => (long)i), seen.Select(e => e.Id));
        TestContext.Current.TestOutputHelper?.WriteLine($"{GetType().Name}: {seen.Count} events seen in {polls} polls while they were written.");
    }

    private static NewWalletEvent Event(int n) =>
        new(WalletEventTypes.TransactionMined, T0.AddMilliseconds(n), 1, false, string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{n}}}"));

    private static NewWalletEvent Event(string data) => new(WalletEventTypes.TransferOutgoing, T0, 1, false, data);

    private static void AssertEvents(NewWalletEvent[] expected, IReadOnlyList<WalletEvent> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertEvent(expected[i], actual[i]);
        }
    }

    private static void AssertEvent(NewWalletEvent expected, WalletEvent actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        AssertSameInstant(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.ChainId, actual.ChainId);
        Assert.Equal(expected.Removed, actual.Removed);
        Assert.Equal(expected.Data, actual.Data);
    }

    private static void AssertIncreasing(IReadOnlyList<WalletEvent> events)
    {
        Assert.All(events, e => Assert.True(e.Id > 0, $"event id {e.Id} is not positive"));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Id > events[i - 1].Id, $"event id {events[i].Id} follows {events[i - 1].Id}");
        }
    }
}
