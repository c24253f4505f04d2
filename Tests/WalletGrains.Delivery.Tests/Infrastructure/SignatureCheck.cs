using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// A receiver's check of <c>WalletGrains-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(key, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>
/// written from DESIGN.md §6 alone (key = the secret's UTF-8 bytes), independent of the service's signing code.
/// </summary>
public static class SignatureCheck
{
    /// <summary>True when <paramref name="header"/> is a valid signature of <paramref name="body"/> with <paramref name="secret"/>.</summary>
    public static bool Verify(string? header, byte[] body, string secret, out long timestamp)
    {
        timestamp = 0;
        if (header is null)
        {
            return false;
        }

        string? t = null, v1 = null;
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var (name, value) = (part[..equals], part[(equals + 1)..]);
            if (name == "t")
            {
                t = value;
            }
            else if (name == "v1")
            {
                v1 = value;
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
        {
            return false;
        }

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray();
        var expected = hmac.ComputeHash(signed);
        var given = v1.Length == 64 && v1.All(Uri.IsHexDigit) ? Convert.FromHexString(v1) : [];
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
