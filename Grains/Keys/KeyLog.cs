using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Keys;

/// <summary>Log messages of the key stores (event ids 3100–3199). Never a key, mnemonic or password.</summary>
internal static partial class KeyLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning,
        Message = "{Count} raw private key(s) loaded from Wallet:Signers:Keys. Raw keys in configuration are for development; production should use keystore files (Wallet:Signers:KeystoreDir) or a KMS")]
    public static partial void RawKeysInConfiguration(ILogger logger, int count);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Loaded {Count} key(s) from {Source}")]
    public static partial void SourceLoaded(ILogger logger, int count, string source);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Address {Address} is given more than once ({Source}); the first copy is used")]
    public static partial void DuplicateKey(ILogger logger, Address address, string source);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "No signing keys are configured (Wallet:Signers); the service custodies no accounts")]
    public static partial void NoKeys(ILogger logger);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Key store ready with {Count} address(es)")]
    public static partial void KeyStoreReady(ILogger logger, int count);
}
