using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Keys;

/// <summary>Builds the key store of a <see cref="SignerOptions"/>: every configured source, combined.</summary>
public static class KeyStoreFactory
{
    /// <summary>
    /// Loads keystore files, then mnemonic accounts, then raw keys (that order decides which source
    /// serves an address given twice) into a <see cref="CompositeKeyStore"/>. A source that fails throws
    /// <see cref="KeyStoreLoadException"/>, after the sources already loaded are disposed.
    /// </summary>
    public static CompositeKeyStore Create(SignerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var problems = SignerOptionsValidator.FindProblems(options);
        if (problems.Count > 0)
        {
            throw new KeyStoreLoadException("the signer configuration (Wallet:Signers)", problems);
        }

        var sources = new List<IKeyStore>();
        try
        {
            if (!string.IsNullOrWhiteSpace(options.KeystoreDir))
            {
                sources.Add(new KeystoreDirectoryKeyStore(options.KeystoreDir, options.KeystorePasswordFile!, loggerFactory.CreateLogger<KeystoreDirectoryKeyStore>()));
            }

            if (!string.IsNullOrWhiteSpace(options.Mnemonic))
            {
                sources.Add(new MnemonicKeyStore(options.Mnemonic, options.MnemonicCount, loggerFactory.CreateLogger<MnemonicKeyStore>()));
            }

            if (options.Keys.Count > 0)
            {
                sources.Add(new RawKeyStore(options.Keys, loggerFactory.CreateLogger<RawKeyStore>()));
            }
        }
        catch
        {
            foreach (var source in sources)
            {
                (source as IDisposable)?.Dispose();
            }

            throw;
        }

        var store = new CompositeKeyStore(sources, loggerFactory.CreateLogger<CompositeKeyStore>());
        var log = loggerFactory.CreateLogger(typeof(KeyStoreFactory).FullName!);
        if (store.Addresses.Count == 0)
        {
            KeyLog.NoKeys(log);
        }
        else
        {
            KeyLog.KeyStoreReady(log, store.Addresses.Count);
        }

        return store;
    }
}
