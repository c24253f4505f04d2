using System.Collections.Concurrent;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Monitor.Tests;

/// <summary>The tests' own <see cref="IWatchedAddresses"/>: a set the test adds to while the monitor runs (read again on every poll).</summary>
public sealed class TestWatchedAddresses : IWatchedAddresses
{
    private readonly ConcurrentDictionary<Address, bool> _addresses = new();

    public void Add(Address address) => _addresses[address] = true;

    public Task<WatchSet> GetAsync(ulong chainId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new WatchSet(chainId, [.. _addresses.Keys.OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal).Select(a => new WatchedAddress(a, []))]));
}
