using System.Globalization;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Storage;

/// <summary>The exceptions a rejected commit throws, worded the same by every store.</summary>
internal static class WalletStoreConflicts
{
    public static InconsistentStateException StaleVersion(WalletWritePlan plan, long? storedVersion) => new(
        $"Account {plan.AccountKey} was written by someone else: the commit expected version {plan.ExpectedVersion}; nothing was written.",
        storedVersion?.ToString(CultureInfo.InvariantCulture),
        plan.ExpectedVersion.ToString(CultureInfo.InvariantCulture));

    public static WalletStoreConflictException TransactionId(WalletWritePlan plan, string id, Exception? inner) =>
        new(WalletStoreConflict.TransactionId, $"Transaction '{id}' of account {plan.AccountKey} exists already; the commit was rolled back.", inner);

    public static WalletStoreConflictException Nonce(WalletWritePlan plan, string id, long nonce, Exception? inner) =>
        Nonce(plan, $"nonce {nonce.ToString(CultureInfo.InvariantCulture)} (writing '{id}')", inner);

    public static WalletStoreConflictException Nonce(WalletWritePlan plan, string what, Exception? inner) =>
        new(WalletStoreConflict.Nonce, $"Account {plan.AccountKey}: {what} is held by another live transaction already; the commit was rolled back.", inner);

    public static WalletStoreConflictException AttemptSeq(WalletWritePlan plan, string id, int seq, Exception? inner) =>
        new(WalletStoreConflict.AttemptSeq, $"Transaction '{id}' of account {plan.AccountKey} has an attempt {seq} already; the commit was rolled back.", inner);

    public static WalletStoreConflictException AttemptHash(WalletWritePlan plan, string id, string hash, Exception? inner) =>
        new(WalletStoreConflict.AttemptHash, $"An attempt with hash {hash} exists already (adding it to '{id}' of account {plan.AccountKey}); the commit was rolled back.", inner);

    public static WalletStoreConflictException UnknownTransaction(WalletWritePlan plan, string? id, string what, Exception? inner) =>
        new(
            WalletStoreConflict.UnknownTransaction,
            $"{(id is null ? "A transaction" : $"Transaction '{id}'")} named by {what} does not exist in account {plan.AccountKey}; the commit was rolled back.",
            inner);
}
