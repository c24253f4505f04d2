using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace WalletGrains.Api;

/// <summary>
/// The API key format: <c>"wg_"</c> + base64url (no padding) of 32 random bytes, shown once; stored only as
/// the lower-case hex SHA-256 of the key's UTF-8 text (prefix included). A tool creating keys elsewhere
/// (the CLI) must produce the same format and hash.
/// </summary>
public static class ApiKeySecrets
{
    /// <summary>The prefix that makes a leaked key recognisable to secret scanners.</summary>
    public const string Prefix = "wg_";

    /// <summary>Random bytes in a key: 256 bits, beyond guessing.</summary>
    public const int SecretBytes = 32;

    /// <summary>Longest presented key hashed at all; anything longer cannot be a key.</summary>
    public const int MaxPresentedLength = 512;

    /// <summary>A new random key and its stored hash.</summary>
    public static (string Key, string Hash) Generate()
    {
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var key = Prefix + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        return (key, Hash(key));
    }

    /// <summary>A new API key id (not secret): <c>"key_"</c> + 16 hex digits.</summary>
    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 text, as stored in <c>api_keys.key_hash</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(HashBytes(key));

    /// <summary>The 32 hash bytes, for constant-time comparison.</summary>
    public static byte[] HashBytes(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }
}
