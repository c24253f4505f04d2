using Npgsql;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// <see cref="IWalletStore"/> on PostgreSQL (sql/postgresql/0002_wallet.sql; migrate first with
/// <see cref="WalletSchema"/>). A commit is one transaction and two round trips whatever its size: one batch
/// (version swap, then one multi-row statement per table over unnest'ed arrays, events last) and COMMIT. Statement
/// texts are fixed, so Npgsql prepares them once per connection. Event ids come from the row lock on event_counter,
/// held to the end of the transaction, so events become visible in id order (see sql/postgresql/0002_wallet.sql).
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

    private const string InsertTransactionsSql =
        "INSERT INTO transactions (id, chain_id, from_address, to_address, value, data, nonce, gas_limit, max_fee_cap, max_priority_fee_cap, gas_price_cap, " +
        "status, hash, receipt, error_code, error_message, error_data, cancel_requested, created_at_ms, updated_at_ms, history, api_key_id, idempotency_key, request_hash) " +
        "SELECT u.id, $1, $2, u.to_address, u.value, u.data, u.nonce, u.gas_limit, u.max_fee_cap, u.max_priority_fee_cap, u.gas_price_cap, " +
        "u.status, u.hash, u.receipt::jsonb, u.error_code, u.error_message, u.error_data, u.cancel_requested, u.created_at_ms, u.updated_at_ms, u.history::jsonb, " +
        "u.api_key_id, u.idempotency_key, u.request_hash " +
        "FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], " +
        "$14::text[], $15::text[], $16::text[], $17::text[], $18::boolean[], $19::bigint[], $20::bigint[], $21::text[], $22::text[], $23::text[], $24::text[]) " +
        "AS u(id, to_address, value, data, nonce, gas_limit, max_fee_cap, max_priority_fee_cap, gas_price_cap, status, hash, receipt, error_code, error_message, " +
        "error_data, cancel_requested, created_at_ms, updated_at_ms, history, api_key_id, idempotency_key, request_hash)";

    private const string InsertAttemptsSql =
        "INSERT INTO attempts (tx_id, seq, kind, hash, raw, max_fee_per_gas, max_priority_fee_per_gas, gas_price, signed_at_ms, submitted_at_ms) " +
        "SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])";

    private const string UpdateTransactionsSql =
        "UPDATE transactions AS t SET status = u.status, hash = u.hash, receipt = u.receipt::jsonb, error_code = u.error_code, error_message = u.error_message, " +
        "error_data = u.error_data, cancel_requested = u.cancel_requested, updated_at_ms = u.updated_at_ms, history = u.history::jsonb " +
        "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[], $11::bigint[], $12::text[]) " +
        "AS u(id, status, hash, receipt, error_code, error_message, error_data, cancel_requested, updated_at_ms, history) " +
        "WHERE t.id = u.id AND t.chain_id = $1 AND t.from_address = $2 RETURNING t.id";

    private const string MarkSubmittedSql =
        "UPDATE attempts AS a SET submitted_at_ms = u.at FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS u(tx_id, seq, at) " +
        "WHERE a.tx_id = u.tx_id AND a.seq = u.seq AND a.submitted_at_ms IS NULL";

    private const string InsertIdempotencySql =
        "INSERT INTO idempotency_keys (api_key_id, key, request_hash, tx_id, created_at_ms) " +
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT (api_key_id, key) DO NOTHING RETURNING api_key_id, key";

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

    private static readonly string OneSql =
        $"SELECT {TransactionAssembler.SelectList} FROM transactions t LEFT JOIN attempts a ON a.tx_id = t.id WHERE t.id = $1 ORDER BY a.seq";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Uses a connection pool the caller owns (and disposes).</summary>
    public PostgresWalletStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Creates and owns a connection pool for <paramref name="connectionString"/>.</summary>
    public PostgresWalletStore(string connectionString)
    {
        _dataSource = PostgresDataSources.Create(connectionString, autoPrepare: 32);
        _ownsDataSource = true;
    }

    /// <inheritdoc />
    public async Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {WalletColumns.AccountColumns} FROM accounts WHERE chain_id = $1 AND address = $2");
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

    /// <inheritdoc />
    public async Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        var plan = WalletWritePlan.Create(write);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);

        // Npgsql sends BEGIN together with the batch, so the commit costs two round trips: the batch, then COMMIT (with the events, if any).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var swap = AddAccountSwap(batch, plan);
        var update = AddUpdateTransactions(batch, plan);
        AddMarkSubmitted(batch, plan);
        AddInsertTransactions(batch, plan);
        AddInsertAttempts(batch, plan);
        var idempotency = AddInsertIdempotencyKeys(batch, plan);

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

        if (plan.Events.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return plan.Written;
        }

        // The events go last, in one round trip with COMMIT: their ids come from event_counter, whose row lock every
        // writer of events queues on until the holder's transaction ends. Sent with the batch above, the lock was also
        // held while this process read the batch's answers and sent COMMIT, which on a busy host took tens of ms
        // per commit; sent here, it is held only while the server inserts the events and commits.
        await using var events = new NpgsqlBatch(connection, transaction);
        AddInsertEvents(events, plan.Events);
        events.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await events.ExecuteNonQueryAsync(cancellationToken);
        return plan.Written;
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
    public async Task<IdempotencyRecord?> FindIdempotencyKeyAsync(string apiKeyId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKeyId);
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand($"SELECT {WalletColumns.IdempotencyColumns} FROM idempotency_keys WHERE api_key_id = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = apiKeyId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? WalletColumns.ReadIdempotency(reader) : null;
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

    /// <summary>Disposes the connection pool when this store created it.</summary>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static NpgsqlBatchCommand AddAccountSwap(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var command = new NpgsqlBatchCommand(plan.ExpectedVersion == 0 ? InsertAccountSql : UpdateAccountSql);
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

    private static void AddInsertTransactions(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var rows = plan.Inserted;
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(InsertTransactionsSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.ChainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.Address });
        AddArray(command, rows, r => r.Id);
        AddArray(command, rows, r => r.To);
        AddArray(command, rows, r => r.Value);
        AddArray(command, rows, r => r.Data);
        AddArray(command, rows, r => r.Nonce);
        AddArray(command, rows, r => r.GasLimit);
        AddArray(command, rows, r => r.MaxFeeCap);
        AddArray(command, rows, r => r.MaxPriorityFeeCap);
        AddArray(command, rows, r => r.GasPriceCap);
        AddArray(command, rows, r => r.Status);
        AddArray(command, rows, r => r.Hash);
        AddArray(command, rows, r => r.Receipt);
        AddArray(command, rows, r => r.ErrorCode);
        AddArray(command, rows, r => r.ErrorMessage);
        AddArray(command, rows, r => r.ErrorData);
        AddArray(command, rows, r => r.CancelRequested);
        AddArray(command, rows, r => r.CreatedAtMs);
        AddArray(command, rows, r => r.UpdatedAtMs);
        AddArray(command, rows, r => r.History);
        AddArray(command, rows, r => r.ApiKeyId);
        AddArray(command, rows, r => r.IdempotencyKey);
        AddArray(command, rows, r => r.RequestHash);
        batch.BatchCommands.Add(command);
    }

    private static void AddInsertAttempts(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var rows = plan.Attempts;
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(InsertAttemptsSql);
        AddArray(command, rows, r => r.TransactionId);
        AddArray(command, rows, r => r.Seq);
        AddArray(command, rows, r => r.Kind);
        AddArray(command, rows, r => r.Hash);
        AddArray(command, rows, r => r.Raw);
        AddArray(command, rows, r => r.MaxFeePerGas);
        AddArray(command, rows, r => r.MaxPriorityFeePerGas);
        AddArray(command, rows, r => r.GasPrice);
        AddArray(command, rows, r => r.SignedAtMs);
        AddArray(command, rows, r => r.SubmittedAtMs);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlBatchCommand? AddUpdateTransactions(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var rows = plan.Updated;
        if (rows.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(UpdateTransactionsSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.ChainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.Address });
        AddArray(command, rows, r => r.Id);
        AddArray(command, rows, r => r.Status);
        AddArray(command, rows, r => r.Hash);
        AddArray(command, rows, r => r.Receipt);
        AddArray(command, rows, r => r.ErrorCode);
        AddArray(command, rows, r => r.ErrorMessage);
        AddArray(command, rows, r => r.ErrorData);
        AddArray(command, rows, r => r.CancelRequested);
        AddArray(command, rows, r => r.UpdatedAtMs);
        AddArray(command, rows, r => r.History);
        batch.BatchCommands.Add(command);
        return command;
    }

    private static void AddMarkSubmitted(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var rows = plan.SubmittedMarks;
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(MarkSubmittedSql);
        AddArray(command, rows, r => r.TransactionId);
        AddArray(command, rows, r => r.Seq);
        AddArray(command, rows, r => r.AtMs);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlBatchCommand? AddInsertIdempotencyKeys(NpgsqlBatch batch, WalletWritePlan plan)
    {
        var rows = plan.IdempotencyKeys;
        if (rows.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(InsertIdempotencySql);
        AddArray(command, rows, r => r.ApiKeyId);
        AddArray(command, rows, r => r.Key);
        AddArray(command, rows, r => r.RequestHash);
        AddArray(command, rows, r => r.TransactionId);
        AddArray(command, rows, r => r.CreatedAt.ToUnixTimeMilliseconds());
        batch.BatchCommands.Add(command);
        return command;
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
        var assembler = new TransactionAssembler();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            assembler.Add(reader);
        }

        return assembler.Build();
    }
}
