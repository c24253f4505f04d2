namespace WalletGrains.Ethereum.Model;

/// <summary>One EIP-2930 access-list entry: an address and the storage slots the transaction plans to touch.</summary>
/// <param name="Address">The account.</param>
/// <param name="StorageKeys">32-byte storage slots, in order (duplicates are legal and kept).</param>
public sealed record AccessListEntry(Address Address, IReadOnlyList<Bytes32> StorageKeys)
{
    /// <summary>An entry with no storage keys.</summary>
    public AccessListEntry(Address address)
        : this(address, [])
    {
    }

    /// <summary>Value equality, including the storage keys in order.</summary>
    public bool Equals(AccessListEntry? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Address != other.Address || StorageKeys.Count != other.StorageKeys.Count)
        {
            return false;
        }

        for (var i = 0; i < StorageKeys.Count; i++)
        {
            if (StorageKeys[i] != other.StorageKeys[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.Add(Address);
        foreach (var key in StorageKeys)
        {
            hc.Add(key);
        }

        return hc.ToHashCode();
    }

    /// <summary>Element-wise equality of two access lists.</summary>
    public static bool ListEquals(IReadOnlyList<AccessListEntry> a, IReadOnlyList<AccessListEntry> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
