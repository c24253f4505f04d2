using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Keys;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// Keystore v3 files (Web3 Secret Storage, as geth and ethers write them) in
/// <c>Wallet:Signers:KeystoreDir</c>, decrypted at start-up with the password on the first line of
/// <c>Wallet:Signers:KeystorePasswordFile</c>. Every non-hidden file in the directory (not its
/// subdirectories) must be a keystore this password opens: any file that fails is reported with its
/// name and reason and start-up fails, as does an empty directory.
/// </summary>
public sealed class KeystoreDirectoryKeyStore : LocalKeyStore
{
    private readonly string _directory;

    /// <summary>Decrypts every file; throws <see cref="KeyStoreLoadException"/> listing each file that fails.</summary>
    public KeystoreDirectoryKeyStore(string directory, string passwordFile, ILogger<KeystoreDirectoryKeyStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordFile);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _directory = directory;
        if (!Directory.Exists(directory))
        {
            throw new KeyStoreLoadException(SourceName, [$"Wallet:Signers:KeystoreDir '{directory}' does not exist."]);
        }

        var password = ReadPassword(passwordFile);
        var signers = new List<PinnedKeySigner>();
        var problems = new List<string>();
        try
        {
            var files = Directory.EnumerateFiles(directory)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new KeyStoreLoadException(SourceName, [$"Wallet:Signers:KeystoreDir '{directory}' contains no keystore files."]);
            }

            foreach (var file in files)
            {
                var name = Path.GetFileName(file);
                string json;
                try
                {
                    json = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{name}: cannot be read ({e.Message})");
                    continue;
                }

                if (!KeystoreV3.TryDecrypt(json, password, out var key, out var error))
                {
                    problems.Add($"{name}: {error.Kind}: {error.Message}");
                    continue;
                }

                try
                {
                    signers.Add(new PinnedKeySigner(key));
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }
        catch
        {
            DisposeAll(signers);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }

        if (problems.Count > 0)
        {
            DisposeAll(signers);
            throw new KeyStoreLoadException(SourceName, problems);
        }

        foreach (var duplicate in Initialize(signers))
        {
            KeyLog.DuplicateKey(log, duplicate, SourceName);
        }

        KeyLog.SourceLoaded(log, Addresses.Count, SourceName);
    }

    /// <inheritdoc />
    public override string SourceName => $"keystore directory '{_directory}'";

    /// <summary>The first line of the file as UTF-8 bytes (go-ethereum uses passwords as bytes, unnormalised).</summary>
    private byte[] ReadPassword(string passwordFile)
    {
        string text;
        try
        {
            text = File.ReadAllText(passwordFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreLoadException(SourceName, [$"Wallet:Signers:KeystorePasswordFile '{passwordFile}' cannot be read ({e.Message})."]);
        }

        var end = text.AsSpan().IndexOfAny('\r', '\n');
        var line = end < 0 ? text.AsSpan() : text.AsSpan(0, end);
        var bytes = new byte[Encoding.UTF8.GetByteCount(line)];
        Encoding.UTF8.GetBytes(line, bytes);
        return bytes;
    }
}
