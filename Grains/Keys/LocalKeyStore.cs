using System.Collections.Frozen;
using System.Collections.ObjectModel;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// A key store whose keys live in this process: one pinned, zero-on-dispose key per address, looked
/// up in a frozen dictionary, so a signature costs one secp256k1 operation and completes synchronously.
/// </summary>
/// <remarks>Addresses are public; nothing here ever renders a key as text.</remarks>
public abstract class LocalKeyStore : IKeyStore, IDisposable
{
    private FrozenDictionary<Address, PinnedKeySigner> _signers = FrozenDictionary<Address, PinnedKeySigner>.Empty;
    private ReadOnlyCollection<Address> _addresses = ReadOnlyCollection<Address>.Empty;
    private volatile bool _disposed;

    private protected LocalKeyStore()
    {
    }

    /// <summary>Where the keys come from, for messages, e.g. "raw keys (Wallet:Signers:Keys)".</summary>
    public abstract string SourceName { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<Address> Addresses => _addresses;

    /// <inheritdoc />
    public bool Contains(Address address) => _signers.ContainsKey(address);

    /// <inheritdoc />
    public ValueTask<Signature> SignHashAsync(Address address, Bytes32 hash, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _signers.TryGetValue(address, out var signer)
            ? new ValueTask<Signature>(signer.SignHash(hash))
            : ValueTask.FromException<Signature>(new KeyNotFoundException($"No key for address {address} in {SourceName}."));
    }

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Names the source and the number of keys, never a key.</summary>
    public override string ToString() => $"{GetType().Name}({SourceName}, {_addresses.Count} addresses)";

    /// <summary>Zeroes every key when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var signer in _signers.Values)
        {
            signer.Dispose();
        }
    }

    /// <summary>
    /// Takes ownership of the loaded keys. The same key given twice is harmless (same address, same
    /// key): the first copy is kept, later ones are zeroed, and their addresses are returned for a warning.
    /// </summary>
    private protected IReadOnlyList<Address> Initialize(IEnumerable<PinnedKeySigner> signers)
    {
        var byAddress = new Dictionary<Address, PinnedKeySigner>();
        var order = new List<Address>();
        var duplicates = new List<Address>();
        foreach (var signer in signers)
        {
            if (byAddress.TryAdd(signer.Address, signer))
            {
                order.Add(signer.Address);
            }
            else
            {
                duplicates.Add(signer.Address);
                signer.Dispose();
            }
        }

        _signers = byAddress.ToFrozenDictionary();
        _addresses = order.AsReadOnly();
        return duplicates;
    }

    /// <summary>Zeroes keys loaded before a constructor failed, so a failed start leaves no key behind.</summary>
    private protected static void DisposeAll(IEnumerable<PinnedKeySigner> signers)
    {
        foreach (var signer in signers)
        {
            signer.Dispose();
        }
    }
}
