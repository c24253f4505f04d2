using Microsoft.Extensions.Options;

namespace WalletGrains.Grains.Delivery;

/// <summary>Readers of the event log: <c>Wallet:Events:*</c>.</summary>
public sealed class EventFeedOptions
{
    public const string SectionName = "Wallet:Events";

    /// <summary>
    /// How often a waiting reader (event feed, SSE stream, idle webhook) reads the store anyway. Events appended in this
    /// process wake readers at once; this finds events appended by other processes on the same database.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often an SSE stream without events sends a comment line, so proxies and clients see it alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Webhook delivery: <c>Wallet:Webhooks:*</c>.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Wallet:Webhooks";

    /// <summary>Time allowed for one POST, connection included; longer counts as a failed attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff ceiling after the first failure; it doubles with each further failure (see <see cref="WebhookBackoff"/>).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest wait between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long an event is retried: a failure this long (or longer) after the first failed attempt disables the webhook
    /// with a reason instead of scheduling another attempt.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a dispatcher holds a webhook while delivering; another process may take it over after that.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the dispatcher re-reads the list of webhooks (changes made in this process apply at once).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Validates <see cref="EventFeedOptions"/> at start; messages quote the offending value.</summary>
internal sealed class EventFeedOptionsValidator : IValidateOptions<EventFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, EventFeedOptions options)
    {
        var failures = new List<string>();
        Positive(failures, EventFeedOptions.SectionName, "PollInterval", options.PollInterval);
        Positive(failures, EventFeedOptions.SectionName, "HeartbeatInterval", options.HeartbeatInterval);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void Positive(List<string> failures, string section, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(365))
        {
            failures.Add($"{section}:{key} must be a positive time span up to 365 days; got '{value}'.");
        }
    }
}

/// <summary>Validates <see cref="WebhookOptions"/> at start; messages quote the offending value.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        const string section = WebhookOptions.SectionName;
        var failures = new List<string>();
        EventFeedOptionsValidator.Positive(failures, section, "RequestTimeout", options.RequestTimeout);
        EventFeedOptionsValidator.Positive(failures, section, "InitialBackoff", options.InitialBackoff);
        EventFeedOptionsValidator.Positive(failures, section, "MaxBackoff", options.MaxBackoff);
        EventFeedOptionsValidator.Positive(failures, section, "RetryFor", options.RetryFor);
        EventFeedOptionsValidator.Positive(failures, section, "LeaseDuration", options.LeaseDuration);
        EventFeedOptionsValidator.Positive(failures, section, "ScanInterval", options.ScanInterval);
        if (options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{section}:MaxBackoff ('{options.MaxBackoff}') must not be below {section}:InitialBackoff ('{options.InitialBackoff}').");
        }

        // A lease must outlast the request it covers, or a second dispatcher could post the same event alongside.
        if (options.LeaseDuration < options.RequestTimeout * 2)
        {
            failures.Add($"{section}:LeaseDuration ('{options.LeaseDuration}') must be at least twice {section}:RequestTimeout ('{options.RequestTimeout}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
