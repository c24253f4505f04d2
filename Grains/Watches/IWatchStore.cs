using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Watches;

/// <summary>
/// Addresses a client asked to follow (POST /v1/watches) for balances and incoming activity, per chain, with the
/// ERC-20 tokens whose balances to read for each. Custodied accounts are followed without a watch
/// (<see cref="IWatchedAddresses"/> adds them).
/// </summary>
public interface IWatchStore
{
    /// <summary>Adds the watch, or replaces the token list of an existing watch on the same chain and address; returns it as stored.</summary>
    Task<Watch> UpsertAsync(Watch watch, CancellationToken cancellationToken = default);

    /// <summary>The watch of one address on one chain, or null.</summary>
    Task<Watch?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default);

    /// <summary>Removes a watch; false when there was none.</summary>
    Task<bool> RemoveAsync(ulong chainId, Address address, CancellationToken cancellationToken = default);

    /// <summary>Watches of one chain, or of every chain when <paramref name="chainId"/> is null, ordered by chain then address.</summary>
    Task<IReadOnlyList<Watch>> ListAsync(ulong? chainId, CancellationToken cancellationToken = default);
}

/// <summary>One watched address on one chain and the ERC-20 token contracts to read its balances of (native always).</summary>
public sealed record Watch(ulong ChainId, Address Address, ImmutableArray<Address> Tokens, DateTimeOffset CreatedAt);

/// <summary>
/// Everything one chain's BalanceGrain and EventMonitorGrain follow: the custodied accounts of the chain and the
/// watched addresses, each with its tokens. Read again by the grains on each refresh, so watches added through the
/// API take effect at the next block.
/// </summary>
public interface IWatchedAddresses
{
    /// <summary>The followed addresses of a chain (custodied ∪ watched), each once, with the union of their tokens.</summary>
    Task<WatchSet> GetAsync(ulong chainId, CancellationToken cancellationToken = default);
}

/// <summary>A chain's followed addresses, each once and in lower-case hex order, with its tokens (an empty list: native only).</summary>
public sealed record WatchSet(ulong ChainId, ImmutableArray<WatchedAddress> Entries);

/// <summary>One followed address and the ERC-20 contracts whose balances are read for it.</summary>
public sealed record WatchedAddress(Address Address, ImmutableArray<Address> Tokens);
