using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// Custody of private keys: lists the addresses it holds and signs 32-byte hashes for them. Key
/// bytes never leave an implementation (no logging, no responses, no plaintext storage).
/// </summary>
public interface IKeyStore
{
    /// <summary>Every custodied address.</summary>
    IReadOnlyCollection<Address> Addresses { get; }

    /// <summary>True when the address is custodied here.</summary>
    bool Contains(Address address);

    /// <summary>Signs a 32-byte hash (RFC 6979, low-s) with the key of <paramref name="address"/>.</summary>
    /// <exception cref="KeyNotFoundException">The address is not custodied.</exception>
    ValueTask<Signature> SignHashAsync(Address address, Bytes32 hash, CancellationToken cancellationToken = default);
}
