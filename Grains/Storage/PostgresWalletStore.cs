using System.Collections.Concurrent;
using System.Data;
using Npgsql;
using WalletGrains.Ethereum.Model;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// <see cref="IWalletStore"/> on PostgreSQL (sql/postgresql/0002_wallet.sql and 0006_commit_checks.sql; migrate first with
/// <see cref="WalletSchema"/>). Account commits go through group-commit queues, one for commits that insert
/// transactions (sends) and one for those that only update (polls, broadcasts), so neither waits behind the other's
/// groups; an account's own commits never overlap, as each waits for the previous. In a queue, the commits that arrive
/// while one group is being written go together in the next, as one transaction of one round trip whatever its size: one
/// batch (per commit a version swap, then one multi-row statement per table over unnest'ed arrays, then the group's
/// events), which PostgreSQL commits as an implicit transaction. If any commit of a group fails (a stale version, a
/// taken key, a constraint), the group is rolled back and its commits are written one by one, in two round trips
/// each (the writes, then COMMIT once their row counts are read), so each gets its own answer. Statement texts are fixed, so
/// Npgsql prepares them once per connection. Event ids come from the row lock on event_counter, held to the end of
/// the transaction, so events become visible in id order (see sql/postgresql/0002_wallet.sql); one group takes the
/// lock once for all its commits' events. The queues write on connections of their own (<see cref="RentWriterAsync"/>),
/// not on whichever the pool hands out next.
/// </summary>
public sealed class PostgresWalletStore : IWalletStore, IAsyncDisposable
{
    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";

    private const string InsertAccountSql =
        "INSERT INTO accounts (chain_id, address, next_nonce, version, paused_reason, updated_at_ms) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING";

    private const string UpdateAccountSql =
        "UPDATE accounts SET next_nonce = $3, paused_reason = $4, updated_at_ms = $5, version = version + 1 WHERE chain_id = $1 AND address = $2 AND version = $6";

    private const string AccountVersionSql = "SELECT version FROM accounts WHERE chain_id = $1 AND address = $2";

    // The checked forms fail their statement when a write touched fewer rows than it must (wallet_expect_rows,
    // sql/postgresql/0006_commit_checks.sql), so a group commits in one round trip: see TryCommitTogetherAsync.
    private const string CheckedInsertAccountSql =
        "WITH s AS (" + InsertAccountSql + " RETURNING 1) SELECT wallet_expect_rows('account version swap', (SELECT count(*) FROM s), 1)";

    private const string CheckedUpdateAccountSql =
        "WITH s AS (" + UpdateAccountSql + " RETURNING 1) SELECT wallet_expect_rows('account version swap', (SELECT count(*) FROM s), 1)";

    // Multi-row statements take every column as an array, the account's chain and address too, so one statement can
    // carry the rows of several accounts' commits; the UPDATE matches rows by id (the primary key) and checks the
    // account per row, a plan that does not hinge on statistics (a table grown since its last ANALYZE once made the
    // planner scan an account's every transaction per update).
    private const string InsertTransactionsSql =
        "INSERT INTO transactions (id, chain_id, from_address, to_address, value, data, nonce, gas_limit, max_fee_cap, max_priority_fee_cap, gas_price_cap, " +
        "status, hash, receipt, error_code, error_message, error_data, cancel_requested, created_at_ms, updated_at_ms, history, api_key_id, idempotency_key, request_hash) " +
        "SELECT u.id, u.chain_id, u.from_address, u.to_address, u.value, u.data, u.nonce, u.gas_limit, u.max_fee_cap, u.max_priority_fee_cap, u.gas_price_cap, " +
        "u.status, u.hash, u.receipt::jsonb, u.error_code, u.error_message, u.error_data, u.cancel_requested, u.created_at_ms, u.updated_at_ms, u.history::jsonb, " +
        "u.api_key_id, u.idempotency_key, u.request_hash " +
        "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], " +
        "$13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::boolean[], $19::bigint[], $20::bigint[], $21::text[], $22::text[], $23::text[], $24::text[]) " +
        "AS u(chain_id, from_address, id, to_address, value, data, nonce, gas_limit, max_fee_cap, max_priority_fee_cap, gas_price_cap, status, hash, receipt, error_code, " +
        "error_message, error_data, cancel_requested, created_at_ms, updated_at_ms, history, api_key_id, idempotency_key, request_hash)";

    private const string InsertAttemptsSql =
        "INSERT INTO attempts (tx_id, seq, kind, hash, raw, max_fee_per_gas, max_priority_fee_per_gas, gas_price, signed_at_ms, submitted_at_ms) " +
        "SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])";

    private const string UpdateTransactionsSql =
        "UPDATE transactions AS t SET status = u.status, hash = u.hash, receipt = u.receipt::jsonb, error_code = u.error_code, error_message = u.error_message, " +
        "error_data = u.error_data, cancel_requested = u.cancel_requested, updated_at_ms = u.updated_at_ms, history = u.history::jsonb " +
        "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[], $11::bigint[], $12::text[]) " +
        "AS u(chain_id, from_address, id, status, hash, receipt, error_code, error_message, error_data, cancel_requested, updated_at_ms, history) " +
        "WHERE t.id = ANY($3::text[]) AND t.id = u.id AND t.chain_id = u.chain_id AND t.from_address = u.from_address RETURNING t.id";

    private const string CheckedUpdateTransactionsSql =
        "WITH u AS (" + UpdateTransactionsSql + ") SELECT wallet_expect_rows('transaction update', (SELECT count(*) FROM u), cardinality($3::text[]))";

    // Both UPDATEs also match their keys against the whole array (t.id = ANY, a.tx_id = ANY), an index condition that
    // bounds any plan to the listed rows. Without it, a lane's cached generic plan made while the table was small (say
    // ANALYZEd by autovacuum at a few hundred rows, most attempts submitted) could read the whole primary-key index per
    // execution, filtering on submitted_at_ms: on a table grown to 20,000 attempts, 56 ms a mark instead of under 1
    // (bench/WalletGrains.Bench.Send/README.md, session 28).
    internal const string MarkSubmittedSql =
        "UPDATE attempts AS a SET submitted_at_ms = u.at FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS u(tx_id, seq, at) " +
        "WHERE a.tx_id = ANY($1::text[]) AND a.tx_id = u.tx_id AND a.seq = u.seq AND a.submitted_at_ms IS NULL";

    private const string InsertIdempotencySql =
        "INSERT INTO idempotency_keys (api_key_id, key, request_hash, tx_id, created_at_ms) " +
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT (api_key_id, key) DO NOTHING RETURNING api_key_id, key";

    private const string CheckedInsertIdempotencySql =
        "WITH k AS (" + InsertIdempotencySql + ") SELECT wallet_expect_rows('idempotency key insert', (SELECT count(*) FROM k), cardinality($1::text[]))";

    /// <summary>Advances event_counter by the number of events, taking its row lock until the transaction ends; base is the id before the first.</summary>
    private const string EventCounterCte =
        "counter AS (UPDATE event_counter SET last_id = last_id + cardinality($1::text[]) WHERE only_row = 1 RETURNING last_id - cardinality($1::text[]) AS base)";

    /// <summary>Inserts the events with the ids after base, in array order. Parameters: type, created_at_ms, chain_id, removed, data arrays.</summary>
    private const string InsertEventsFromCounter =
        "INSERT INTO events (id, type, created_at_ms, chain_id, removed, data) " +
        "SELECT counter.base + u.ord, u.type, u.created_at_ms, u.chain_id, u.removed, u.data::json " +
        "FROM counter, unnest($1::text[], $2::bigint[], $3::bigint[], $4::boolean[], $5::text[]) WITH ORDINALITY AS u(type, created_at_ms, chain_id, removed, data, ord)";

    private const string InsertEventsSql = "WITH " + EventCounterCte + " " + InsertEventsFromCounter;

    /// <summary><see cref="InsertEventsSql"/> answering the first id it gave (a data-modifying CTE runs to completion even if unread).</summary>
    private const string AppendEventsSql = "WITH " + EventCounterCte + ", inserted AS (" + InsertEventsFromCounter + ") SELECT base + 1 FROM counter";

    private const string ReadEventsSql = $"SELECT {EventRow.Columns} FROM events WHERE id > $1 ORDER BY id LIMIT $2";

    private static readonly string LiveSql =
        $"SELECT {TransactionAssembler.SelectList} FROM transactions t LEFT JOIN attempts a ON a.tx_id = t.id " +
        $"WHERE t.chain_id = $1 AND t.from_address = $2 AND t.{WalletColumns.LiveStatusPredicate} ORDER BY t.nonce, t.id, a.seq";

    private static readonly string AccountSql = $"SELECT {WalletColumns.AccountColumns} FROM accounts WHERE chain_id = $1 AND address = $2";

    private static readonly string IdempotencyKeysSql =
        $"SELECT {WalletColumns.IdempotencyColumns} FROM idempotency_keys JOIN unnest($1::text[], $2::text[]) AS k(api_key_id, key) USING (api_key_id, key)";

    private static readonly string OneSql =
        $"SELECT {TransactionAssembler.SelectList} FROM transactions t LEFT JOIN attempts a ON a.tx_id = t.id WHERE t.id = $1 ORDER BY a.seq";

    /// <summary>
    /// Send groups written at once, each on its own connection (commits without new transactions have one more lane of
    /// their own). More than one lets a group's first round trip overlap
    /// another's COMMIT, but the groups then queue on the event counter's lock; on the 2-core bench machine two
    /// lanes measured no faster than one and used more CPU (bench/README.md).
    /// </summary>
    public const int DefaultCommitLanes = 1;

    /// <summary>The most account commits one group carries.</summary>
    public const int MaxGroup = 64;

    /// <summary>
    /// How long a small group may wait for more commits while they arrive densely (<see cref="GroupGathering"/>).
    /// Without it, 2,000 sends/s over ten accounts went to the server in groups of one or two commits, each paying a
    /// round trip, a transaction and a WAL flush; waiting for a third cut PostgreSQL's CPU per send by about a quarter
    /// at the same median latency (bench/WalletGrains.Bench.Send/README.md). Sparse commits never wait.
    /// </summary>
    public static readonly TimeSpan DefaultGatherWindow = TimeSpan.FromMilliseconds(2);

    /// <summary>The group size a small group waits for.</summary>
    public const int GatherTarget = 3;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Commits that insert transactions: the send path, which callers wait on for their answer.</summary>
    private readonly GroupCommitQueue<WalletWritePlan, AccountRecord> _commits;

    /// <summary>
    /// Commits that insert none (a poll's receipts and promotions, broadcast marks, bumps): a lane of their own, so a
    /// send never waits behind another account's poll (its own account's poll holds its grain's turn). A block's poll
    /// writes 30-odd rows and ~50 events per account and took 9–20 ms in the shared lane under load, which every send
    /// queued behind it added to its answer (bench/WalletGrains.Bench.Send/README.md, session 22). Ungathered: such
    /// commits are sparse and large.
    /// </summary>
    private readonly GroupCommitQueue<WalletWritePlan, AccountRecord> _updates;

    /// <summary>
    /// Open connections the commit lanes write on, most recently used on top; at most one per lane. Npgsql's pool hands
    /// out its idle connections in turn, so a lane that took one per group wrote on each of the pool's 15-20 connections
    /// in rotation: each PostgreSQL backend parsed and planned the commit statements itself until Npgsql had seen them
    /// five times on it (its auto-prepare threshold), and loaded the tables' catalog entries on its first commit, so a
    /// silo's first ~100 groups cost up to 10 ms more each (bench/WalletGrains.Bench.Send/README.md, session 24). A
    /// lane's own connection has its statements prepared after its fifth group and keeps its backend's caches warm.
    /// </summary>
    private readonly ConcurrentStack<NpgsqlConnection> _writers = new();

    /// <summary>Set once the lanes have stopped: connections are no longer kept.</summary>
    private volatile bool _disposing;

    private long _groupsTogether;
    private long _commitsTogether;
    private long _commitsAlone;

    /// <summary>Uses a connection pool the caller owns (and disposes after this store).</summary>
    /// <param name="gatherWindow">How long a small group may wait for more commits; null for <see cref="DefaultGatherWindow"/>, zero never waits.</param>
    public PostgresWalletStore(NpgsqlDataSource dataSource, int commitLanes = DefaultCommitLanes, TimeSpan? gatherWindow = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _commits = new GroupCommitQueue<WalletWritePlan, AccountRecord>(
            CommitGroupAsync, commitLanes, MaxGroup, new GroupGathering(gatherWindow ?? DefaultGatherWindow, GatherTarget));
        _updates = new GroupCommitQueue<WalletWritePlan, AccountRecord>(CommitGroupAsync, 1, MaxGroup, GroupGathering.None);
    }

    /// <summary>Creates and owns a connection pool for <paramref name="connectionString"/>.</summary>
    /// <param name="gatherWindow">How long a small group may wait for more commits; null for <see cref="DefaultGatherWindow"/>, zero never waits.</param>
    public PostgresWalletStore(string connectionString, int commitLanes = DefaultCommitLanes, TimeSpan? gatherWindow = null)
        : this(PostgresPool.Create(connectionString, autoPrepare: 32, WarmUpAsync), commitLanes, gatherWindow)
    {
        _ownsDataSource = true;
    }

    /// <summary>
    /// Runs the reads an account's activation and a send's checks make (the account, its live transactions, one
    /// transaction, idempotency keys) once, matching no row, on a new connection of the pool. A backend loads the catalog
    /// entries of each table and index it touches on first use; Npgsql's pool hands its idle connections out in turn, so
    /// without this the activations at the start of a burst met a backend that had never read these tables on nearly
    /// every read (bench/WalletGrains.Bench.Send/README.md, session 28). The store is used on a migrated database only
    /// (<see cref="WalletStoreFactory"/>), so these tables exist.
    /// </summary>
    private static async Task WarmUpAsync(NpgsqlConnection connection)
    {
        await using var batch = new NpgsqlBatch(connection);
        AddSnapshotReads(batch, 0, string.Empty);
        var one = new NpgsqlBatchCommand(OneSql);
        one.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Empty });
        var keys = new NpgsqlBatchCommand(IdempotencyKeysSql);
        keys.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [] });
        keys.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [] });
        batch.BatchCommands.Add(one);
        batch.BatchCommands.Add(keys);
        await batch.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(AccountSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WalletColumns.ToInt64(chainId, "chain id") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address.ToLowerHex() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? WalletColumns.ReadAccount(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {WalletColumns.AccountColumns} FROM accounts ORDER BY chain_id, address");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<AccountRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(WalletColumns.ReadAccount(reader));
        }

        return accounts;
    }

    /// <summary>
    /// Groups written as one transaction and the commits they carried, and the commits written one by one after their
    /// group failed (a stale version, a taken key, a constraint): the last stays at zero while nothing conflicts.
    /// </summary>
    internal (long Groups, long Commits, long CommitsAlone) GroupCommits =>
        (Interlocked.Read(ref _groupsTogether), Interlocked.Read(ref _commitsTogether), Interlocked.Read(ref _commitsAlone));

    /// <inheritdoc />
    public Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        WalletWritePlan plan;
        try
        {
            plan = WalletWritePlan.Create(write);
        }
        catch (Exception ex)
        {
            return Task.FromException<AccountRecord>(ex);
        }

        return (plan.Inserted.Count > 0 ? _commits : _updates).EnqueueAsync(plan, cancellationToken);
    }

    /// <summary>
    /// Writes a group in one transaction; if that fails for a reason one of its commits could cause (a PostgreSQL
    /// error, a missed version or key), writes each alone. A broken connection fails the whole group: whether its
    /// COMMIT landed is then unknown, as it would be for a single commit.
    /// </summary>
    private async Task CommitGroupAsync(IReadOnlyList<GroupCommitQueue<WalletWritePlan, AccountRecord>.Entry> group)
    {
        if (await TryCommitTogetherAsync(group))
        {
            Interlocked.Increment(ref _groupsTogether);
            Interlocked.Add(ref _commitsTogether, group.Count);
            foreach (var entry in group)
            {
                entry.Completion.TrySetResult(entry.Work.Written);
            }

            return;
        }

        Interlocked.Add(ref _commitsAlone, group.Count);
        foreach (var entry in group)
        {
            try
            {
                entry.Completion.TrySetResult(await CommitOneAsync(entry.Work, entry.CancellationToken));
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == entry.CancellationToken)
            {
                entry.Completion.TrySetCanceled(entry.CancellationToken);
            }
            catch (Exception ex)
            {
                entry.Completion.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// The group's commits as one transaction in one round trip; false (and rolled back) when any one of them would
    /// fail. The batch is sent without BEGIN, so PostgreSQL runs it as one implicit transaction: it commits after the
    /// last statement, or, at the first statement that fails, skips the rest and rolls back all. The writes whose row
    /// counts matter fail their statement on a wrong count (the checked statements, see
    /// sql/postgresql/0006_commit_checks.sql), and the events come last, so the event counter's lock is held only
    /// while the server inserts them and commits.
    /// </summary>
    private async Task<bool> TryCommitTogetherAsync(IReadOnlyList<GroupCommitQueue<WalletWritePlan, AccountRecord>.Entry> group)
    {
        var plans = new WalletWritePlan[group.Count];
        var events = new List<EventRow>();
        for (var i = 0; i < plans.Length; i++)
        {
            plans[i] = group[i].Work;
            events.AddRange(plans[i].Events);
        }

        return await OnWriterAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                using var release = new ReleaseStatements(batch);
                AddWrites(batch, plans, checkedCounts: true);
                AddInsertEvents(batch, events);
                try
                {
                    await batch.ExecuteNonQueryAsync(CancellationToken.None);
                    return true;
                }
                catch (PostgresException)
                {
                    // An error answer means the implicit transaction rolled back; each commit, written alone, gets its own answer.
                    return false;
                }
            },
            CancellationToken.None);
    }

    /// <summary>Runs <paramref name="write"/> on a commit lane's connection (<see cref="RentWriterAsync"/>) and keeps the connection for the next one.</summary>
    private async Task<T> OnWriterAsync<T>(Func<NpgsqlConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        var connection = await RentWriterAsync(cancellationToken);
        try
        {
            return await write(connection);
        }
        finally
        {
            await ReturnWriterAsync(connection);
        }
    }

    /// <summary>
    /// Planner settings of a lane's session. Its statements insert, or reach rows by key, so an index (or no scan) is
    /// always the plan; but a statement prepared while a table was small keeps its generic plan until the table is next
    /// analysed, and one prepared on a fresh database marked attempts submitted with a scan of the whole table, 20-110 ms
    /// per group ten seconds later (session 24). These settings rule out sequential scans, not a scan of a whole index:
    /// the UPDATEs are also bounded to their listed keys (see <see cref="MarkSubmittedSql"/>, session 28). Set when the
    /// lane opens the connection, reset before it leaves.
    /// </summary>
    internal const string WriterSessionSql = "SET enable_seqscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off";

    /// <summary>A commit lane's connection: the most recently used open one, else a new one from the pool.</summary>
    private async Task<NpgsqlConnection> RentWriterAsync(CancellationToken cancellationToken)
    {
        while (_writers.TryPop(out var connection))
        {
            if (connection.FullState == ConnectionState.Open)
            {
                return connection;
            }

            // Not open (closed after a failure): back to the pool, which drops a broken connection.
            await ReleaseWriterAsync(connection);
        }

        var opened = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var settings = new NpgsqlCommand(WriterSessionSql, opened);
            await settings.ExecuteNonQueryAsync(cancellationToken);
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    /// <summary>Hands a lane's connection back to the pool, with the pool's settings again if it is still usable.</summary>
    private static async ValueTask ReleaseWriterAsync(NpgsqlConnection connection)
    {
        if (connection.FullState == ConnectionState.Open)
        {
            try
            {
                await using var reset = new NpgsqlCommand("RESET ALL", connection);
                await reset.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // Broken on the way: the pool drops it.
            }
        }

        await connection.DisposeAsync();
    }

    /// <summary>
    /// Keeps a lane's connection for the next group while it is open (each use ends its transaction, committed or rolled
    /// back); one that broke goes back to the pool, which drops it. A session the server ended while the connection
    /// waited may fail its next group, as a pooled one would, and is replaced after that.
    /// </summary>
    private async ValueTask ReturnWriterAsync(NpgsqlConnection connection)
    {
        if (connection.FullState == ConnectionState.Open && !_disposing)
        {
            _writers.Push(connection);
            return;
        }

        await ReleaseWriterAsync(connection);
    }

    private Task<AccountRecord> CommitOneAsync(WalletWritePlan plan, CancellationToken cancellationToken) =>
        OnWriterAsync(connection => CommitOneAsync(connection, plan, cancellationToken), cancellationToken);

    private static async Task<AccountRecord> CommitOneAsync(NpgsqlConnection connection, WalletWritePlan plan, CancellationToken cancellationToken)
    {
        // Npgsql sends BEGIN together with the batch, so the commit costs two round trips: the batch, then COMMIT (with the events, if any).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        using var release = new ReleaseStatements(batch);
        var (swaps, update, idempotency) = AddWrites(batch, [plan], checkedCounts: false);
        var swap = swaps[0];

        var updatedIds = new HashSet<string>(StringComparer.Ordinal);
        var insertedKeys = new HashSet<(string, string)>();
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                // Only the UPDATE ... RETURNING id (one column) and the idempotency INSERT ... RETURNING (two) yield rows.
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.FieldCount == 1)
                    {
                        updatedIds.Add(reader.GetString(0));
                    }
                    else
                    {
                        insertedKeys.Add((reader.GetString(0), reader.GetString(1)));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState is UniqueViolation or ForeignKeyViolation)
        {
            // The swap ran first; if it missed, the activation is stale, whatever the later statements then hit.
            if (swap.RecordsAffected == 0 && !ReferenceEquals(ex.BatchCommand, swap))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                throw WalletStoreConflicts.StaleVersion(plan, await ReadVersionAsync(connection, plan, cancellationToken));
            }

            throw MapConflict(plan, ex);
        }

        if (swap.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw WalletStoreConflicts.StaleVersion(plan, await ReadVersionAsync(connection, plan, cancellationToken));
        }

        if (update is not null && updatedIds.Count != plan.Updated.Count)
        {
            var missing = plan.Updated.First(r => !updatedIds.Contains(r.Id));
            throw WalletStoreConflicts.UnknownTransaction(plan, missing.Id, "an update", null);
        }

        if (idempotency is not null && insertedKeys.Count != plan.IdempotencyKeys.Count)
        {
            var taken = plan.IdempotencyKeys.First(k => !insertedKeys.Remove((k.ApiKeyId, k.Key)));
            throw new IdempotencyKeyTakenException(taken.ApiKeyId, taken.Key);
        }

        await CommitWithEventsAsync(connection, transaction, plan.Events, cancellationToken);
        return plan.Written;
    }

    /// <summary>
    /// The statements of <paramref name="plans"/>' writes: one version swap per commit, then one multi-row statement
    /// per table for all of them (events apart). Answers the commands whose row counts tell whether every commit
    /// landed; with <paramref name="checkedCounts"/> those statements fail themselves on a wrong count instead.
    /// </summary>
    private static WriteCommands AddWrites(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans, bool checkedCounts)
    {
        var swaps = plans.Select(plan => AddAccountSwap(batch, plan, checkedCounts)).ToList();
        var update = AddUpdateTransactions(batch, plans, checkedCounts);
        AddMarkSubmitted(batch, plans);
        AddInsertTransactions(batch, plans);
        AddInsertAttempts(batch, plans);
        return new WriteCommands(swaps, update, AddInsertIdempotencyKeys(batch, plans, checkedCounts));
    }

    /// <summary>
    /// Commits, with the events in the same round trip as COMMIT: their ids come from event_counter, whose row lock
    /// every writer of events queues on until the holder's transaction ends. Sent with the first batch, the lock was
    /// also held while this process read that batch's answers, which on a busy host took tens of ms per commit; sent
    /// here, it is held only while the server inserts the events and commits.
    /// </summary>
    private static async Task CommitWithEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<EventRow> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        await using var commit = new NpgsqlBatch(connection, transaction);
        using var release = new ReleaseStatements(commit);
        AddInsertEvents(commit, events);
        commit.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await commit.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(LiveSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = WalletColumns.ToInt64(chainId, "chain id") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from.ToLowerHex() });
        return [.. (await AssembleAsync(command, cancellationToken)).Select(t => t.Transaction)];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Both reads go in one batch, so an activation takes one pooled connection and one round trip. Read at once on
    /// two connections, ten accounts activating together at the start of a burst took twenty of the pool's connections
    /// at the moment when every core was busy.
    /// </remarks>
    public async Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        AddSnapshotReads(batch, WalletColumns.ToInt64(chainId, "chain id"), address.ToLowerHex());
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var record = await reader.ReadAsync(cancellationToken) ? WalletColumns.ReadAccount(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var transactions = await AssembleAsync(reader, cancellationToken);
        return new AccountSnapshot(record, [.. transactions.Select(t => t.Transaction)]);
    }

    /// <summary>An account's snapshot reads, its row then its live transactions, as an activation and a new connection's warm-up send them.</summary>
    private static void AddSnapshotReads(NpgsqlBatch batch, long chainId, string lowerHexAddress)
    {
        foreach (var sql in (ReadOnlySpan<string>)[AccountSql, LiveSql])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chainId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lowerHexAddress });
            batch.BatchCommands.Add(command);
        }
    }

    /// <inheritdoc />
    public async Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand(OneSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return (await AssembleAsync(command, cancellationToken)).Select(t => t.Transaction).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default)
    {
        var listing = TransactionListing.Create(query);
        await using var command = _dataSource.CreateCommand();
        var where = new List<string>();
        if (listing.ChainId is { } chainId)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = chainId });
            where.Add($"chain_id = ${command.Parameters.Count}");
        }

        if (listing.From is { } from)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = from });
            where.Add($"from_address = ${command.Parameters.Count}");
        }

        if (listing.Status is { } status)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
            where.Add($"status = ${command.Parameters.Count}");
        }

        if (listing.AfterCreatedAtMs is { } afterCreated)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterCreated });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = listing.AfterId! });
            where.Add($"(created_at_ms, id) < (${command.Parameters.Count - 1}, ${command.Parameters.Count})");
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = listing.Limit + 1 });
        var filter = where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
        command.CommandText =
            $"SELECT {TransactionAssembler.SelectList} FROM (SELECT * FROM transactions {filter} ORDER BY created_at_ms DESC, id DESC LIMIT ${command.Parameters.Count}) t " +
            "LEFT JOIN attempts a ON a.tx_id = t.id ORDER BY t.created_at_ms DESC, t.id DESC, a.seq";
        return listing.Page(await AssembleAsync(command, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default)
    {
        var (apiKeyIds, names) = WalletColumns.IdempotencyKeyColumns(keys);
        if (apiKeyIds.Length == 0)
        {
            return [];
        }

        // One statement whatever the number of keys: the pairs as two arrays, joined on the primary key.
        await using var command = _dataSource.CreateCommand(IdempotencyKeysSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = apiKeyIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<IdempotencyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(WalletColumns.ReadIdempotency(reader));
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var found = new Dictionary<Bytes32, byte[]>();
        if (hashes.Count == 0)
        {
            return found;
        }

        // One statement whatever the number of hashes, through the unique index on hash.
        var byText = hashes.Distinct().ToDictionary(h => h.ToHex(), StringComparer.Ordinal);
        await using var command = _dataSource.CreateCommand("SELECT hash, raw FROM attempts WHERE hash = ANY($1::text[])");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. byText.Keys] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[byText[reader.GetString(0)]] = reader.GetFieldValue<byte[]>(1);
        }

        return found;
    }

    /// <inheritdoc />
    public async Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default)
    {
        var row = ApiKeyRow.Create(apiKey);
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO api_keys (id, key_hash, role, allowed_from, created_at_ms, revoked_at_ms) VALUES ($1, $2, $3, $4::jsonb, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.KeyHash });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Role });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.AllowedFrom });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.CreatedAtMs });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)row.RevokedAtMs ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw ex.ConstraintName == "api_keys_pkey"
                ? new WalletStoreConflictException(WalletStoreConflict.ApiKeyId, $"An API key with id '{row.Id}' exists already.", ex)
                : new WalletStoreConflictException(WalletStoreConflict.ApiKeyHash, $"An API key with the hash of key '{row.Id}' exists already.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var command = _dataSource.CreateCommand($"SELECT id, key_hash, role, allowed_from::text, created_at_ms, revoked_at_ms FROM api_keys WHERE key_hash = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyHash });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ApiKeyRow.Read(reader).ToRecord() : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        var rows = EventRow.CreateAll(events);
        if (rows.Count == 0)
        {
            return [];
        }

        // One statement is one transaction: the counter's lock is held until its implicit commit.
        await using var batch = _dataSource.CreateBatch();
        using var release = new ReleaseStatements(batch);
        AddInsertEvents(batch, rows, AppendEventsSql);
        var first = (long)(await batch.ExecuteScalarAsync(cancellationToken))!;
        return [.. rows.Select((row, i) => row.ToEvent(first + i))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default)
    {
        EventRow.CheckRead(afterId, limit);
        await using var command = _dataSource.CreateCommand(ReadEventsSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var read = new List<WalletEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            read.Add(EventRow.Read(reader));
        }

        return read;
    }

    /// <inheritdoc />
    public async Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM transactions), (SELECT count(*) FROM attempts), (SELECT count(*) FROM idempotency_keys)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new StoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Writes the queued commits, then disposes the connection pool when this store created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _commits.DisposeAsync();
        await _updates.DisposeAsync();
        _disposing = true;
        while (_writers.TryPop(out var connection))
        {
            await ReleaseWriterAsync(connection);
        }

        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private static NpgsqlBatchCommand AddAccountSwap(NpgsqlBatch batch, WalletWritePlan plan, bool checkedCount)
    {
        var command = new NpgsqlBatchCommand((plan.ExpectedVersion == 0, checkedCount) switch
        {
            (true, false) => InsertAccountSql,
            (true, true) => CheckedInsertAccountSql,
            (false, false) => UpdateAccountSql,
            (false, true) => CheckedUpdateAccountSql,
        });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.ChainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.Address });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.NextNonce });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = plan.PausedReason });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.UpdatedAtMs });
        if (plan.ExpectedVersion != 0)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.ExpectedVersion });
        }

        batch.BatchCommands.Add(command);
        return command;
    }

    private static void AddInsertTransactions(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans)
    {
        var rows = RowsOf(plans, static p => p.Inserted);
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(InsertTransactionsSql);
        AddArray(command, rows, r => r.Plan.ChainId);
        AddArray(command, rows, r => r.Plan.Address);
        AddArray(command, rows, r => r.Row.Id);
        AddArray(command, rows, r => r.Row.To);
        AddArray(command, rows, r => r.Row.Value);
        AddArray(command, rows, r => r.Row.Data);
        AddArray(command, rows, r => r.Row.Nonce);
        AddArray(command, rows, r => r.Row.GasLimit);
        AddArray(command, rows, r => r.Row.MaxFeeCap);
        AddArray(command, rows, r => r.Row.MaxPriorityFeeCap);
        AddArray(command, rows, r => r.Row.GasPriceCap);
        AddArray(command, rows, r => r.Row.Status);
        AddArray(command, rows, r => r.Row.Hash);
        AddArray(command, rows, r => r.Row.Receipt);
        AddArray(command, rows, r => r.Row.ErrorCode);
        AddArray(command, rows, r => r.Row.ErrorMessage);
        AddArray(command, rows, r => r.Row.ErrorData);
        AddArray(command, rows, r => r.Row.CancelRequested);
        AddArray(command, rows, r => r.Row.CreatedAtMs);
        AddArray(command, rows, r => r.Row.UpdatedAtMs);
        AddArray(command, rows, r => r.Row.History);
        AddArray(command, rows, r => r.Row.ApiKeyId);
        AddArray(command, rows, r => r.Row.IdempotencyKey);
        AddArray(command, rows, r => r.Row.RequestHash);
        batch.BatchCommands.Add(command);
    }

    private static void AddInsertAttempts(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans)
    {
        var rows = RowsOf(plans, static p => p.Attempts);
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(InsertAttemptsSql);
        AddArray(command, rows, r => r.Row.TransactionId);
        AddArray(command, rows, r => r.Row.Seq);
        AddArray(command, rows, r => r.Row.Kind);
        AddArray(command, rows, r => r.Row.Hash);
        AddArray(command, rows, r => r.Row.Raw);
        AddArray(command, rows, r => r.Row.MaxFeePerGas);
        AddArray(command, rows, r => r.Row.MaxPriorityFeePerGas);
        AddArray(command, rows, r => r.Row.GasPrice);
        AddArray(command, rows, r => r.Row.SignedAtMs);
        AddArray(command, rows, r => r.Row.SubmittedAtMs);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlBatchCommand? AddUpdateTransactions(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans, bool checkedCount)
    {
        var rows = RowsOf(plans, static p => p.Updated);
        if (rows.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(checkedCount ? CheckedUpdateTransactionsSql : UpdateTransactionsSql);
        AddArray(command, rows, r => r.Plan.ChainId);
        AddArray(command, rows, r => r.Plan.Address);
        AddArray(command, rows, r => r.Row.Id);
        AddArray(command, rows, r => r.Row.Status);
        AddArray(command, rows, r => r.Row.Hash);
        AddArray(command, rows, r => r.Row.Receipt);
        AddArray(command, rows, r => r.Row.ErrorCode);
        AddArray(command, rows, r => r.Row.ErrorMessage);
        AddArray(command, rows, r => r.Row.ErrorData);
        AddArray(command, rows, r => r.Row.CancelRequested);
        AddArray(command, rows, r => r.Row.UpdatedAtMs);
        AddArray(command, rows, r => r.Row.History);
        batch.BatchCommands.Add(command);
        return command;
    }

    private static void AddMarkSubmitted(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans)
    {
        var rows = RowsOf(plans, static p => p.SubmittedMarks);
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(MarkSubmittedSql);
        AddArray(command, rows, r => r.Row.TransactionId);
        AddArray(command, rows, r => r.Row.Seq);
        AddArray(command, rows, r => r.Row.AtMs);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlBatchCommand? AddInsertIdempotencyKeys(NpgsqlBatch batch, IReadOnlyList<WalletWritePlan> plans, bool checkedCount)
    {
        var rows = RowsOf(plans, static p => p.IdempotencyKeys);
        if (rows.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(checkedCount ? CheckedInsertIdempotencySql : InsertIdempotencySql);
        AddArray(command, rows, r => r.Row.ApiKeyId);
        AddArray(command, rows, r => r.Row.Key);
        AddArray(command, rows, r => r.Row.RequestHash);
        AddArray(command, rows, r => r.Row.TransactionId);
        AddArray(command, rows, r => r.Row.CreatedAt.ToUnixTimeMilliseconds());
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>The rows of one kind from every plan, in plan order, each with the plan (its account) it belongs to.</summary>
    private static List<(WalletWritePlan Plan, TRow Row)> RowsOf<TRow>(IReadOnlyList<WalletWritePlan> plans, Func<WalletWritePlan, List<TRow>> rowsOf)
    {
        var rows = new List<(WalletWritePlan, TRow)>();
        foreach (var plan in plans)
        {
            foreach (var row in rowsOf(plan))
            {
                rows.Add((plan, row));
            }
        }

        return rows;
    }

    private static void AddInsertEvents(NpgsqlBatch batch, List<EventRow> rows, string sql = InsertEventsSql)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(sql);
        AddArray(command, rows, r => r.Type);
        AddArray(command, rows, r => r.CreatedAtMs);
        AddArray(command, rows, r => r.ChainId);
        AddArray(command, rows, r => r.Removed);
        AddArray(command, rows, r => r.Data);
        batch.BatchCommands.Add(command);
    }

    /// <summary>One column of a multi-row statement as a PostgreSQL array parameter.</summary>
    private static void AddArray<TRow, TValue>(NpgsqlBatchCommand command, List<TRow> rows, Func<TRow, TValue> column)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(rows[i]);
        }

        command.Parameters.Add(new NpgsqlParameter<TValue[]> { TypedValue = values });
    }

    /// <summary>Names the broken rule after the constraint PostgreSQL reports (names fixed in 0002_wallet.sql).</summary>
    private static Exception MapConflict(WalletWritePlan plan, PostgresException ex)
    {
        // Multi-row statements do not say which row failed; the key is in the detail when the connection string allows it.
        var detail = ex.Detail is { Length: > 0 } d && !d.Contains("redacted", StringComparison.OrdinalIgnoreCase) ? $" ({d})" : string.Empty;
        return ex.ConstraintName switch
        {
            "transactions_pkey" => new WalletStoreConflictException(
                WalletStoreConflict.TransactionId, $"A transaction id inserted for account {plan.AccountKey} exists already{detail}; the commit was rolled back.", ex),
            "transactions_live_nonce" => WalletStoreConflicts.Nonce(plan, $"a nonce written{detail}", ex),
            "attempts_pkey" => new WalletStoreConflictException(
                WalletStoreConflict.AttemptSeq, $"An attempt seq written for account {plan.AccountKey} exists already{detail}; the commit was rolled back.", ex),
            "attempts_hash_key" => new WalletStoreConflictException(
                WalletStoreConflict.AttemptHash, $"An attempt hash written for account {plan.AccountKey} exists already{detail}; the commit was rolled back.", ex),
            "attempts_tx_id_fkey" => WalletStoreConflicts.UnknownTransaction(plan, null, $"an attempt{detail}", ex),
            "idempotency_keys_tx_id_fkey" => WalletStoreConflicts.UnknownTransaction(plan, null, $"an idempotency key{detail}", ex),
            _ => ex,
        };
    }

    private static async Task<long?> ReadVersionAsync(NpgsqlConnection connection, WalletWritePlan plan, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AccountVersionSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.ChainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.Address });
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private static async Task<List<(TransactionRow Row, WalletTransaction Transaction)>> AssembleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await AssembleAsync(reader, cancellationToken);
    }

    /// <summary>The transactions in the reader's current result, whose rows are in <see cref="TransactionAssembler.SelectList"/>'s form.</summary>
    private static async Task<List<(TransactionRow Row, WalletTransaction Transaction)>> AssembleAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var assembler = new TransactionAssembler();
        while (await reader.ReadAsync(cancellationToken))
        {
            assembler.Add(reader);
        }

        return assembler.Build();
    }

    /// <summary>
    /// Lets go of a batch's statements once it has run (disposed before the batch, and so before its connection goes
    /// back to the pool). A pooled connection keeps the reader it last ran until it runs something else, and the reader
    /// keeps that batch's statements with every parameter array: a group commit's ids, raw bytes, histories and events.
    /// A dozen idle connections each holding their last group carried those rows through every garbage collection;
    /// in the send benchmark they were about a third of what gen0 collections copied.
    /// </summary>
    private readonly struct ReleaseStatements(NpgsqlBatch batch) : IDisposable
    {
        public void Dispose() => batch.BatchCommands.Clear();
    }

    /// <summary>The commands of <see cref="AddWrites"/> whose row counts are checked: the swaps, the update and the idempotency insert (null when absent).</summary>
    private sealed record WriteCommands(List<NpgsqlBatchCommand> Swaps, NpgsqlBatchCommand? Update, NpgsqlBatchCommand? Keys);
}
