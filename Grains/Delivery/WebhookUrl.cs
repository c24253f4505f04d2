using System.Diagnostics.CodeAnalysis;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Which URLs a webhook may have: absolute <c>http</c> or <c>https</c>, with a host, without user information (it
/// would be shown by every GET) and without a fragment (never sent), at most <see cref="MaxLength"/> characters.
/// </summary>
public static class WebhookUrl
{
    /// <summary>Longest URL accepted.</summary>
    public const int MaxLength = 2048;

    /// <summary>Parses and checks a URL; false with the reason.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? reason)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "The webhook URL is empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            reason = $"The webhook URL is longer than {MaxLength} characters.";
            return false;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            reason = $"'{Shorten(text)}' is not an absolute URL.";
            return false;
        }

        if (!IsValid(parsed, out reason))
        {
            return false;
        }

        url = parsed;
        return true;
    }

    /// <summary>Checks an absolute URL; false with the reason.</summary>
    public static bool IsValid(Uri url, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            reason = $"The webhook URL must be http or https; got '{Shorten(url.OriginalString)}'.";
            return false;
        }

        if (string.IsNullOrEmpty(url.Host))
        {
            reason = $"The webhook URL '{Shorten(url.OriginalString)}' has no host.";
            return false;
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            reason = "The webhook URL must not contain user information (user:password@); put credentials in the path or query, or verify the signature instead.";
            return false;
        }

        if (!string.IsNullOrEmpty(url.Fragment))
        {
            reason = $"The webhook URL must not have a fragment ('{Shorten(url.Fragment)}'); fragments are never sent to the server.";
            return false;
        }

        reason = null;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
