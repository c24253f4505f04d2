using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// The <see cref="IWatchedAddresses"/> used when the host registers no watch store: the custodied accounts (the same
/// on every chain), native only, or nothing when no key store is registered either.
/// </summary>
public sealed class CustodiedWatchedAddresses(IKeyStore? keys = null) : IWatchedAddresses
{
    /// <inheritdoc />
    public Task<WatchSet> GetAsync(ulong chainId, CancellationToken cancellationToken = default)
    {
        IEnumerable<Address> addresses = keys?.Addresses ?? [];
        return Task.FromResult(new WatchSet(chainId, [.. addresses
            .Distinct()
            .OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal)
            .Select(a => new WatchedAddress(a, []))]));
    }
}
