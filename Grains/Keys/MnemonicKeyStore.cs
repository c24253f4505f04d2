using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Keys;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// HD accounts of a BIP-39 mnemonic (<c>Wallet:Signers:Mnemonic</c>): the first
/// <c>MnemonicCount</c> accounts at <c>m/44'/60'/0'/0/i</c> (BIP-44, the path of MetaMask and anvil).
/// The seed and the derived intermediate keys are wiped once the accounts are loaded.
/// </summary>
public sealed class MnemonicKeyStore : LocalKeyStore
{
    /// <summary>Most accounts derived from one mnemonic; derivation costs time at every start-up.</summary>
    public const int MaxCount = 10_000;

    /// <summary>Derives accounts 0 .. <paramref name="count"/>-1; throws <see cref="KeyStoreLoadException"/> for a bad mnemonic or count.</summary>
    public MnemonicKeyStore(string mnemonic, int count, ILogger<MnemonicKeyStore>? logger = null)
    {
        var log = (ILogger?)logger ?? NullLogger.Instance;
        if (count is < 1 or > MaxCount)
        {
            throw new KeyStoreLoadException(SourceName, [$"Wallet:Signers:MnemonicCount is {count.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and {MaxCount.ToString(CultureInfo.InvariantCulture)}."]);
        }

        // The parser's messages name a word's position, never a word.
        if (!Bip39Mnemonic.TryParse(mnemonic, out var parsed, out var error))
        {
            throw new KeyStoreLoadException(SourceName, [$"Wallet:Signers:Mnemonic is not a valid BIP-39 English mnemonic: {error.Message}"]);
        }

        var accounts = Bip44.DeriveEthereumAccounts(parsed, count);
        var signers = new List<PinnedKeySigner>(count);
        try
        {
            foreach (var account in accounts)
            {
                signers.Add(new PinnedKeySigner(account.PrivateKey));
            }
        }
        catch
        {
            DisposeAll(signers);
            throw;
        }
        finally
        {
            foreach (var account in accounts)
            {
                account.Dispose();
            }
        }

        _ = Initialize(signers);
        KeyLog.SourceLoaded(log, Addresses.Count, SourceName);
    }

    /// <inheritdoc />
    public override string SourceName => "HD mnemonic accounts (Wallet:Signers:Mnemonic)";
}
