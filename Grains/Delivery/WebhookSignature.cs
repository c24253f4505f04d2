using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The signature header of a webhook request (DESIGN.md §6):
/// <c>WalletGrains-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(key, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>,
/// key = the UTF-8 bytes of the webhook's secret string. The timestamp is signed with the body, so a receiver can
/// refuse replays of old requests by bounding how far <c>t</c> may be from its own clock.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The request header carrying the signature.</summary>
    public const string HeaderName = "WalletGrains-Signature";

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="timestamp"/> (whole seconds).</summary>
    public static string Create(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var key = Encoding.UTF8.GetBytes(secret);
        try
        {
            var mac = HMACSHA256.HashData(key, message);
            return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
