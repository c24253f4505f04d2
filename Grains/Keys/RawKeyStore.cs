using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Crypto;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// Raw hex private keys from configuration (<c>Wallet:Signers:Keys:N</c>, 64 hex digits, optional
/// <c>0x</c>). Accepted in any environment, with a start-up warning that production should use
/// keystores or a KMS: the hex text stays in the configuration's immutable strings, which cannot be wiped.
/// </summary>
public sealed class RawKeyStore : LocalKeyStore
{
    /// <summary>Parses and checks every key; throws <see cref="KeyStoreLoadException"/> naming each bad entry by index.</summary>
    public RawKeyStore(IReadOnlyList<string> keys, ILogger<RawKeyStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var signers = new List<PinnedKeySigner>(keys.Count);
        var problems = new List<string>();
        Span<byte> key = stackalloc byte[Secp256k1.PrivateKeyLength];
        try
        {
            for (var i = 0; i < keys.Count; i++)
            {
                var problem = TryDecode(keys[i], key);
                if (problem is null)
                {
                    signers.Add(new PinnedKeySigner(key));
                }
                else
                {
                    problems.Add($"Wallet:Signers:Keys:{i.ToString(CultureInfo.InvariantCulture)}: {problem}");
                }

                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch
        {
            DisposeAll(signers);
            throw;
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

        if (keys.Count > 0)
        {
            KeyLog.RawKeysInConfiguration(log, Addresses.Count);
        }
    }

    /// <inheritdoc />
    public override string SourceName => "raw keys (Wallet:Signers:Keys)";

    /// <summary>Decodes into <paramref name="key"/>; returns what is wrong (length, digits, range — never the text) or null.</summary>
    private static string? TryDecode(string? text, Span<byte> key)
    {
        var hex = (text ?? "").AsSpan().Trim();
        if (hex.Length >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        {
            hex = hex[2..];
        }

        if (hex.Length != Secp256k1.PrivateKeyLength * 2)
        {
            return $"a private key is {Secp256k1.PrivateKeyLength * 2} hex digits (optionally 0x-prefixed), got {hex.Length.ToString(CultureInfo.InvariantCulture)} characters.";
        }

        if (Convert.FromHexString(hex, key, out _, out var written) != OperationStatus.Done || written != key.Length)
        {
            return "the private key contains a character that is not a hex digit.";
        }

        return Secp256k1.IsValidPrivateKey(key)
            ? null
            : "the value is not a valid secp256k1 private key (it must be in [1, n-1]).";
    }
}
