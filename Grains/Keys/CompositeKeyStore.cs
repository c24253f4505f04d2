using System.Collections.Frozen;
using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// All configured key sources as one <see cref="IKeyStore"/>, routing each address to the source that
/// holds it. An address held by several sources is served by the first (in the order given) with a
/// warning: the same address means the same private key, so the choice cannot change a signature,
/// and failing start-up over a harmless overlap would only get in the way. Disposing disposes the sources.
/// </summary>
public sealed class CompositeKeyStore : IKeyStore, IDisposable
{
    private readonly ReadOnlyCollection<IKeyStore> _sources;
    private readonly FrozenDictionary<Address, IKeyStore> _route;
    private readonly ReadOnlyCollection<Address> _addresses;

    /// <summary>Combines <paramref name="sources"/> and takes ownership of them.</summary>
    public CompositeKeyStore(IEnumerable<IKeyStore> sources, ILogger<CompositeKeyStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _sources = sources.ToList().AsReadOnly();
        var route = new Dictionary<Address, IKeyStore>();
        var order = new List<Address>();
        foreach (var source in _sources)
        {
            foreach (var address in source.Addresses)
            {
                if (route.TryAdd(address, source))
                {
                    order.Add(address);
                }
                else
                {
                    KeyLog.DuplicateKey(log, address, $"in {NameOf(route[address])} and {NameOf(source)}");
                }
            }
        }

        _route = route.ToFrozenDictionary();
        _addresses = order.AsReadOnly();
    }

    /// <summary>The combined sources, in priority order.</summary>
    public IReadOnlyList<IKeyStore> Sources => _sources;

    /// <inheritdoc />
    public IReadOnlyCollection<Address> Addresses => _addresses;

    /// <inheritdoc />
    public bool Contains(Address address) => _route.ContainsKey(address);

    /// <inheritdoc />
    public ValueTask<Signature> SignHashAsync(Address address, Bytes32 hash, CancellationToken cancellationToken = default) =>
        _route.TryGetValue(address, out var source)
            ? source.SignHashAsync(address, hash, cancellationToken)
            : ValueTask.FromException<Signature>(new KeyNotFoundException($"No key for address {address} in any configured key source ({_sources.Count} sources, {_addresses.Count} addresses)."));

    /// <summary>Disposes every source.</summary>
    public void Dispose()
    {
        foreach (var source in _sources)
        {
            (source as IDisposable)?.Dispose();
        }
    }

    /// <summary>Names the sources and the number of addresses, never a key.</summary>
    public override string ToString() => $"CompositeKeyStore({string.Join(", ", _sources.Select(NameOf))}; {_addresses.Count} addresses)";

    private static string NameOf(IKeyStore source) => source is LocalKeyStore local ? local.SourceName : source.GetType().Name;
}
