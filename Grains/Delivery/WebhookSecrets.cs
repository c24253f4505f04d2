using System.Buffers.Text;
using System.Security.Cryptography;

namespace WalletGrains.Grains.Delivery;

/// <summary>New webhook ids and signing secrets.</summary>
public static class WebhookSecrets
{
    /// <summary>The prefix that makes a leaked secret recognisable.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>"whsec_"</c> + base64url (no padding) of 32 random bytes. Its UTF-8 text is the HMAC key.</summary>
    public static string NewSecret()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        var secret = SecretPrefix + Base64Url.EncodeToString(random);
        CryptographicOperations.ZeroMemory(random);
        return secret;
    }

    /// <summary>A new webhook id (not secret): <c>"wh_"</c> + 16 hex digits.</summary>
    public static string NewId() => "wh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
