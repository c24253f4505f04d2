using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// The durable latest balance snapshot per chain (tables balance_heads and balances, sql/*/0003_watches_balances.sql).
/// BalanceGrain "{chainId}" is the only writer of a chain's rows; GET /v1/balances reads them.
/// </summary>
public interface IBalanceStore
{
    /// <summary>A chain's whole snapshot, or null before its first refresh.</summary>
    Task<BalanceSnapshot?> LoadAsync(ulong chainId, CancellationToken cancellationToken = default);

    /// <summary>Writes one refresh in one transaction: the head block, the new and changed rows, the removed pairs.</summary>
    Task WriteAsync(BalanceWrite write, CancellationToken cancellationToken = default);

    /// <summary>The rows of one address with the chain's snapshot block, or null before the chain's first refresh.</summary>
    Task<AddressBalances?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default);
}

/// <summary>One followed balance: an address and a token (null: the native coin).</summary>
public readonly record struct BalanceKey(Address Address, Address? Token);

/// <summary>A stored balance and the block its value was first seen at.</summary>
public sealed record BalanceEntry(BalanceKey Key, UInt256 Balance, ulong BlockNumber);

/// <summary>A chain's snapshot: the block of the latest refresh and every stored balance.</summary>
public sealed record BalanceSnapshot(ulong ChainId, ulong BlockNumber, IReadOnlyList<BalanceEntry> Entries);

/// <summary>One refresh's changes: rows to insert or overwrite, pairs to delete, and the new snapshot block.</summary>
public sealed record BalanceWrite(ulong ChainId, ulong BlockNumber, DateTimeOffset At, IReadOnlyList<BalanceEntry> Upserts, IReadOnlyList<BalanceKey> Removals);

/// <summary>One address's stored balances and the chain's snapshot block.</summary>
public sealed record AddressBalances(ulong ChainId, Address Address, ulong BlockNumber, IReadOnlyList<BalanceEntry> Entries);
