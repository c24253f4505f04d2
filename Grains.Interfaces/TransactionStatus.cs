namespace WalletGrains.Grains;

/// <summary>The stable status values of a transaction (DESIGN.md §6).</summary>
public static class TransactionStatus
{
    /// <summary>Accepted, signed and durable, waiting for an in-flight slot.</summary>
    public const string Queued = "queued";

    /// <summary>Broadcast (or about to be, right after the durable write), not yet included.</summary>
    public const string Submitted = "submitted";

    /// <summary>Included, fewer blocks deep than the chain's confirmation depth. A reorg may move it back to submitted.</summary>
    public const string Mined = "mined";

    /// <summary>Terminal: one attempt included and buried under the confirmation depth.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>Terminal: no attempt was ever accepted.</summary>
    public const string Failed = "failed";

    /// <summary>Terminal: the cancel replacement was included.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>All values, for validation of query parameters.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Submitted, Mined, Confirmed, Failed, Cancelled];

    /// <summary>Invariant 4: confirmed, cancelled and failed are final.</summary>
    public static bool IsTerminal(string status) => status is Confirmed or Failed or Cancelled;
}
