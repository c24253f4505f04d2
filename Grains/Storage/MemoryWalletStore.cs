using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// <see cref="IWalletStore"/> in process memory, for unit tests of code built on the store. It keeps the same
/// stored forms as the database stores (times at millisecond precision, copies of byte arrays) and enforces the
/// same rules in the same order — version swap, transaction ids, live nonces, attempt seq and hash, references,
/// idempotency keys, then events — with the same exceptions, undoing a failed commit completely. Event ids are
/// dense and assigned under the store's lock, so a reader never finds a new event below an id it has seen.
/// </summary>
public sealed class MemoryWalletStore : IWalletStore, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(long ChainId, string Address), AccountRecord> _accounts = [];
    private readonly Dictionary<string, TransactionRow> _transactions = new(StringComparer.Ordinal);
    private readonly Dictionary<(long ChainId, string From, long Nonce), string> _nonceHolders = [];
    private readonly Dictionary<string, SortedList<int, AttemptRow>> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _attemptHashes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ApiKeyId, string Key), IdempotencyRecord> _idempotencyKeys = [];
    private readonly Dictionary<string, ApiKeyRow> _apiKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _apiKeyHashes = new(StringComparer.Ordinal);
    private readonly List<WalletEvent> _events = [];

    /// <inheritdoc />
    public Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) => Run(() =>
    {
        lock (_gate)
        {
            return _accounts.GetValueOrDefault((WalletColumns.ToInt64(chainId, "chain id"), address.ToLowerHex()));
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) => Run<IReadOnlyList<AccountRecord>>(() =>
    {
        lock (_gate)
        {
            return [.. _accounts.OrderBy(a => a.Key.ChainId).ThenBy(a => a.Key.Address, StringComparer.Ordinal).Select(a => a.Value)];
        }
    });

    /// <inheritdoc />
    public Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default) => Run(() =>
    {
        var plan = WalletWritePlan.Create(write);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var undo = new Stack<Action>();
            try
            {
                Apply(plan, undo);
            }
            catch
            {
                while (undo.TryPop(out var action))
                {
                    action();
                }

                throw;
            }

            return plan.Written;
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) => Run(() =>
    {
        lock (_gate)
        {
            return Live(chainId, from);
        }
    });

    /// <inheritdoc />
    public Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) => Run(() =>
    {
        lock (_gate)
        {
            return new AccountSnapshot(_accounts.GetValueOrDefault((WalletColumns.ToInt64(chainId, "chain id"), address.ToLowerHex())), Live(chainId, address));
        }
    });

    /// <summary>The live transactions of one account; the caller holds the lock.</summary>
    private IReadOnlyList<WalletTransaction> Live(ulong chainId, Address from)
    {
        var chain = WalletColumns.ToInt64(chainId, "chain id");
        var address = from.ToLowerHex();
        return [.. _transactions.Values
            .Where(r => r.ChainId == chain && r.From == address && !TransactionStatus.IsTerminal(r.Status))
            .OrderBy(r => r.Nonce)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(ToTransaction)];
    }

    /// <inheritdoc />
    public Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default) => Run(() =>
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _transactions.TryGetValue(id, out var row) ? ToTransaction(row) : null;
        }
    });

    /// <inheritdoc />
    public Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default) => Run(() =>
    {
        var listing = TransactionListing.Create(query);
        lock (_gate)
        {
            var fetched = _transactions.Values
                .Where(listing.Matches)
                .OrderByDescending(r => r.CreatedAtMs)
                .ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .Take(listing.Limit + 1)
                .Select(r => (r, ToTransaction(r)))
                .ToList();
            return listing.Page(fetched);
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default) => Run<IReadOnlyList<IdempotencyRecord>>(() =>
    {
        var (apiKeyIds, names) = WalletColumns.IdempotencyKeyColumns(keys);
        lock (_gate)
        {
            return [.. apiKeyIds.Select((a, i) => _idempotencyKeys.GetValueOrDefault((a, names[i]))).OfType<IdempotencyRecord>()];
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default) => Run<IReadOnlyDictionary<Bytes32, byte[]>>(() =>
    {
        ArgumentNullException.ThrowIfNull(hashes);
        lock (_gate)
        {
            var found = new Dictionary<Bytes32, byte[]>();
            foreach (var hash in hashes)
            {
                if (_attemptHashes.TryGetValue(hash.ToHex(), out var raw))
                {
                    found[hash] = [.. raw];
                }
            }

            return found;
        }
    });

    /// <inheritdoc />
    public Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default) => Run(() =>
    {
        var row = ApiKeyRow.Create(apiKey);
        lock (_gate)
        {
            if (_apiKeys.ContainsKey(row.Id))
            {
                throw new WalletStoreConflictException(WalletStoreConflict.ApiKeyId, $"An API key with id '{row.Id}' exists already.");
            }

            if (!_apiKeyHashes.TryAdd(row.KeyHash, row.Id))
            {
                throw new WalletStoreConflictException(WalletStoreConflict.ApiKeyHash, $"An API key with the hash of key '{row.Id}' exists already.");
            }

            _apiKeys.Add(row.Id, row);
            return true;
        }
    });

    /// <inheritdoc />
    public Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default) => Run(() =>
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        lock (_gate)
        {
            return _apiKeyHashes.TryGetValue(keyHash, out var id) ? _apiKeys[id].ToRecord() : null;
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default) => Run<IReadOnlyList<WalletEvent>>(() =>
    {
        var rows = EventRow.CreateAll(events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return AppendEvents(rows, null);
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default) => Run<IReadOnlyList<WalletEvent>>(() =>
    {
        EventRow.CheckRead(afterId, limit);
        lock (_gate)
        {
            // Ids increase along the list: binary search for the first one above afterId.
            int low = 0, high = _events.Count;
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                if (_events[middle].Id <= afterId)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return _events.GetRange(low, Math.Min(limit, _events.Count - low));
        }
    });

    /// <inheritdoc />
    public Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) => Run(() =>
    {
        lock (_gate)
        {
            return new StoreCounts(_accounts.Count, _transactions.Count, _attempts.Values.Sum(a => (long)a.Count), _idempotencyKeys.Count);
        }
    });

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Task<T> Run<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static bool HoldsNonce(TransactionRow row) => WalletColumns.HoldsNonce(row.Status);

    /// <summary>The commit, step by step in plan order (see <see cref="WalletWritePlan"/>); each change pushes its undo so a later failure restores everything.</summary>
    private void Apply(WalletWritePlan plan, Stack<Action> undo)
    {
        var accountKey = (plan.ChainId, plan.Address);
        _accounts.TryGetValue(accountKey, out var stored);
        if (plan.ExpectedVersion == 0 ? stored is not null : stored?.Version != plan.ExpectedVersion)
        {
            throw WalletStoreConflicts.StaleVersion(plan, stored?.Version);
        }

        _accounts[accountKey] = plan.Written;
        undo.Push(stored is null ? () => _accounts.Remove(accountKey) : () => _accounts[accountKey] = stored);

        foreach (var update in plan.Updated)
        {
            if (!_transactions.TryGetValue(update.Id, out var old) || old.ChainId != plan.ChainId || old.From != plan.Address)
            {
                throw WalletStoreConflicts.UnknownTransaction(plan, update.Id, "an update", null);
            }

            // Only the mutable columns change, as the SQL UPDATE does.
            var row = old with
            {
                Status = update.Status,
                Hash = update.Hash,
                Receipt = update.Receipt,
                ErrorCode = update.ErrorCode,
                ErrorMessage = update.ErrorMessage,
                ErrorData = update.ErrorData,
                CancelRequested = update.CancelRequested,
                UpdatedAtMs = update.UpdatedAtMs,
                History = update.History,
            };
            if (HoldsNonce(old) && !HoldsNonce(row))
            {
                var slot = (old.ChainId, old.From, old.Nonce);
                _nonceHolders.Remove(slot);
                undo.Push(() => _nonceHolders[slot] = old.Id);
            }
            else if (!HoldsNonce(old) && HoldsNonce(row))
            {
                TakeNonce(plan, row, undo);
            }

            _transactions[row.Id] = row;
            undo.Push(() => _transactions[old.Id] = old);
        }

        foreach (var mark in plan.SubmittedMarks)
        {
            if (_attempts.TryGetValue(mark.TransactionId, out var list) && list.TryGetValue(mark.Seq, out var attempt) && attempt.SubmittedAtMs is null)
            {
                list[mark.Seq] = attempt with { SubmittedAtMs = mark.AtMs };
                undo.Push(() => list[mark.Seq] = attempt);
            }
        }

        foreach (var row in plan.Inserted)
        {
            if (_transactions.ContainsKey(row.Id))
            {
                throw WalletStoreConflicts.TransactionId(plan, row.Id, null);
            }

            if (HoldsNonce(row))
            {
                TakeNonce(plan, row, undo);
            }

            _transactions.Add(row.Id, row);
            undo.Push(() => _transactions.Remove(row.Id));
        }

        foreach (var row in plan.Attempts)
        {
            if (!_transactions.ContainsKey(row.TransactionId))
            {
                throw WalletStoreConflicts.UnknownTransaction(plan, row.TransactionId, "an attempt", null);
            }

            if (!_attempts.TryGetValue(row.TransactionId, out var attempts))
            {
                attempts = [];
                _attempts.Add(row.TransactionId, attempts);
                undo.Push(() => _attempts.Remove(row.TransactionId));
            }

            if (attempts.ContainsKey(row.Seq))
            {
                throw WalletStoreConflicts.AttemptSeq(plan, row.TransactionId, row.Seq, null);
            }

            if (!_attemptHashes.TryAdd(row.Hash, row.Raw))
            {
                throw WalletStoreConflicts.AttemptHash(plan, row.TransactionId, row.Hash, null);
            }

            undo.Push(() => _attemptHashes.Remove(row.Hash));
            attempts.Add(row.Seq, row);
            undo.Push(() => attempts.Remove(row.Seq));
        }

        foreach (var key in plan.IdempotencyKeys)
        {
            if (_idempotencyKeys.ContainsKey((key.ApiKeyId, key.Key)))
            {
                throw new IdempotencyKeyTakenException(key.ApiKeyId, key.Key);
            }

            if (!_transactions.ContainsKey(key.TransactionId))
            {
                throw WalletStoreConflicts.UnknownTransaction(plan, key.TransactionId, $"idempotency key '{key.Key}'", null);
            }

            var record = key with { CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedAt.ToUnixTimeMilliseconds()) };
            _idempotencyKeys.Add((key.ApiKeyId, key.Key), record);
            undo.Push(() => _idempotencyKeys.Remove((key.ApiKeyId, key.Key)));
        }

        AppendEvents(plan.Events, undo);
    }

    /// <summary>Gives the rows the next ids, in order (the table event_counter); with <paramref name="undo"/>, a later failure takes them back.</summary>
    private List<WalletEvent> AppendEvents(List<EventRow> rows, Stack<Action>? undo)
    {
        var appended = new List<WalletEvent>(rows.Count);
        foreach (var row in rows)
        {
            var stored = row.ToEvent(_events.Count == 0 ? 1 : _events[^1].Id + 1);
            _events.Add(stored);
            appended.Add(stored);
            undo?.Push(() => _events.RemoveAt(_events.Count - 1));
        }

        return appended;
    }

    /// <summary>The unique index transactions_live_nonce: one nonce-holding transaction per (chain, from, nonce).</summary>
    private void TakeNonce(WalletWritePlan plan, TransactionRow row, Stack<Action> undo)
    {
        var slot = (row.ChainId, row.From, row.Nonce);
        if (!_nonceHolders.TryAdd(slot, row.Id))
        {
            throw WalletStoreConflicts.Nonce(plan, row.Id, row.Nonce, null);
        }

        undo.Push(() => _nonceHolders.Remove(slot));
    }

    private WalletTransaction ToTransaction(TransactionRow row) =>
        row.ToTransaction(_attempts.TryGetValue(row.Id, out var attempts) ? [.. attempts.Values.Select(a => a.ToAttempt())] : []);
}
