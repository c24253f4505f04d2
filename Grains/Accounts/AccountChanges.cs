using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// What one turn of an <see cref="AccountGrain"/> changes, gathered so it is written in one commit
/// (invariant 2: before any of <see cref="ToBroadcast"/> leaves the process).
/// </summary>
internal sealed class AccountChanges
{
    public List<WalletTransaction> Inserted { get; } = [];

    /// <summary>Existing transactions changed this turn, newest version per id.</summary>
    public Dictionary<string, WalletTransaction> Updated { get; } = new(StringComparer.Ordinal);

    public List<(string TransactionId, TransactionAttempt Attempt)> NewAttempts { get; } = [];

    public List<IdempotencyRecord> IdempotencyKeys { get; } = [];

    /// <summary>Event types with the transaction as it was when the event happened.</summary>
    public List<(string Type, WalletTransaction Transaction)> Events { get; } = [];

    /// <summary>Attempts to send after the commit, in nonce order.</summary>
    public List<TransactionAttempt> ToBroadcast { get; } = [];

    /// <summary>The account row itself changed (next nonce, pause).</summary>
    public bool AccountChanged { get; set; }

    public bool HasWrites => AccountChanged || Inserted.Count > 0 || Updated.Count > 0 || NewAttempts.Count > 0;

    /// <summary>Records a new version of a transaction; an inserted one is replaced in place.</summary>
    public void Update(WalletTransaction updated, WalletTransaction original)
    {
        if (ReferenceEquals(updated, original))
        {
            return;
        }

        var index = Inserted.FindIndex(t => t.Id == updated.Id);
        if (index >= 0)
        {
            Inserted[index] = updated;
        }
        else
        {
            Updated[updated.Id] = updated;
        }

        // One event per status the transaction passed through this turn (submitted → mined → confirmed
        // can happen in one poll), each with the resource as it stood at that step.
        for (var i = original.History.Length; i < updated.History.Length; i++)
        {
            var step = updated.History[i];
            var previous = i == 0 ? null : updated.History[i - 1].Status;
            if (step.Status != previous && EventFor(step.Status) is { } type)
            {
                Events.Add((type, updated with { Status = step.Status, History = updated.History[..(i + 1)] }));
            }
        }
    }

    /// <summary>The newest version of a transaction this turn.</summary>
    public WalletTransaction Current(WalletTransaction tx) =>
        Updated.TryGetValue(tx.Id, out var u) ? u : Inserted.FirstOrDefault(t => t.Id == tx.Id) ?? tx;

    public void Event(string type, WalletTransaction tx) => Events.Add((type, tx));

    private static string? EventFor(string status) => status switch
    {
        TransactionStatus.Submitted => WalletEventTypes.TransactionSubmitted,
        TransactionStatus.Mined => WalletEventTypes.TransactionMined,
        TransactionStatus.Confirmed => WalletEventTypes.TransactionConfirmed,
        TransactionStatus.Failed => WalletEventTypes.TransactionFailed,
        TransactionStatus.Cancelled => WalletEventTypes.TransactionCancelled,
        _ => null,
    };
}
