namespace WalletGrains.Ethereum.Model;

/// <summary>
/// The gas a transaction pays before any execution (yellow paper g0): what a gas limit must at least
/// cover for any node to accept it.
/// </summary>
public static class IntrinsicGas
{
    /// <summary>G_transaction: every transaction.</summary>
    public const ulong Transaction = 21_000;

    /// <summary>G_txcreate: contract creation (EIP-2).</summary>
    public const ulong Creation = 32_000;

    /// <summary>G_txdatazero: per zero byte of calldata.</summary>
    public const ulong ZeroByte = 4;

    /// <summary>G_txdatanonzero: per non-zero byte of calldata (EIP-2028).</summary>
    public const ulong NonZeroByte = 16;

    /// <summary>Per 32-byte word of init code (EIP-3860).</summary>
    public const ulong InitCodeWord = 2;

    /// <summary>Per access-list address (EIP-2930).</summary>
    public const ulong AccessListAddress = 2_400;

    /// <summary>Per access-list storage key (EIP-2930).</summary>
    public const ulong AccessListStorageKey = 1_900;

    /// <summary>Intrinsic gas of a call or creation with this calldata and access list.</summary>
    public static ulong Of(bool isCreation, ReadOnlySpan<byte> data, IReadOnlyList<AccessListEntry>? accessList = null)
    {
        var gas = Transaction;
        var zeros = (ulong)data.Count((byte)0);
        gas += zeros * ZeroByte + ((ulong)data.Length - zeros) * NonZeroByte;
        if (isCreation)
        {
            gas += Creation + InitCodeWord * (((ulong)data.Length + 31) / 32);
        }

        foreach (var entry in accessList ?? [])
        {
            gas += AccessListAddress + AccessListStorageKey * (ulong)entry.StorageKeys.Count;
        }

        return gas;
    }
}
