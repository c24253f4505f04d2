using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// The wallet's durable tables (sql/*/0002_wallet.sql): accounts, transactions, attempts,
/// idempotency keys, API keys and the event log, on SQLite or PostgreSQL with the same semantics.
/// </summary>
public interface IWalletStore
{
    /// <summary>The account row, or null before the account's first accepted transaction.</summary>
    Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default);

    /// <summary>Every account row.</summary>
    Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one account's changes atomically (one database transaction): the account row with a
    /// version compare-and-swap, inserted and updated transactions, new attempts, idempotency keys and events.
    /// Throws <see cref="WalletGrains.Runtime.InconsistentStateException"/> when the account's version
    /// is not <see cref="AccountWrite.ExpectedVersion"/> (another activation wrote first; nothing is
    /// written), and <see cref="IdempotencyKeyTakenException"/> when an idempotency key exists already.
    /// Returns the account row as written (version incremented).
    /// </summary>
    Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default);

    /// <summary>Transactions of one account that are not terminal, in nonce order, with their attempts.</summary>
    Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default);

    /// <summary>
    /// What an account's activation reads: <see cref="GetAccountAsync"/> and <see cref="GetLiveTransactionsAsync"/> of one
    /// account, read together on one connection (on PostgreSQL in one round trip; each read sees what was committed when
    /// it started, as when they are made apart).
    /// </summary>
    Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default);

    /// <summary>One transaction with its attempts, or null.</summary>
    Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Newest first (created_at, then id, descending), filtered; the cursor continues a previous page.</summary>
    Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored uses of these idempotency keys (API key id, Idempotency-Key) in one read: for each, the transaction
    /// it points at and the request hash it was made with. Keys never used are absent; the order is the store's.
    /// </summary>
    Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// The signed bytes of the stored attempts among <paramref name="hashes"/> (any attempt of any transaction, live or
    /// not), by hash. Hashes this store never signed are absent.
    /// </summary>
    Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default);

    /// <summary>Stores a new API key (its hash only).</summary>
    Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default);

    /// <summary>The key with this SHA-256 hash (hex), revoked or not, or null.</summary>
    Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events that no account write carries (balances, incoming transfers); returns them with their ids, which
    /// are consecutive in list order (the event monitor finds a block's events again by their id range).
    /// </summary>
    Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events with an id above <paramref name="afterId"/> (≥ 0), in id order, at most <paramref name="limit"/> (1 to 1000).
    /// Ids become visible in increasing order: after reading id N, no event with an id below N appears later.
    /// </summary>
    Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts rows per table, for tests proving that a rejected request wrote nothing (invariant 8).</summary>
    Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The durable part of an account: its next nonce and a version for optimistic concurrency.
/// </summary>
public sealed record AccountRecord(ulong ChainId, Address Address, ulong NextNonce, long Version, string? PausedReason, DateTimeOffset UpdatedAt);

/// <summary>An account's row (null before its first accepted transaction) and its live transactions in nonce order.</summary>
public sealed record AccountSnapshot(AccountRecord? Account, IReadOnlyList<WalletTransaction> Live);

/// <summary>One atomic change to one account and its transactions.</summary>
/// <param name="ExpectedVersion">The version read; 0 when the account row does not exist yet.</param>
/// <param name="Updated">Existing transactions to overwrite (status, hash, receipt, error, history, flags); their attempts are not touched here.</param>
/// <param name="NewAttempts">Attempts to add to existing or inserted transactions, keyed by transaction id.</param>
public sealed record AccountWrite(
    AccountRecord Account,
    long ExpectedVersion,
    ImmutableArray<WalletTransaction> Inserted,
    ImmutableArray<WalletTransaction> Updated,
    ImmutableArray<(string TransactionId, TransactionAttempt Attempt)> NewAttempts,
    ImmutableArray<IdempotencyRecord> NewIdempotencyKeys)
{
    /// <summary>Events recorded in the same database transaction as the change they describe.</summary>
    public ImmutableArray<NewWalletEvent> NewEvents { get; init; } = [];
}

/// <summary>An Idempotency-Key use: per API key, the request body's hash and the transaction it created.</summary>
public sealed record IdempotencyRecord(string ApiKeyId, string Key, string RequestHash, string TransactionId, DateTimeOffset CreatedAt);

/// <summary>Thrown by <see cref="IWalletStore.CommitAsync"/> when an idempotency key was taken by another writer.</summary>
public sealed class IdempotencyKeyTakenException(string apiKeyId, string key)
    : Exception($"Idempotency key '{key}' of API key '{apiKeyId}' is already used.")
{
    public string ApiKeyId { get; } = apiKeyId;

    public string Key { get; } = key;
}

/// <summary>Filter and page of <see cref="IWalletStore.ListTransactionsAsync"/>.</summary>
public sealed record TransactionQuery(ulong? ChainId, Address? From, string? Status, int Limit, string? Cursor);

/// <summary>A page of transactions and the cursor of the next page (null at the end).</summary>
public sealed record TransactionPage(IReadOnlyList<WalletTransaction> Items, string? NextCursor);

/// <summary>An API key as stored: the SHA-256 of the secret, never the secret.</summary>
public sealed record ApiKeyRecord(string Id, string KeyHash, string Role, ImmutableArray<Address> AllowedFrom, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Row counts of the wallet tables.</summary>
public sealed record StoreCounts(long Accounts, long Transactions, long Attempts, long IdempotencyKeys);
