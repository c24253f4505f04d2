using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;

namespace WalletGrains.Grains.Watches;

/// <summary>
/// <see cref="IWatchedAddresses"/> from the key store and the watch store: on a configured chain every custodied
/// address (native, plus the tokens of a watch on the same address if there is one) and every watch; on a chain that is
/// not configured, the watches only.
/// </summary>
public sealed class WatchedAddresses(IWatchStore watches, IKeyStore keys, IChainRegistry chains) : IWatchedAddresses
{
    /// <inheritdoc />
    public async Task<WatchSet> GetAsync(ulong chainId, CancellationToken cancellationToken = default)
    {
        var byAddress = new Dictionary<Address, ImmutableArray<Address>>();
        if (chains.TryGet(chainId, out _))
        {
            foreach (var address in keys.Addresses)
            {
                byAddress[address] = [];
            }
        }

        foreach (var watch in await watches.ListAsync(chainId, cancellationToken))
        {
            byAddress[watch.Address] = byAddress.TryGetValue(watch.Address, out var tokens)
                ? Union(tokens, watch.Tokens)
                : watch.Tokens.IsDefault ? [] : watch.Tokens;
        }

        var entries = byAddress
            .Select(e => (Lower: e.Key.ToLowerHex(), Entry: new WatchedAddress(e.Key, e.Value)))
            .OrderBy(e => e.Lower, StringComparer.Ordinal)
            .Select(e => e.Entry)
            .ToImmutableArray();
        return new WatchSet(chainId, entries);
    }

    private static ImmutableArray<Address> Union(ImmutableArray<Address> first, ImmutableArray<Address> second) =>
        second.IsDefaultOrEmpty ? first : [.. first.Concat(second).Distinct()];
}
