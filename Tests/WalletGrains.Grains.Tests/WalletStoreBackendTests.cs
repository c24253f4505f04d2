using System.Runtime.CompilerServices;
using Npgsql;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

/// <summary>The store contract on a fresh SQLite file per test, migrated the way hosts migrate.</summary>
public sealed class WalletStoreSqliteTests : WalletStoreContractTests
{
    private string? _directory;

    [Fact]
    public async Task Two_stores_on_one_file_share_rows_and_versions()
    {
        // Two silos of one process on one database: each has its own store, both see one account version.
        await using var other = new SqliteWalletStore($"Data Source={Path.Combine(_directory!, "wallet.db")}");
        var from = WalletStoreTestData.NewAddress();
        var tx = WalletStoreTestData.Transaction(1, from, 0);
        await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 1), 0, tx), TestContext.Current.CancellationToken);

        WalletStoreTestData.AssertSame(tx, await other.GetTransactionAsync(tx.Id, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => other.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 1), 0), TestContext.Current.CancellationToken));
        var written = await other.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 2), 1, WalletStoreTestData.Transaction(1, from, 1)), TestContext.Current.CancellationToken);
        Assert.Equal(written, await Store.GetAccountAsync(1, from, TestContext.Current.CancellationToken));
    }

    protected override async Task<IWalletStore> OpenAsync()
    {
        _directory = Directory.CreateTempSubdirectory("walletgrains-store-").FullName;
        return await WalletStoreFactory.CreateMigratedAsync("sqlite", $"Data Source={Path.Combine(_directory, "wallet.db")}", TestContext.Current.CancellationToken);
    }

    protected override ValueTask CloseAsync()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The store contract on a fresh PostgreSQL database per test.</summary>
public sealed class WalletStorePostgresTests(PostgresFixture postgres) : WalletStoreContractTests
{
    private string? _connectionString;

    [Fact]
    public async Task Pooled_connections_keep_nothing_of_the_commits_they_wrote()
    {
        // A pooled connection keeps the reader it last ran; the store must not let that reader keep the rows it wrote.
        var written = new List<WeakReference>();
        for (var i = 0; i < 4; i++)
        {
            written.AddRange(await CommitAndForgetAsync(i));
        }

        // Collected once no frame holds them: the last commit's continuation may still be unwinding on another thread.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            await Task.Yield();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        while (written.Any(w => w.IsAlive) && DateTime.UtcNow < deadline);

        Assert.All(written, w => Assert.False(w.IsAlive, "a value the store wrote is still reachable after its commit"));
    }

    [Fact]
    public async Task Commits_arriving_together_share_one_transaction_per_group()
    {
        // First writes of new accounts and version swaps of existing ones, queued at once: the store writes them in
        // groups, each one transaction, and none of them has to be written alone after its group failed.
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = Assert.IsType<PostgresWalletStore>(Store);
        var existing = Enumerable.Range(0, 10).Select(_ => WalletStoreTestData.NewAddress()).ToArray();
        var created = Enumerable.Range(0, 10).Select(_ => WalletStoreTestData.NewAddress()).ToArray();
        foreach (var address in existing)
        {
            await store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, address, 1), 0, WalletStoreTestData.Transaction(1, address, 0)), cancellationToken);
        }

        var before = store.GroupCommits;
        var commits = existing
            .Select(a => store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, a, 3), 1, WalletStoreTestData.Transaction(1, a, 1), WalletStoreTestData.Transaction(1, a, 2)), cancellationToken))
            .Concat(created.Select(a => store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, a, 1), 0, WalletStoreTestData.Transaction(1, a, 0)), cancellationToken)))
            .ToArray();
        var written = await Task.WhenAll(commits);
        var after = store.GroupCommits;

        Assert.Equal(0, after.CommitsAlone - before.CommitsAlone);
        Assert.Equal(commits.Length, after.Commits - before.Commits);
        Assert.True(after.Groups - before.Groups < commits.Length, $"{commits.Length} commits queued at once went in {after.Groups - before.Groups} groups");
        Assert.Equal([.. Enumerable.Repeat(2L, existing.Length), .. Enumerable.Repeat(1L, created.Length)], written.Select(w => w.Version));
        foreach (var (address, nonces) in existing.Select(a => (a, 3)).Concat(created.Select(a => (a, 1))))
        {
            var account = await store.GetAccountAsync(1, address, cancellationToken);
            Assert.Equal((ulong)nonces, account!.NextNonce);
            Assert.Equal(Enumerable.Range(0, nonces).Select(n => (ulong)n), (await store.GetLiveTransactionsAsync(1, address, cancellationToken)).Select(t => t.Nonce));
        }

        // A stale swap among them fails its group, which is then written commit by commit.
        var stale = store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, existing[0], 4), 1, WalletStoreTestData.Transaction(1, existing[0], 3)), cancellationToken);
        var fresh = store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, existing[1], 4), 2, WalletStoreTestData.Transaction(1, existing[1], 3)), cancellationToken);
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        Assert.Equal(3, (await fresh).Version);
        Assert.InRange(store.GroupCommits.CommitsAlone - after.CommitsAlone, 1, 2);
    }

    [Fact]
    public async Task Commits_are_written_on_one_session_while_the_pool_holds_many()
    {
        // The pool hands out its idle connections in turn. Eight reads held up together leave it eight; the commits that
        // follow one by one must all be written by one session (whose statements are prepared and whose caches are
        // warm), not by each pooled one in turn.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using (var blocker = new NpgsqlConnection(Unpooled))
        {
            await using var lockTaken = await LockAccountsTableAsync(blocker, cancellationToken);
            var reads = Enumerable.Range(0, 8).Select(_ => Store.ListAccountsAsync(cancellationToken)).ToArray();
            await WaitForSessionsAsync("wait_event_type = 'Lock'", 8, cancellationToken);
            await lockTaken.RollbackAsync(cancellationToken);
            await Task.WhenAll(reads);
        }

        for (var i = 0; i < 12; i++)
        {
            var from = WalletStoreTestData.NewAddress();
            await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 1), 0, WalletStoreTestData.Transaction(1, from, 0)), cancellationToken);
        }

        Assert.Equal(1, await CountSessionsAsync("query LIKE 'INSERT INTO transactions%' OR query LIKE 'INSERT INTO attempts%'", cancellationToken));
    }

    [Fact]
    public async Task A_new_pooled_connection_reads_the_activation_tables_before_its_first_use()
    {
        // Each new backend loads the catalog entries of the tables it reads on first use; the store has a new connection
        // read the account, live-set and idempotency tables before handing it out. Seen here by holding the accounts
        // table: reads of one transaction, which never touch it, wait on its lock on each new connection.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var store = new PostgresWalletStore(_connectionString!);
        await using var blocker = new NpgsqlConnection(Unpooled);
        await using var lockTaken = await LockAccountsTableAsync(blocker, cancellationToken);
        var reads = Enumerable.Range(0, 3).Select(_ => store.GetTransactionAsync("tx_none", cancellationToken)).ToArray();
        await WaitForSessionsAsync("wait_event_type = 'Lock' AND query LIKE 'SELECT % FROM accounts WHERE chain_id = $1 AND address = $2'", 3, cancellationToken, exactly: true);
        Assert.All(reads, r => Assert.False(r.IsCompleted));

        await lockTaken.RollbackAsync(cancellationToken);
        Assert.All(await Task.WhenAll(reads), Assert.Null);
    }

    [Fact]
    public async Task An_account_snapshot_is_read_on_one_connection()
    {
        // An activation's two reads go in one batch, so a burst of activations takes one pooled connection each. Seen
        // here by holding the accounts table: the snapshot waits on one session, and no second one reads the live set.
        var cancellationToken = TestContext.Current.CancellationToken;
        var from = WalletStoreTestData.NewAddress();
        var live = WalletStoreTestData.Transaction(1, from, 0);
        await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 1), 0, live), cancellationToken);
        const string Sessions = "application_name = 'snapshot-reads'";
        await using var pool = PostgresPool.Create(_connectionString + ";Application Name=snapshot-reads", autoPrepare: 32);
        await using var store = new PostgresWalletStore(pool);
        await using var blocker = new NpgsqlConnection(Unpooled);
        await using var lockTaken = await LockAccountsTableAsync(blocker, cancellationToken);

        var read = store.GetAccountSnapshotAsync(1, from, cancellationToken);
        await WaitForSessionsAsync(Sessions + " AND wait_event_type = 'Lock'", 1, cancellationToken, exactly: true);
        Assert.Equal(1, await CountSessionsAsync(Sessions, cancellationToken));
        Assert.False(read.IsCompleted);

        await lockTaken.RollbackAsync(cancellationToken);
        var snapshot = await read;
        Assert.Equal(1UL, snapshot.Account!.NextNonce);
        Assert.Equal([live.Id], snapshot.Live.Select(t => t.Id));
        Assert.Equal(1, await CountSessionsAsync(Sessions, cancellationToken));
    }

    [Fact]
    public async Task Marking_attempts_submitted_reads_only_the_listed_attempts_under_a_plan_made_when_the_table_was_small()
    {
        // A commit lane's statements are prepared, and PostgreSQL keeps a generic plan once it has one. Made right after
        // an ANALYZE of a small table whose attempts were nearly all submitted, a plan that scans every attempt and
        // filters on submitted_at_ms looks cheapest, and it stays cached while the table grows.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(Unpooled);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, Rows(1, 200, "CASE WHEN g <= 192 THEN g END") + "; ANALYZE transactions, attempts", cancellationToken);
        await ExecuteAsync(connection, PostgresWalletStore.WriterSessionSql + "; SET plan_cache_mode = force_generic_plan; " +
            $"PREPARE mark(text[], integer[], bigint[]) AS {PostgresWalletStore.MarkSubmittedSql}; EXECUTE mark('{{tx_m00001}}', '{{0}}', '{{1}}')", cancellationToken);
        await ExecuteAsync(connection, Rows(201, 20_000, "NULL"), cancellationToken);

        var listed = Enumerable.Range(19_000, 16).Select(i => $"tx_m{i:D5}").ToArray();
        await using var explain = new NpgsqlCommand(
            $"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE mark('{{{string.Join(',', listed)}}}', '{{{string.Join(',', listed.Select(_ => 0))}}}', '{{{string.Join(',', listed.Select(_ => 999_999))}}}')",
            connection);
        using var plan = System.Text.Json.JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(cancellationToken))!);
        Assert.Equal((long)listed.Length, await DatabaseSql.ScalarAsync(postgres: true, Unpooled, "SELECT count(*) FROM attempts WHERE submitted_at_ms = 999999"));
        var examined = Examined(plan.RootElement[0].GetProperty("Plan"));
        Assert.True(examined < 1_000, $"marking {listed.Length} attempts examined {examined} rows of 20,000");

        // Transactions and their one attempt each, for ids tx_m{first..last}; submitted_at_ms from the expression over g.
        static string Rows(int first, int last, string submittedAt) =>
            "INSERT INTO transactions (id, chain_id, from_address, to_address, value, data, nonce, gas_limit, status, created_at_ms, updated_at_ms, history, cancel_requested) " +
            $"SELECT 'tx_m' || lpad(g::text, 5, '0'), 1, '0x00000000000000000000000000000000000000aa', '0x00000000000000000000000000000000000000bb', '1', '\\x', g, 21000, 'submitted', g, g, '[]', false FROM generate_series({first}, {last}) g; " +
            "INSERT INTO attempts (tx_id, seq, kind, hash, raw, max_fee_per_gas, max_priority_fee_per_gas, gas_price, signed_at_ms, submitted_at_ms) " +
            $"SELECT 'tx_m' || lpad(g::text, 5, '0'), 0, 'original', '0x' || md5(g::text) || md5(g::text), decode(repeat(md5(g::text), 4), 'hex'), '1000000000', '1000000000', NULL, g, {submittedAt} FROM generate_series({first}, {last}) g";

        // Rows the plan's nodes produced or discarded, summed over the tree.
        static long Examined(System.Text.Json.JsonElement node)
        {
            long rows = 0;
            foreach (var name in new[] { "Actual Rows", "Rows Removed by Filter", "Rows Removed by Join Filter", "Rows Removed by Index Recheck" })
            {
                if (node.TryGetProperty(name, out var value))
                {
                    rows += value.GetInt64() * (node.TryGetProperty("Actual Loops", out var loops) ? Math.Max(1, loops.GetInt64()) : 1);
                }
            }

            return rows + (node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().Sum(Examined) : 0);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Opens <paramref name="blocker"/> and takes the accounts table exclusively in a transaction it returns; rolling it back lets go.</summary>
    private static async Task<NpgsqlTransaction> LockAccountsTableAsync(NpgsqlConnection blocker, CancellationToken cancellationToken)
    {
        await blocker.OpenAsync(cancellationToken);
        var transaction = await blocker.BeginTransactionAsync(cancellationToken);
        await using var lockTable = new NpgsqlCommand("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE", blocker, transaction);
        await lockTable.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    [Fact]
    public async Task Commits_go_on_after_the_server_ends_the_sessions()
    {
        // A lane keeps its connection between groups; one the server has ended must be replaced, not kept.
        var cancellationToken = TestContext.Current.CancellationToken;
        var first = WalletStoreTestData.NewAddress();
        await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, first, 1), 0, WalletStoreTestData.Transaction(1, first, 0)), cancellationToken);

        await using (var admin = new NpgsqlConnection(Unpooled))
        {
            await admin.OpenAsync(cancellationToken);
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await terminate.ExecuteScalarAsync(cancellationToken))! >= 1);
        }

        await WaitForSessionsAsync("true", 0, cancellationToken, exactly: true);

        // The first commit may meet the ended session (its outcome is then unknown to the caller, as for any broken
        // connection); every one after it lands.
        var addresses = Enumerable.Range(0, 3).Select(_ => WalletStoreTestData.NewAddress()).ToArray();
        try
        {
            await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, addresses[0], 1), 0, WalletStoreTestData.Transaction(1, addresses[0], 0)), cancellationToken);
        }
        catch (NpgsqlException)
        {
            // Written again below on a fresh connection.
            await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, addresses[0], 1), 0, WalletStoreTestData.Transaction(1, addresses[0], 0)), cancellationToken);
        }

        foreach (var address in addresses.Skip(1))
        {
            await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, address, 1), 0, WalletStoreTestData.Transaction(1, address, 0)), cancellationToken);
        }

        foreach (var address in addresses.Prepend(first))
        {
            Assert.Equal([0UL], (await Store.GetLiveTransactionsAsync(1, address, cancellationToken)).Select(t => t.Nonce));
        }
    }

    /// <summary>The test database without pooling: the test's own sessions end when it closes them.</summary>
    private string Unpooled => _connectionString + ";Pooling=false";

    /// <summary>Sessions of this database other than the probe's own that match <paramref name="predicate"/> (SQL on pg_stat_activity).</summary>
    private async Task<long> CountSessionsAsync(string predicate, CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlConnection(Unpooled);
        await probe.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ({predicate})", probe);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Waits, with a deadline, until at least (or exactly) <paramref name="sessions"/> sessions match <paramref name="predicate"/>.</summary>
    private async Task WaitForSessionsAsync(string predicate, long sessions, CancellationToken cancellationToken, bool exactly = false)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await CountSessionsAsync(predicate, cancellationToken) is var now && (exactly ? now != sessions : now < sessions))
        {
            Assert.True(DateTime.UtcNow < deadline, $"sessions matching '{predicate}': {now}, waited for {sessions}");
            await Task.Delay(10, cancellationToken);
        }
    }

    [Fact]
    public async Task Sends_and_status_updates_do_not_wait_behind_each_other()
    {
        // A send held up in the database (here by a row lock another session takes on its account) must not hold up
        // another account's poll update, nor that update a second send; the held send then lands as if nothing happened.
        var cancellationToken = TestContext.Current.CancellationToken;
        var (held, polled, other) = (WalletStoreTestData.NewAddress(), WalletStoreTestData.NewAddress(), WalletStoreTestData.NewAddress());
        var polledTx = WalletStoreTestData.Transaction(1, polled, 0, status: TransactionStatus.Submitted);
        await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, held, 1), 0, WalletStoreTestData.Transaction(1, held, 0)), cancellationToken);
        await Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, polled, 1), 0, polledTx), cancellationToken);

        await using var blocker = new NpgsqlConnection(_connectionString);
        await blocker.OpenAsync(cancellationToken);
        await using var lockTaken = await blocker.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new NpgsqlCommand("SELECT version FROM accounts WHERE chain_id = 1 AND address = $1 FOR UPDATE", blocker, lockTaken))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = held.ToLowerHex() });
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        var heldSend = Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, held, 2), 1, WalletStoreTestData.Transaction(1, held, 1)), cancellationToken);
        await WaitForLockWaitAsync(cancellationToken);

        var mined = polledTx.WithStatus(TransactionStatus.Mined, WalletStoreTestData.T0.AddSeconds(12), null);
        var update = Store.CommitAsync(WalletStoreTestData.Write(WalletStoreTestData.Account(1, polled, 1), 1, updated: [mined]), cancellationToken);
        Assert.Equal(2, (await update.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken)).Version);
        Assert.Equal(TransactionStatus.Mined, (await Store.GetTransactionAsync(polledTx.Id, cancellationToken))!.Status);
        Assert.False(heldSend.IsCompleted, "the send went through while its account row was locked");

        // Another update goes through too; a send of another account queued now shares the held send's lane and lands
        // once the lock is gone.
        var confirmed = mined.WithStatus(TransactionStatus.Confirmed, WalletStoreTestData.T0.AddSeconds(48), null);
        var secondUpdate = Store.CommitAsync(WalletStoreTestData.Write(WalletStoreTestData.Account(1, polled, 1), 2, updated: [confirmed]), cancellationToken);
        Assert.Equal(3, (await secondUpdate.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken)).Version);
        var otherSend = Store.CommitAsync(WalletStoreTestData.Insert(WalletStoreTestData.Account(1, other, 1), 0, WalletStoreTestData.Transaction(1, other, 0)), cancellationToken);

        await lockTaken.RollbackAsync(cancellationToken);
        Assert.Equal(2, (await heldSend.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken)).Version);
        Assert.Equal(1, (await otherSend.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken)).Version);
        Assert.Equal([0UL, 1UL], (await Store.GetLiveTransactionsAsync(1, held, cancellationToken)).Select(t => t.Nonce));
    }

    /// <summary>Waits until some session of this database waits for a lock (the held send's group), with a deadline.</summary>
    private async Task WaitForLockWaitAsync(CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlConnection(_connectionString);
        await probe.OpenAsync(cancellationToken);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", probe);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((long)(await waiting.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the send never reached the locked account row");
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>Commits a transaction with an event; answers weak references to the id and the event's data, which the rows written carry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference[]> CommitAndForgetAsync(int i)
    {
        var from = WalletStoreTestData.NewAddress();
        var tx = WalletStoreTestData.Transaction(1, from, 0, id: $"tx_forgotten_{i}_{Guid.NewGuid():N}");
        var data = $"{{\"id\":\"{tx.Id}\"}}";
        var write = WalletStoreTestData.Insert(WalletStoreTestData.Account(1, from, 1), 0, tx) with
        {
            NewEvents = [new NewWalletEvent(WalletEventTypes.TransactionSubmitted, WalletStoreTestData.T0, 1, false, data)],
        };
        await Store.CommitAsync(write, TestContext.Current.CancellationToken);
        return [new WeakReference(tx.Id), new WeakReference(data)];
    }

    protected override async Task<IWalletStore> OpenAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("wg_store");
        return await WalletStoreFactory.CreateMigratedAsync("postgres", _connectionString, TestContext.Current.CancellationToken);
    }

    protected override async ValueTask CloseAsync()
    {
        if (_connectionString is not null)
        {
            await postgres.DropDatabaseAsync(_connectionString);
        }
    }
}

/// <summary>The store contract on the in-memory store other projects' unit tests use.</summary>
public sealed class WalletStoreMemoryTests : WalletStoreContractTests
{
    protected override Task<IWalletStore> OpenAsync() => Task.FromResult<IWalletStore>(new MemoryWalletStore());
}
