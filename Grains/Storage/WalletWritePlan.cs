using System.Collections.Immutable;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// An <see cref="AccountWrite"/> checked and converted to stored rows on the caller's thread, before any store
/// takes a lock or a connection. Every store applies it in the same order — account version swap, updates (with their attempts' submitted_at marks),
/// inserted transactions, attempts (those of inserted transactions, then the new ones), idempotency keys, events — so
/// the first failing step, and so the exception, is the same on all of them. Events go last: they cannot fail once
/// checked here, and on PostgreSQL their id assignment takes the event counter's lock, which should be held for as
/// short a time as possible (sql/postgresql/0002_wallet.sql). Updates go before inserts so one
/// commit can fail a transaction and give its nonce to a new one (invariant 4); an update therefore names a
/// transaction that existed before the commit.
/// </summary>
internal sealed class WalletWritePlan
{
    private WalletWritePlan(AccountRecord account, long chainId, string address, long nextNonce, long expectedVersion)
    {
        Account = account;
        ChainId = chainId;
        Address = address;
        NextNonce = nextNonce;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The account as the caller passed it; the stored one differs in its version and time precision.</summary>
    public AccountRecord Account { get; }

    public long ChainId { get; }

    public string Address { get; }

    public long NextNonce { get; }

    public string? PausedReason => Account.PausedReason;

    public long UpdatedAtMs => Account.UpdatedAt.ToUnixTimeMilliseconds();

    public long ExpectedVersion { get; }

    public List<TransactionRow> Inserted { get; } = [];

    public List<TransactionRow> Updated { get; } = [];

    public List<AttemptRow> Attempts { get; } = [];

    /// <summary>
    /// First-broadcast times of existing attempts, taken from the updated transactions: an attempt signed
    /// while queued gets its submitted_at when a slot frees up. Written only where still unset.
    /// </summary>
    public List<SubmittedMark> SubmittedMarks { get; } = [];

    public List<IdempotencyRecord> IdempotencyKeys { get; } = [];

    /// <summary>The write's events in list order; they get consecutive ids in this order.</summary>
    public List<EventRow> Events { get; } = [];

    /// <summary>The account row as it reads back after this write: version + 1, time at millisecond precision.</summary>
    public AccountRecord Written => Account with
    {
        Version = ExpectedVersion + 1,
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAtMs),
    };

    /// <summary>"{chainId}:{address}", for messages.</summary>
    public string AccountKey => $"{ChainId}:{Address}";

    /// <summary>
    /// Checks that every transaction belongs to the written account and every number fits the tables, and
    /// converts. Throws <see cref="ArgumentException"/> (nothing is written) when the write is malformed.
    /// </summary>
    public static WalletWritePlan Create(AccountWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.Account);
        var account = write.Account;
        if (write.ExpectedVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(write), write.ExpectedVersion, $"Expected version {write.ExpectedVersion} of account {account.ChainId}:{account.Address.ToLowerHex()} is negative.");
        }

        var plan = new WalletWritePlan(
            account,
            WalletColumns.ToInt64(account.ChainId, "chain id"),
            account.Address.ToLowerHex(),
            WalletColumns.ToInt64(account.NextNonce, "next nonce"),
            write.ExpectedVersion);

        foreach (var transaction in Items(write.Inserted))
        {
            var row = plan.Own(transaction, "inserted");
            plan.Inserted.Add(row);
            foreach (var attempt in Items(transaction.Attempts))
            {
                plan.Attempts.Add(AttemptRow.Create(row.Id, attempt));
            }
        }

        var updatedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var transaction in Items(write.Updated))
        {
            var row = plan.Own(transaction, "updated");
            if (!updatedIds.Add(row.Id))
            {
                throw new ArgumentException($"Transaction '{row.Id}' appears twice in the updates of account {plan.AccountKey}.", nameof(write));
            }

            plan.Updated.Add(row);
            foreach (var attempt in Items(transaction.Attempts))
            {
                if (attempt.SubmittedAt is { } at)
                {
                    plan.SubmittedMarks.Add(new SubmittedMark(row.Id, attempt.Seq, at.ToUnixTimeMilliseconds()));
                }
            }
        }

        foreach (var (transactionId, attempt) in Items(write.NewAttempts))
        {
            ArgumentException.ThrowIfNullOrEmpty(transactionId, nameof(write));
            plan.Attempts.Add(AttemptRow.Create(transactionId, attempt));
        }

        foreach (var key in Items(write.NewIdempotencyKeys))
        {
            ArgumentNullException.ThrowIfNull(key, nameof(write));
            ArgumentException.ThrowIfNullOrEmpty(key.ApiKeyId, nameof(write));
            ArgumentException.ThrowIfNullOrEmpty(key.Key, nameof(write));
            ArgumentNullException.ThrowIfNull(key.RequestHash, nameof(write));
            ArgumentException.ThrowIfNullOrEmpty(key.TransactionId, nameof(write));
            plan.IdempotencyKeys.Add(key);
        }

        foreach (var newEvent in Items(write.NewEvents))
        {
            plan.Events.Add(EventRow.Create(newEvent));
        }

        return plan;
    }

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private TransactionRow Own(WalletTransaction transaction, string role)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrEmpty(transaction.Id);
        if (!TransactionStatus.All.Contains(transaction.Status))
        {
            throw new ArgumentException($"The {role} transaction '{transaction.Id}' has status '{transaction.Status}', which is not one of {string.Join(", ", TransactionStatus.All)}.", nameof(transaction));
        }

        if (transaction.ChainId != Account.ChainId || transaction.From != Account.Address)
        {
            throw new ArgumentException(
                $"The {role} transaction '{transaction.Id}' belongs to {transaction.ChainId}:{transaction.From.ToLowerHex()}, not to the written account {AccountKey}.",
                nameof(transaction));
        }

        return TransactionRow.Create(transaction);
    }
}

/// <summary>An attempt's first broadcast time, for <see cref="WalletWritePlan.SubmittedMarks"/>.</summary>
internal readonly record struct SubmittedMark(string TransactionId, int Seq, long AtMs);
