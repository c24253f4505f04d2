using System.Diagnostics;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using static WalletGrains.Grains.Tests.WalletStoreTestData;

namespace WalletGrains.Grains.Tests;

/// <summary>
/// The behaviour every <see cref="IWalletStore"/> must show; run once per store by the sealed subclasses (SQLite,
/// PostgreSQL, memory), each test on a fresh, empty database. The event log's part is in WalletStoreEventTests.cs.
/// </summary>
public abstract partial class WalletStoreContractTests : IAsyncLifetime
{
    private IWalletStore? _store;

    protected IWalletStore Store => _store ?? throw new InvalidOperationException("Store not opened.");

    public async ValueTask InitializeAsync() => _store = await OpenAsync();

    public async ValueTask DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await CloseAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Transaction_with_every_field_round_trips()
    {
        var from = NewAddress();
        var full = FullTransaction(1, from, 0);
        var plain = Transaction(1, from, 1, T0.AddSeconds(1)) with { To = NewAddress(), Data = new byte[] { 0xa9, 0x05, 0x9c, 0xbb, 0x00 } };
        var account = Account(1, from, 2) with { PausedReason = "fee cap reached", UpdatedAt = T0.ToOffset(TimeSpan.FromHours(2)) };

        var written = await Store.CommitAsync(Insert(account, 0, full, plain), TestContext.Current.CancellationToken);

        Assert.Equal(account with { Version = 1 }, written);
        var stored = await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken);
        Assert.Equal(written, stored);
        Assert.Equal(TimeSpan.Zero, stored!.UpdatedAt.Offset);
        AssertSame(full, await Store.GetTransactionAsync(full.Id, TestContext.Current.CancellationToken));
        AssertSame(plain, await Store.GetTransactionAsync(plain.Id, TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetTransactionAsync("tx_missing", TestContext.Current.CancellationToken));

        var live = await Store.GetLiveTransactionsAsync(1, from, TestContext.Current.CancellationToken);
        Assert.Equal([full.Id, plain.Id], live.Select(t => t.Id));
        AssertSame(full, live[0]);

        var page = await Store.ListTransactionsAsync(new TransactionQuery(null, null, null, 10, null), TestContext.Current.CancellationToken);
        Assert.Equal([plain.Id, full.Id], page.Items.Select(t => t.Id));
        AssertSame(full, page.Items[1]);
        Assert.Null(page.NextCursor);
        Assert.Equal(new StoreCounts(1, 2, 4, 0), await Store.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Account_snapshot_holds_the_account_row_and_its_live_transactions_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var from = NewAddress();
        var other = NewAddress();
        var empty = await Store.GetAccountSnapshotAsync(1, from, ct);
        Assert.Null(empty.Account);
        Assert.Empty(empty.Live);

        var failed = Transaction(1, from, 0, status: TransactionStatus.Failed);
        var full = FullTransaction(1, from, 0);
        var queued = Transaction(1, from, 1, T0.AddSeconds(1));
        var confirmed = Transaction(1, from, 2, status: TransactionStatus.Confirmed);
        await Store.CommitAsync(Insert(Account(1, from, 3) with { PausedReason = "fee cap reached" }, 0, failed, full, queued, confirmed), ct);
        await Store.CommitAsync(Insert(Account(1, other, 1), 0, Transaction(1, other, 0)), ct);
        await Store.CommitAsync(Insert(Account(2, from, 1), 0, Transaction(2, from, 0)), ct);

        var snapshot = await Store.GetAccountSnapshotAsync(1, from, ct);

        Assert.Equal(await Store.GetAccountAsync(1, from, ct), snapshot.Account);
        Assert.Equal("fee cap reached", snapshot.Account!.PausedReason);
        Assert.Equal([full.Id, queued.Id], snapshot.Live.Select(t => t.Id));
        AssertSame(full, snapshot.Live[0]);
        AssertSame(queued, snapshot.Live[1]);
    }

    [Fact]
    public async Task Update_changes_the_mutable_columns_and_adds_attempts()
    {
        var from = NewAddress();
        var tx = Transaction(5, from, 0);
        await Store.CommitAsync(Insert(Account(5, from, 1), 0, tx), TestContext.Current.CancellationToken);

        var bump = Attempt(1, TransactionAttempt.Bump, T0.AddSeconds(30));
        var receipt = new TransactionReceipt(bump.Hash, 12, NewHash(), 21_000, new UInt256(5), true);
        var changed = tx.WithStatus(TransactionStatus.Confirmed, T0.AddMinutes(2), "buried") with
        {
            Hash = bump.Hash,
            Receipt = receipt,
            Error = new WalletError(WalletErrorCodes.FeeCapReached, "held at the cap"),
            CancelRequested = true,
        };

        // Columns fixed at insert (value, nonce, ...) are not rewritten by an update, even when the record differs.
        var withImmutableChanges = changed with { Value = new UInt256(999), Nonce = 7, Attempts = [] };
        var written = await Store.CommitAsync(
            Write(Account(5, from, 1, at: T0.AddMinutes(2)), 1, updated: [withImmutableChanges], attempts: [(tx.Id, bump)]),
            TestContext.Current.CancellationToken);

        Assert.Equal(2, written.Version);
        AssertSame(changed with { Attempts = [tx.Attempts[0], bump] }, await Store.GetTransactionAsync(tx.Id, TestContext.Current.CancellationToken));
        Assert.Empty(await Store.GetLiveTransactionsAsync(5, from, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stale_version_is_rejected_and_writes_nothing()
    {
        var from = NewAddress();
        var first = Transaction(1, from, 0);
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, first), TestContext.Current.CancellationToken);
        var second = Transaction(1, from, 1);
        Assert.Equal(2, (await Store.CommitAsync(Insert(Account(1, from, 2), 1, second), TestContext.Current.CancellationToken)).Version);
        var before = await Store.CountAsync(TestContext.Current.CancellationToken);

        // A stale activation (it saw version 1) writes a fresh nonce, an update, an attempt and a key.
        var stale = Write(
            Account(1, from, 3),
            1,
            inserted: [Transaction(1, from, 2)],
            updated: [first.WithStatus(TransactionStatus.Failed, T0.AddHours(1))],
            attempts: [(first.Id, Attempt(1, TransactionAttempt.Bump))],
            keys: [new IdempotencyRecord("key_1", "k", "h", first.Id, T0)]);
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Store.CommitAsync(stale, TestContext.Current.CancellationToken));
        Assert.Equal("2", ex.StoredEtag);
        Assert.Equal("1", ex.CurrentEtag);

        // A stale activation that re-inserts a nonce the newer one already used sees the version conflict first.
        var clash = Insert(Account(1, from, 2), 1, Transaction(1, from, 1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.CommitAsync(clash, TestContext.Current.CancellationToken));

        // Creating an account that exists is a conflict too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.CommitAsync(Insert(Account(1, from, 9), 0), TestContext.Current.CancellationToken));

        Assert.Equal(before, await Store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Account(1, from, 2, version: 2), await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken));
        AssertSame(first, await Store.GetTransactionAsync(first.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Racing_commits_at_one_version_let_exactly_one_win()
    {
        var from = NewAddress();
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, Transaction(1, from, 0)), TestContext.Current.CancellationToken);

        // Eight activations that all read version 1 try to take nonce 1 at once.
        var contenders = Enumerable.Range(0, 8).Select(_ => Transaction(1, from, 1)).ToArray();
        var results = await Task.WhenAll(contenders.Select(tx => Task.Run(async () =>
        {
            try
            {
                await Store.CommitAsync(Insert(Account(1, from, 2), 1, tx), TestContext.Current.CancellationToken);
                return tx.Id;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(new StoreCounts(1, 2, 2, 0), await Store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal([0UL, 1UL], (await Store.GetLiveTransactionsAsync(1, from, TestContext.Current.CancellationToken)).Select(t => t.Nonce));
        Assert.NotNull(await Store.GetTransactionAsync(winner!, TestContext.Current.CancellationToken));
        Assert.Equal(2, (await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Idempotency_keys_are_found_together_in_one_lookup()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = NewAddress();
        var txs = new[] { Transaction(1, alice, 0), Transaction(1, alice, 1), Transaction(1, alice, 2) };
        var keys = new[]
        {
            new IdempotencyRecord("key_1", "order-1", "hash-1", txs[0].Id, T0),
            new IdempotencyRecord("key_1", "order-2", "hash-2", txs[1].Id, T0.AddSeconds(1)),
            new IdempotencyRecord("key_2", "order-1", "hash-3", txs[2].Id, T0.AddSeconds(2)),
        };
        await Store.CommitAsync(Write(Account(1, alice, 3), 0, inserted: txs, keys: keys), ct);

        // Found ones come back whole; a key of another API key, an unknown key and a repeated pair add nothing.
        var found = await Store.FindIdempotencyKeysAsync(
            [("key_2", "order-1"), ("key_1", "order-9"), ("key_1", "order-1"), ("key_3", "order-2"), ("key_1", "order-1"), ("key_1", "order-2")], ct);
        Assert.Equal(keys.OrderBy(k => (k.ApiKeyId, k.Key)), found.OrderBy(k => (k.ApiKeyId, k.Key)));

        Assert.Empty(await Store.FindIdempotencyKeysAsync([("key_3", "order-1"), ("key_2", "order-2")], ct));
        Assert.Empty(await Store.FindIdempotencyKeysAsync([], ct));
        Assert.Equal(keys[1], await Store.FindIdempotencyKeyAsync("key_1", "order-2", ct));
    }

    [Fact]
    public async Task Signed_attempts_are_found_by_hash_whatever_their_transaction()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = NewAddress();
        var bob = NewAddress();
        var bumped = Transaction(1, alice, 0, attempts: 2);
        var other = Transaction(1, bob, 0);
        await Store.CommitAsync(Write(Account(1, alice, 1), 0, inserted: [bumped]), ct);
        await Store.CommitAsync(Write(Account(1, bob, 1), 0, inserted: [other]), ct);

        // Every attempt of every account answers with its exact bytes; unknown and repeated hashes add nothing.
        var wanted = new[] { bumped.Attempts[1].Hash, NewHash(), other.Attempts[0].Hash, bumped.Attempts[0].Hash, other.Attempts[0].Hash };
        var found = await Store.FindSignedAttemptsAsync(wanted, ct);
        Assert.Equal(3, found.Count);
        foreach (var attempt in bumped.Attempts.Concat(other.Attempts))
        {
            Assert.Equal(attempt.Raw.ToArray(), found[attempt.Hash]);
        }

        Assert.Empty(await Store.FindSignedAttemptsAsync([NewHash()], ct));
        Assert.Empty(await Store.FindSignedAttemptsAsync([], ct));
    }

    [Fact]
    public async Task Taken_idempotency_key_rolls_back_the_whole_commit()
    {
        var alice = NewAddress();
        var tx = Transaction(1, alice, 0);
        var key = new IdempotencyRecord("key_1", "order-17", "hash-a", tx.Id, T0.ToOffset(TimeSpan.FromHours(-5)));
        await Store.CommitAsync(Write(Account(1, alice, 1), 0, inserted: [tx], keys: [key]), TestContext.Current.CancellationToken);
        Assert.Equal(key, await Store.FindIdempotencyKeyAsync("key_1", "order-17", TestContext.Current.CancellationToken));
        Assert.Null(await Store.FindIdempotencyKeyAsync("key_2", "order-17", TestContext.Current.CancellationToken));
        var before = await Store.CountAsync(TestContext.Current.CancellationToken);

        // Another account's grain races for the same key: its account row, transactions and attempts all go.
        var bob = NewAddress();
        var bobTxs = new[] { Transaction(1, bob, 0, attempts: 2), Transaction(1, bob, 1) };
        var race = Write(
            Account(1, bob, 2),
            0,
            inserted: bobTxs,
            keys: [new IdempotencyRecord("key_2", "fresh", "h", bobTxs[1].Id, T0), new IdempotencyRecord("key_1", "order-17", "hash-b", bobTxs[0].Id, T0)]);
        var ex = await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => Store.CommitAsync(race, TestContext.Current.CancellationToken));
        Assert.Equal(("key_1", "order-17"), (ex.ApiKeyId, ex.Key));

        Assert.Equal(before, await Store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetAccountAsync(1, bob, TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetTransactionAsync(bobTxs[0].Id, TestContext.Current.CancellationToken));
        Assert.Null(await Store.FindIdempotencyKeyAsync("key_2", "fresh", TestContext.Current.CancellationToken));

        // Nothing was left behind: the same write without the taken key succeeds from version 0.
        var retry = race with { NewIdempotencyKeys = [race.NewIdempotencyKeys[0]] };
        Assert.Equal(1, (await Store.CommitAsync(retry, TestContext.Current.CancellationToken)).Version);

        // The same key twice in one write is taken by the first.
        var carol = NewAddress();
        var carolTx = Transaction(1, carol, 0);
        var twice = new IdempotencyRecord("key_3", "dup", "h", carolTx.Id, T0);
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(
            () => Store.CommitAsync(Write(Account(1, carol, 1), 0, inserted: [carolTx], keys: [twice, twice]), TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetAccountAsync(1, carol, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task One_live_transaction_per_nonce_but_failed_ones_hand_it_on()
    {
        var from = NewAddress();
        var failed = Transaction(1, from, 0, status: TransactionStatus.Failed);
        var live = Transaction(1, from, 0);
        var failedAgain = Transaction(1, from, 0, status: TransactionStatus.Failed);

        // A failed and a live transaction (and another failed one) may share nonce 0.
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, failed, live, failedAgain), TestContext.Current.CancellationToken);
        var before = await Store.CountAsync(TestContext.Current.CancellationToken);

        // A second live transaction at nonce 0, in a later commit or within one commit, is rejected with nothing written.
        var second = Transaction(1, from, 0);
        var ex = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Insert(Account(1, from, 2), 1, Transaction(1, from, 1), second), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, ex.Conflict);
        var other = NewAddress();
        var same = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Insert(Account(1, other, 1), 0, Transaction(1, other, 0), Transaction(1, other, 0)), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, same.Conflict);

        // Reviving a failed transaction while another holds its nonce breaks the same rule.
        var revive = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Write(Account(1, from, 1), 1, updated: [failed.WithStatus(TransactionStatus.Queued, T0.AddMinutes(1))]), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, revive.Conflict);

        Assert.Equal(before, await Store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetAccountAsync(1, other, TestContext.Current.CancellationToken));
        Assert.Equal(1, (await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken))!.Version);

        // Once the live one fails too, the nonce is free for a new transaction.
        await Store.CommitAsync(
            Write(Account(1, from, 1), 1, inserted: [second], updated: [live.WithStatus(TransactionStatus.Failed, T0.AddMinutes(1))]),
            TestContext.Current.CancellationToken);
        Assert.Equal([second.Id], (await Store.GetLiveTransactionsAsync(1, from, TestContext.Current.CancellationToken)).Select(t => t.Id));
    }

    [Fact]
    public async Task Cancelled_transactions_give_up_their_nonce_like_failed_ones()
    {
        var from = NewAddress();
        var cancelled = Transaction(1, from, 0, status: TransactionStatus.Cancelled);
        var live = Transaction(1, from, 0);

        // A cancelled and a live transaction may share nonce 0.
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, cancelled, live), TestContext.Current.CancellationToken);
        var before = await Store.CountAsync(TestContext.Current.CancellationToken);

        // Two live ones may not, whether the second comes in a later commit or a cancelled one is revived.
        var second = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Insert(Account(1, from, 1), 1, Transaction(1, from, 0)), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, second.Conflict);
        var revive = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Write(Account(1, from, 1), 1, updated: [cancelled.WithStatus(TransactionStatus.Submitted, T0.AddMinutes(1))]), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, revive.Conflict);
        Assert.Equal(before, await Store.CountAsync(TestContext.Current.CancellationToken));

        // A transaction cancelled while queued hands its nonce to a zero-value filler in the same commit.
        var filler = Transaction(1, from, 0) with { Value = UInt256.Zero };
        await Store.CommitAsync(
            Write(Account(1, from, 1), 1, inserted: [filler], updated: [live.WithStatus(TransactionStatus.Cancelled, T0.AddMinutes(1), "cancelled while queued")]),
            TestContext.Current.CancellationToken);
        Assert.Equal([filler.Id], (await Store.GetLiveTransactionsAsync(1, from, TestContext.Current.CancellationToken)).Select(t => t.Id));

        // The filler holds the nonce now: the cancelled one cannot come back.
        var back = await Assert.ThrowsAsync<WalletStoreConflictException>(
            () => Store.CommitAsync(Write(Account(1, from, 1), 2, updated: [live.WithStatus(TransactionStatus.Queued, T0.AddMinutes(2))]), TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.Nonce, back.Conflict);
        Assert.Equal(2, (await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Broken_references_and_duplicates_are_conflicts_that_write_nothing()
    {
        var from = NewAddress();
        var tx = Transaction(1, from, 0);
        await Store.CommitAsync(Insert(Account(1, from, 1), 0, tx), TestContext.Current.CancellationToken);
        var before = await Store.CountAsync(TestContext.Current.CancellationToken);
        var next = Account(1, from, 2);

        async Task Expect(WalletStoreConflict conflict, AccountWrite write)
        {
            var ex = await Assert.ThrowsAsync<WalletStoreConflictException>(() => Store.CommitAsync(write, TestContext.Current.CancellationToken));
            Assert.Equal(conflict, ex.Conflict);
        }

        await Expect(WalletStoreConflict.TransactionId, Insert(next, 1, Transaction(1, from, 1, id: tx.Id)));
        await Expect(WalletStoreConflict.AttemptSeq, Write(next, 1, attempts: [(tx.Id, Attempt(0))]));
        await Expect(WalletStoreConflict.AttemptHash, Write(next, 1, attempts: [(tx.Id, Attempt(1) with { Hash = tx.Attempts[0].Hash })]));
        await Expect(WalletStoreConflict.UnknownTransaction, Write(next, 1, attempts: [("tx_missing", Attempt(0))]));
        await Expect(WalletStoreConflict.UnknownTransaction, Write(next, 1, updated: [Transaction(1, from, 1)]));
        await Expect(WalletStoreConflict.UnknownTransaction, Write(next, 1, inserted: [Transaction(1, from, 1)], keys: [new IdempotencyRecord("k", "k", "h", "tx_missing", T0)]));

        // Another account's transaction can be neither inserted nor updated through this account.
        var stranger = Transaction(1, NewAddress(), 0);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(Insert(next, 1, stranger), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(Write(next, 1, updated: [Transaction(2, from, 0, id: tx.Id)]), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(Write(next, 1, updated: [tx with { Status = "lost" }]), TestContext.Current.CancellationToken));

        Assert.Equal(before, await Store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, (await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task List_pages_newest_first_with_filters_and_cursor()
    {
        // 3 accounts on 2 chains; created_at repeats so the id breaks ties.
        var accounts = new[] { (Chain: 1UL, From: NewAddress()), (Chain: 1UL, From: NewAddress()), (Chain: 10UL, From: NewAddress()) };
        var all = new List<WalletTransaction>();
        foreach (var (chain, from) in accounts)
        {
            var txs = Enumerable.Range(0, 17)
                .Select(i => Transaction(chain, from, (ulong)i, T0.AddSeconds(i / 3), status: i % 4 == 0 ? TransactionStatus.Confirmed : TransactionStatus.Queued))
                .ToArray();
            await Store.CommitAsync(Insert(Account(chain, from, 17), 0, txs), TestContext.Current.CancellationToken);
            all.AddRange(txs);
        }

        // The oracle: sort by (created_at, id) descending, ids compared ordinally.
        async Task Check(ulong? chain, Address? from, string? status, int limit)
        {
            var expected = all
                .Where(t => (chain is null || t.ChainId == chain) && (from is null || t.From == from) && (status is null || t.Status == status))
                .OrderByDescending(t => t.CreatedAt)
                .ThenByDescending(t => t.Id, StringComparer.Ordinal)
                .Select(t => t.Id)
                .ToList();
            var seen = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await Store.ListTransactionsAsync(new TransactionQuery(chain, from, status, limit, cursor), TestContext.Current.CancellationToken);
                Assert.True(page.Items.Count <= limit);
                Assert.True(page.NextCursor is null || page.Items.Count == limit);
                Assert.All(page.Items, t => Assert.NotEmpty(t.Attempts));
                seen.AddRange(page.Items.Select(t => t.Id));
                cursor = page.NextCursor;
                Assert.True(++pages <= all.Count + 1, "paging does not end");
            }
            while (cursor is not null);

            Assert.Equal(expected, seen);
        }

        await Check(null, null, null, 7);
        await Check(null, null, null, 500);
        await Check(null, null, null, 1);
        await Check(1, null, null, 5);
        await Check(10, null, null, 17);
        await Check(null, accounts[1].From, null, 4);
        await Check(1, accounts[0].From, TransactionStatus.Confirmed, 2);
        await Check(null, null, TransactionStatus.Queued, 9);
        await Check(99, null, null, 3);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListTransactionsAsync(new TransactionQuery(null, null, null, 0, null), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListTransactionsAsync(new TransactionQuery(null, null, null, 501, null), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListTransactionsAsync(new TransactionQuery(null, null, null, 5, "not a cursor!"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_commits_on_many_accounts_all_land()
    {
        const int Accounts = 24;
        const int Commits = 5;
        const int PerCommit = 4;
        var addresses = Enumerable.Range(0, Accounts).Select(_ => NewAddress()).ToArray();

        await Task.WhenAll(addresses.Select(address => Task.Run(async () =>
        {
            var version = 0L;
            for (var c = 0; c < Commits; c++)
            {
                var txs = Enumerable.Range(c * PerCommit, PerCommit).Select(n => Transaction(1, address, (ulong)n)).ToArray();
                var written = await Store.CommitAsync(Insert(Account(1, address, (ulong)((c + 1) * PerCommit)), version, txs), TestContext.Current.CancellationToken);
                version = written.Version;
            }
        })));

        Assert.Equal(new StoreCounts(Accounts, Accounts * Commits * PerCommit, Accounts * Commits * PerCommit, 0), await Store.CountAsync(TestContext.Current.CancellationToken));
        var stored = await Store.ListAccountsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(addresses.Select(a => a.ToLowerHex()).Order(StringComparer.Ordinal), stored.Select(a => a.Address.ToLowerHex()));
        Assert.All(stored, a => Assert.Equal(((long)Commits, (ulong)(Commits * PerCommit)), (a.Version, a.NextNonce)));
        foreach (var address in addresses)
        {
            var live = await Store.GetLiveTransactionsAsync(1, address, TestContext.Current.CancellationToken);
            Assert.Equal(Enumerable.Range(0, Commits * PerCommit).Select(n => (ulong)n), live.Select(t => t.Nonce));
        }
    }

    [Fact]
    public async Task Hundred_transactions_commit_in_one_call()
    {
        var from = NewAddress();
        var txs = Enumerable.Range(0, 100).Select(n => Transaction(1, from, (ulong)n)).ToArray();
        var keys = txs.Select(t => new IdempotencyRecord("key_1", t.Id, "h", t.Id, T0)).ToArray();

        var written = await Store.CommitAsync(Write(Account(1, from, 100), 0, inserted: txs, keys: keys), TestContext.Current.CancellationToken);

        Assert.Equal(1, written.Version);
        Assert.Equal(new StoreCounts(1, 100, 100, 100), await Store.CountAsync(TestContext.Current.CancellationToken));

        // A rough throughput figure for the log (no assertion on time): 20 more commits of 100 sends each.
        var stopwatch = Stopwatch.StartNew();
        var version = written.Version;
        for (var c = 1; c <= 20; c++)
        {
            var batch = Enumerable.Range(c * 100, 100).Select(n => Transaction(1, from, (ulong)n)).ToArray();
            version = (await Store.CommitAsync(Insert(Account(1, from, (ulong)(c + 1) * 100), version, batch), TestContext.Current.CancellationToken)).Version;
        }

        stopwatch.Stop();
        Assert.Equal(21, version);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{GetType().Name}: 2000 transactions in 20 commits took {stopwatch.Elapsed.TotalMilliseconds:F0} ms ({2000 / stopwatch.Elapsed.TotalSeconds:F0} sends/s, one writer)");
    }

    [Fact]
    public async Task Api_keys_round_trip_by_hash()
    {
        var key = new ApiKeyRecord("key_1", new string('a', 64), "sender", [NewAddress(), NewAddress()], T0, null);
        var revoked = new ApiKeyRecord("key_2", new string('b', 64), "admin", [], T0, T0.AddDays(1));
        await Store.InsertApiKeyAsync(key, TestContext.Current.CancellationToken);
        await Store.InsertApiKeyAsync(revoked, TestContext.Current.CancellationToken);

        var found = await Store.FindApiKeyByHashAsync(key.KeyHash, TestContext.Current.CancellationToken);
        Assert.NotNull(found);
        Assert.Equal((key.Id, key.KeyHash, key.Role, key.CreatedAt, key.RevokedAt), (found.Id, found.KeyHash, found.Role, found.CreatedAt, found.RevokedAt));
        Assert.Equal(key.AllowedFrom.AsEnumerable(), found.AllowedFrom.AsEnumerable());
        var foundRevoked = await Store.FindApiKeyByHashAsync(revoked.KeyHash, TestContext.Current.CancellationToken);
        Assert.Equal(revoked.RevokedAt, foundRevoked!.RevokedAt);
        Assert.Empty(foundRevoked.AllowedFrom);
        Assert.Null(await Store.FindApiKeyByHashAsync(new string('c', 64), TestContext.Current.CancellationToken));

        var sameId = await Assert.ThrowsAsync<WalletStoreConflictException>(() => Store.InsertApiKeyAsync(key with { KeyHash = new string('d', 64) }, TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.ApiKeyId, sameId.Conflict);
        var sameHash = await Assert.ThrowsAsync<WalletStoreConflictException>(() => Store.InsertApiKeyAsync(key with { Id = "key_3" }, TestContext.Current.CancellationToken));
        Assert.Equal(WalletStoreConflict.ApiKeyHash, sameHash.Conflict);
    }

    /// <summary>Opens a store on a fresh, migrated database.</summary>
    protected abstract Task<IWalletStore> OpenAsync();

    /// <summary>Removes the database after the store was disposed.</summary>
    protected virtual ValueTask CloseAsync() => ValueTask.CompletedTask;
}
