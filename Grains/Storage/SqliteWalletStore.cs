using Microsoft.Data.Sqlite;
using WalletGrains.Ethereum.Model;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// <see cref="IWalletStore"/> on a SQLite file (sql/sqlite/0002_wallet.sql; migrate first with
/// <see cref="WalletSchema"/>). Writes go through the process-wide <see cref="SqliteWriter"/> of the file (one
/// connection and thread with group commit, shared with the runtime's grain state and reminders on the same file);
/// reads use pooled connections and, in WAL mode, never wait for the writer. Dispose to release the writer.
/// </summary>
public sealed class SqliteWalletStore : IWalletStore, IAsyncDisposable, IDisposable
{
    // Extended result codes of SQLITE_CONSTRAINT (https://www.sqlite.org/rescode.html).
    private const int SqliteConstraintForeignKey = 787;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private const string InsertAccountSql =
        "INSERT INTO accounts (chain_id, address, next_nonce, version, paused_reason, updated_at_ms) VALUES ($chain, $address, $nonce, 1, $paused, $now) ON CONFLICT DO NOTHING;";

    private const string UpdateAccountSql =
        "UPDATE accounts SET next_nonce = $nonce, paused_reason = $paused, updated_at_ms = $now, version = version + 1 WHERE chain_id = $chain AND address = $address AND version = $expected;";

    private const string AccountVersionSql = "SELECT version FROM accounts WHERE chain_id = $chain AND address = $address;";

    private const string InsertAttemptSql =
        "INSERT INTO attempts (tx_id, seq, kind, hash, raw, max_fee_per_gas, max_priority_fee_per_gas, gas_price, signed_at_ms, submitted_at_ms) " +
        "VALUES ($tx, $seq, $kind, $hash, $raw, $max_fee, $max_priority, $gas_price, $signed, $submitted);";

    private const string UpdateTransactionSql =
        "UPDATE transactions SET status = $status, hash = $hash, receipt = $receipt, error_code = $error_code, error_message = $error_message, error_data = $error_data, " +
        "cancel_requested = $cancel, updated_at_ms = $updated, history = $history WHERE id = $id AND chain_id = $chain AND from_address = $from;";

    private const string MarkSubmittedSql =
        "UPDATE attempts SET submitted_at_ms = $at WHERE tx_id = $tx AND seq = $seq AND submitted_at_ms IS NULL;";

    private const string InsertIdempotencySql =
        "INSERT INTO idempotency_keys (api_key_id, key, request_hash, tx_id, created_at_ms) VALUES ($api_key, $key, $request_hash, $tx, $created) ON CONFLICT (api_key_id, key) DO NOTHING;";

    private const string AdvanceEventCounterSql = "UPDATE event_counter SET last_id = last_id + $count WHERE only_row = 1 RETURNING last_id;";

    private const string InsertEventSql =
        "INSERT INTO events (id, type, created_at_ms, chain_id, removed, data) VALUES ($id, $type, $created, $chain, $removed, $data);";

    private const string ReadEventsSql = $"SELECT {EventRow.Columns} FROM events WHERE id > $after ORDER BY id LIMIT $limit;";

    private const string InsertApiKeySql =
        "INSERT INTO api_keys (id, key_hash, role, allowed_from, created_at_ms, revoked_at_ms) VALUES ($id, $hash, $role, $allowed, $created, $revoked);";

    private static readonly string InsertTransactionSql =
        $"INSERT INTO transactions ({string.Join(", ", TransactionRow.Columns)}) VALUES ({string.Join(", ", TransactionRow.Columns.Select(c => "$" + c))});";

    private static readonly string[] TransactionParameters = [.. TransactionRow.Columns.Select(c => "$" + c)];

    private static readonly string LiveSql =
        $"SELECT {TransactionAssembler.SelectList} FROM transactions t LEFT JOIN attempts a ON a.tx_id = t.id " +
        $"WHERE t.chain_id = $chain AND t.from_address = $from AND t.{WalletColumns.LiveStatusPredicate} ORDER BY t.nonce, t.id, a.seq;";

    private static readonly string OneSql =
        $"SELECT {TransactionAssembler.SelectList} FROM transactions t LEFT JOIN attempts a ON a.tx_id = t.id WHERE t.id = $id ORDER BY a.seq;";

    private readonly SqliteStoreFile _file;

    /// <summary>Opens the store on an existing, migrated database file (the directory is created if missing).</summary>
    public SqliteWalletStore(string connectionString)
    {
        _file = new SqliteStoreFile(connectionString, "wallet");
    }

    /// <inheritdoc />
    public Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection => ReadAccount(connection, chainId, address));

    /// <inheritdoc />
    public Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection => new AccountSnapshot(ReadAccount(connection, chainId, address), ReadLive(connection, chainId, address)));

    private static AccountRecord? ReadAccount(SqliteConnection connection, ulong chainId, Address address)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {WalletColumns.AccountColumns} FROM accounts WHERE chain_id = $chain AND address = $address;";
        command.Parameters.AddWithValue("$chain", WalletColumns.ToInt64(chainId, "chain id"));
        command.Parameters.AddWithValue("$address", address.ToLowerHex());
        using var reader = command.ExecuteReader();
        return reader.Read() ? WalletColumns.ReadAccount(reader) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        _file.ReadAsync<IReadOnlyList<AccountRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WalletColumns.AccountColumns} FROM accounts ORDER BY chain_id, address;";
            using var reader = command.ExecuteReader();
            var accounts = new List<AccountRecord>();
            while (reader.Read())
            {
                accounts.Add(WalletColumns.ReadAccount(reader));
            }

            return accounts;
        });

    /// <inheritdoc />
    public Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        WalletWritePlan plan;
        try
        {
            plan = WalletWritePlan.Create(write);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            return Task.FromException<AccountRecord>(ex);
        }

        return _file.WriteAsync(writer => Commit(writer, plan));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection => ReadLive(connection, chainId, from));

    private static IReadOnlyList<WalletTransaction> ReadLive(SqliteConnection connection, ulong chainId, Address from)
    {
        using var command = connection.CreateCommand();
        command.CommandText = LiveSql;
        command.Parameters.AddWithValue("$chain", WalletColumns.ToInt64(chainId, "chain id"));
        command.Parameters.AddWithValue("$from", from.ToLowerHex());
        return [.. Assemble(command).Select(t => t.Transaction)];
    }

    /// <inheritdoc />
    public Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = OneSql;
            command.Parameters.AddWithValue("$id", id);
            return Assemble(command).Select(t => t.Transaction).FirstOrDefault();
        });
    }

    /// <inheritdoc />
    public Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default)
    {
        var listing = TransactionListing.Create(query);
        return _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            var where = new List<string>();
            if (listing.ChainId is { } chainId)
            {
                where.Add("chain_id = $chain");
                command.Parameters.AddWithValue("$chain", chainId);
            }

            if (listing.From is { } from)
            {
                where.Add("from_address = $from");
                command.Parameters.AddWithValue("$from", from);
            }

            if (listing.Status is { } status)
            {
                where.Add("status = $status");
                command.Parameters.AddWithValue("$status", status);
            }

            if (listing.AfterCreatedAtMs is { } afterCreated)
            {
                where.Add("(created_at_ms, id) < ($after_created, $after_id)");
                command.Parameters.AddWithValue("$after_created", afterCreated);
                command.Parameters.AddWithValue("$after_id", listing.AfterId);
            }

            command.Parameters.AddWithValue("$limit", listing.Limit + 1);
            var filter = where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
            command.CommandText =
                $"SELECT {TransactionAssembler.SelectList} FROM (SELECT * FROM transactions {filter} ORDER BY created_at_ms DESC, id DESC LIMIT $limit) t " +
                "LEFT JOIN attempts a ON a.tx_id = t.id ORDER BY t.created_at_ms DESC, t.id DESC, a.seq;";
            return listing.Page(Assemble(command));
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<Bytes32, byte[]>>(new Dictionary<Bytes32, byte[]>());
        }

        // One read on one connection: the same prepared lookup through the unique index on hash, once per hash.
        return _file.ReadAsync<IReadOnlyDictionary<Bytes32, byte[]>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT raw FROM attempts WHERE hash = $hash;";
            var parameter = command.Parameters.Add("$hash", SqliteType.Text);
            var found = new Dictionary<Bytes32, byte[]>();
            foreach (var hash in hashes)
            {
                parameter.Value = hash.ToHex();
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    found[hash] = (byte[])reader.GetValue(0);
                }
            }

            return found;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default)
    {
        var (apiKeyIds, names) = WalletColumns.IdempotencyKeyColumns(keys);
        if (apiKeyIds.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<IdempotencyRecord>>([]);
        }

        // One read on one connection: the same prepared lookup for each key (SQLite answers in process, so a
        // lookup costs no round trip).
        return _file.ReadAsync<IReadOnlyList<IdempotencyRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WalletColumns.IdempotencyColumns} FROM idempotency_keys WHERE api_key_id = $api_key AND key = $key;";
            var apiKey = command.Parameters.Add("$api_key", SqliteType.Text);
            var key = command.Parameters.Add("$key", SqliteType.Text);
            var found = new List<IdempotencyRecord>();
            for (var i = 0; i < apiKeyIds.Length; i++)
            {
                apiKey.Value = apiKeyIds[i];
                key.Value = names[i];
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    found.Add(WalletColumns.ReadIdempotency(reader));
                }
            }

            return found;
        });
    }

    /// <inheritdoc />
    public Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default)
    {
        ApiKeyRow row;
        try
        {
            row = ApiKeyRow.Create(apiKey);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }

        return _file.WriteAsync(writer =>
        {
            var command = writer.Statement(InsertApiKeySql, "$id", "$hash", "$role", "$allowed", "$created", "$revoked");
            command.Set(0, row.Id);
            command.Set(1, row.KeyHash);
            command.Set(2, row.Role);
            command.Set(3, row.AllowedFrom);
            command.Set(4, row.CreatedAtMs);
            command.Set(5, row.RevokedAtMs);
            try
            {
                return command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique)
            {
                throw ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey
                    ? new WalletStoreConflictException(WalletStoreConflict.ApiKeyId, $"An API key with id '{row.Id}' exists already.", ex)
                    : new WalletStoreConflictException(WalletStoreConflict.ApiKeyHash, $"An API key with the hash of key '{row.Id}' exists already.", ex);
            }
        });
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        return _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ApiKeyRow.Columns} FROM api_keys WHERE key_hash = $hash;";
            command.Parameters.AddWithValue("$hash", keyHash);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ApiKeyRow.Read(reader).ToRecord() : null;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        List<EventRow> rows;
        try
        {
            rows = EventRow.CreateAll(events);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<WalletEvent>>(ex);
        }

        return rows.Count == 0
            ? Task.FromResult<IReadOnlyList<WalletEvent>>([])
            : _file.WriteAsync<IReadOnlyList<WalletEvent>>(writer => InsertEvents(writer, rows));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default)
    {
        try
        {
            EventRow.CheckRead(afterId, limit);
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<WalletEvent>>(ex);
        }

        return _file.ReadAsync<IReadOnlyList<WalletEvent>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ReadEventsSql;
            command.Parameters.AddWithValue("$after", afterId);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var events = new List<WalletEvent>();
            while (reader.Read())
            {
                events.Add(EventRow.Read(reader));
            }

            return events;
        });
    }

    /// <inheritdoc />
    public Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) =>
        _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM transactions), (SELECT count(*) FROM attempts), (SELECT count(*) FROM idempotency_keys);";
            using var reader = command.ExecuteReader();
            reader.Read();
            return new StoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        });

    /// <summary>Stops the writer after the queued writes and releases pooled connections.</summary>
    public void Dispose()
    {
        _file.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One commit inside its savepoint on the writer thread; throwing undoes it (SQLite order = plan order).</summary>
    private static AccountRecord Commit(SqliteWriteContext writer, WalletWritePlan plan)
    {
        SwapAccountVersion(writer, plan);

        var update = writer.Statement(
            UpdateTransactionSql,
            "$status", "$hash", "$receipt", "$error_code", "$error_message", "$error_data", "$cancel", "$updated", "$history", "$id", "$chain", "$from");
        foreach (var row in plan.Updated)
        {
            update.Set(0, row.Status);
            update.Set(1, row.Hash);
            update.Set(2, row.Receipt);
            update.Set(3, row.ErrorCode);
            update.Set(4, row.ErrorMessage);
            update.Set(5, row.ErrorData);
            update.Set(6, row.CancelRequested);
            update.Set(7, row.UpdatedAtMs);
            update.Set(8, row.History);
            update.Set(9, row.Id);
            update.Set(10, plan.ChainId);
            update.Set(11, plan.Address);
            int changed;
            try
            {
                changed = update.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
            {
                throw WalletStoreConflicts.Nonce(plan, row.Id, row.Nonce, ex);
            }

            if (changed == 0)
            {
                throw WalletStoreConflicts.UnknownTransaction(plan, row.Id, "an update", null);
            }
        }

        if (plan.SubmittedMarks.Count > 0)
        {
            var mark = writer.Statement(MarkSubmittedSql, "$at", "$tx", "$seq");
            foreach (var m in plan.SubmittedMarks)
            {
                mark.Set(0, m.AtMs);
                mark.Set(1, m.TransactionId);
                mark.Set(2, (long)m.Seq);
                mark.ExecuteNonQuery();
            }
        }

        var insert = writer.Statement(InsertTransactionSql, TransactionParameters);
        foreach (var row in plan.Inserted)
        {
            BindTransaction(insert, row);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique)
            {
                throw ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey
                    ? WalletStoreConflicts.TransactionId(plan, row.Id, ex)
                    : WalletStoreConflicts.Nonce(plan, row.Id, row.Nonce, ex);
            }
        }

        var attempt = writer.Statement(InsertAttemptSql, "$tx", "$seq", "$kind", "$hash", "$raw", "$max_fee", "$max_priority", "$gas_price", "$signed", "$submitted");
        foreach (var row in plan.Attempts)
        {
            attempt.Set(0, row.TransactionId);
            attempt.Set(1, row.Seq);
            attempt.Set(2, row.Kind);
            attempt.Set(3, row.Hash);
            attempt.Set(4, row.Raw);
            attempt.Set(5, row.MaxFeePerGas);
            attempt.Set(6, row.MaxPriorityFeePerGas);
            attempt.Set(7, row.GasPrice);
            attempt.Set(8, row.SignedAtMs);
            attempt.Set(9, row.SubmittedAtMs);
            try
            {
                attempt.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is SqliteConstraintForeignKey or SqliteConstraintPrimaryKey or SqliteConstraintUnique)
            {
                throw ex.SqliteExtendedErrorCode switch
                {
                    SqliteConstraintForeignKey => WalletStoreConflicts.UnknownTransaction(plan, row.TransactionId, "an attempt", ex),
                    SqliteConstraintPrimaryKey => WalletStoreConflicts.AttemptSeq(plan, row.TransactionId, row.Seq, ex),
                    _ => WalletStoreConflicts.AttemptHash(plan, row.TransactionId, row.Hash, ex),
                };
            }
        }

        var idempotency = writer.Statement(InsertIdempotencySql, "$api_key", "$key", "$request_hash", "$tx", "$created");
        foreach (var key in plan.IdempotencyKeys)
        {
            idempotency.Set(0, key.ApiKeyId);
            idempotency.Set(1, key.Key);
            idempotency.Set(2, key.RequestHash);
            idempotency.Set(3, key.TransactionId);
            idempotency.Set(4, key.CreatedAt.ToUnixTimeMilliseconds());
            int inserted;
            try
            {
                inserted = idempotency.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintForeignKey)
            {
                throw WalletStoreConflicts.UnknownTransaction(plan, key.TransactionId, $"idempotency key '{key.Key}'", ex);
            }

            if (inserted == 0)
            {
                throw new IdempotencyKeyTakenException(key.ApiKeyId, key.Key);
            }
        }

        InsertEvents(writer, plan.Events);
        return plan.Written;
    }

    /// <summary>
    /// Gives the rows the next ids from event_counter, in order, and inserts them. The single writer serialises id
    /// assignment and commit, so events become visible in id order; a write undone to its savepoint takes its ids back.
    /// </summary>
    private static List<WalletEvent> InsertEvents(SqliteWriteContext writer, List<EventRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var advance = writer.Statement(AdvanceEventCounterSql, "$count");
        advance.Set(0, (long)rows.Count);
        var first = (advance.ExecuteScalarInt64() ?? throw new InvalidOperationException("The event_counter row is missing.")) - rows.Count + 1;

        var insert = writer.Statement(InsertEventSql, "$id", "$type", "$created", "$chain", "$removed", "$data");
        var events = new List<WalletEvent>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            insert.Set(0, first + i);
            insert.Set(1, row.Type);
            insert.Set(2, row.CreatedAtMs);
            insert.Set(3, row.ChainId);
            insert.Set(4, row.Removed);
            insert.Set(5, row.Data);
            insert.ExecuteNonQuery();
            events.Add(row.ToEvent(first + i));
        }

        return events;
    }

    /// <summary>The compare-and-swap on the account row: insert at version 1, or update guarded by the expected version.</summary>
    private static void SwapAccountVersion(SqliteWriteContext writer, WalletWritePlan plan)
    {
        var command = plan.ExpectedVersion == 0
            ? writer.Statement(InsertAccountSql, "$chain", "$address", "$nonce", "$paused", "$now")
            : writer.Statement(UpdateAccountSql, "$chain", "$address", "$nonce", "$paused", "$now", "$expected");
        command.Set(0, plan.ChainId);
        command.Set(1, plan.Address);
        command.Set(2, plan.NextNonce);
        command.Set(3, plan.PausedReason);
        command.Set(4, plan.UpdatedAtMs);
        if (plan.ExpectedVersion != 0)
        {
            command.Set(5, plan.ExpectedVersion);
        }

        if (command.ExecuteNonQuery() == 1)
        {
            return;
        }

        var version = writer.Statement(AccountVersionSql, "$chain", "$address");
        version.Set(0, plan.ChainId);
        version.Set(1, plan.Address);
        throw WalletStoreConflicts.StaleVersion(plan, version.ExecuteScalarInt64());
    }

    private static void BindTransaction(SqliteStatement command, TransactionRow row)
    {
        command.Set(0, row.Id);
        command.Set(1, row.ChainId);
        command.Set(2, row.From);
        command.Set(3, row.To);
        command.Set(4, row.Value);
        command.Set(5, row.Data);
        command.Set(6, row.Nonce);
        command.Set(7, row.GasLimit);
        command.Set(8, row.MaxFeeCap);
        command.Set(9, row.MaxPriorityFeeCap);
        command.Set(10, row.GasPriceCap);
        command.Set(11, row.Status);
        command.Set(12, row.Hash);
        command.Set(13, row.Receipt);
        command.Set(14, row.ErrorCode);
        command.Set(15, row.ErrorMessage);
        command.Set(16, row.ErrorData);
        command.Set(17, row.CancelRequested);
        command.Set(18, row.CreatedAtMs);
        command.Set(19, row.UpdatedAtMs);
        command.Set(20, row.History);
        command.Set(21, row.ApiKeyId);
        command.Set(22, row.IdempotencyKey);
        command.Set(23, row.RequestHash);
    }

    private static List<(TransactionRow Row, WalletTransaction Transaction)> Assemble(SqliteCommand command)
    {
        var assembler = new TransactionAssembler();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            assembler.Add(reader);
        }

        return assembler.Build();
    }

}
