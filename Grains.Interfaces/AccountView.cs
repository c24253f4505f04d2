using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains;

/// <summary>The REST account resource: one custodied account on one chain.</summary>
/// <param name="NextNonce">The nonce the next accepted transaction gets.</param>
/// <param name="ConfirmedNonce">The chain's transaction count at the latest polled block.</param>
/// <param name="Pending">Transactions broadcast and not yet confirmed (submitted or mined).</param>
/// <param name="Queued">Transactions accepted and waiting for an in-flight slot.</param>
/// <param name="Balance">Native balance at the latest polled block, when known.</param>
public sealed record AccountView(
    ulong ChainId,
    Address Address,
    ulong NextNonce,
    ulong ConfirmedNonce,
    int Pending,
    int Queued,
    UInt256? Balance,
    DateTimeOffset? OldestPendingSince,
    int FeeBumps,
    string? PausedReason);
