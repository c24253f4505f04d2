namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// BIP-44 paths for Ethereum (coin type 60, SLIP-44): account <c>i</c> of the usual wallets
/// (MetaMask, Ledger Live "legacy", Hardhat/Anvil) lives at <c>m/44'/60'/0'/0/i</c>.
/// </summary>
public static class Bip44
{
    /// <summary>SLIP-44 coin type of Ethereum.</summary>
    public const uint EthereumCoinType = 60;

    /// <summary>The parent of every account key: <c>m/44'/60'/0'/0</c> (purpose, coin, account 0, external chain).</summary>
    public static KeyPath EthereumAccountParent { get; } = KeyPath.Master
        .Append(44, hardened: true)
        .Append(EthereumCoinType, hardened: true)
        .Append(0, hardened: true)
        .Append(0);

    /// <summary>The path of account <paramref name="index"/>: <c>m/44'/60'/0'/0/index</c>.</summary>
    public static KeyPath EthereumAccountPath(uint index) => EthereumAccountParent.Append(index);

    /// <summary>Account <paramref name="index"/> of a BIP-39 seed.</summary>
    public static Bip44Account DeriveEthereumAccount(ReadOnlySpan<byte> seed, uint index) =>
        DeriveEthereumAccounts(seed, 1, index)[0];

    /// <summary>
    /// Accounts <paramref name="start"/> .. start+count-1 of a BIP-39 seed. The shared parent
    /// <c>m/44'/60'/0'/0</c> is derived once and wiped afterwards.
    /// </summary>
    public static IReadOnlyList<Bip44Account> DeriveEthereumAccounts(ReadOnlySpan<byte> seed, int count, uint start = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + (ulong)count > KeyPath.HardenedOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Account indices must stay below 2^31; start {start} + count {count} does not.");
        }

        using var master = Bip32ExtendedKey.FromSeed(seed);
        using var parent = master.Derive(EthereumAccountParent);
        var accounts = new List<Bip44Account>(count);
        for (var i = 0; i < count; i++)
        {
            var index = start + (uint)i;
            using var child = parent.DeriveChild(index);
            accounts.Add(new Bip44Account(index, EthereumAccountPath(index), child.PrivateKey));
        }

        return accounts.AsReadOnly();
    }

    /// <summary>Accounts of a mnemonic (with an optional BIP-39 passphrase); the seed is wiped afterwards.</summary>
    public static IReadOnlyList<Bip44Account> DeriveEthereumAccounts(Bip39Mnemonic mnemonic, int count, uint start = 0, string passphrase = "")
    {
        ArgumentNullException.ThrowIfNull(mnemonic);
        var seed = mnemonic.ToSeed(passphrase);
        try
        {
            return DeriveEthereumAccounts(seed, count, start);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }
}
