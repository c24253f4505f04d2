using System.ComponentModel;
using WalletGrains.Grains.Delivery;

namespace WalletGrains.Api.Webhooks;

/// <summary>The body of <c>POST /v1/webhooks</c> as documented in OpenAPI (parsed strictly by the handler).</summary>
public sealed record CreateWebhookBody(
    [property: Description("Absolute http or https URL that receives one POST per event.")] string Url,
    [property: Description("Event type patterns: exact types (transaction.confirmed), prefixes ending in .* (transaction.*), or * for all.")] IReadOnlyList<string> Events);

/// <summary>A webhook as the API shows it: no secret, with the state of its delivery.</summary>
public sealed record WebhookResource(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    [property: Description("enabled or disabled.")] string State,
    [property: Description("Why it was disabled (the retry window ran out, or an API call); null when enabled.")] string? DisabledReason,
    DateTimeOffset? DisabledAt,
    [property: Description("Id of the last event handled (delivered with a 2xx answer, or skipped by the filter); delivery continues after it.")] long Cursor,
    [property: Description("Failed attempts at the next event; 0 when none failed.")] int Attempts,
    DateTimeOffset? FailingSince,
    DateTimeOffset? NextAttemptAt,
    [property: Description("The error of the last failed attempt at the next event (HTTP status or network error); null after a delivery.")] string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastDeliveredAt,
    DateTimeOffset CreatedAt,
    [property: Description("The API key that created it.")] string? CreatedBy)
{
    /// <summary>The resource of a stored webhook.</summary>
    public static WebhookResource From(Webhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new WebhookResource(
            webhook.Id,
            webhook.Url.AbsoluteUri,
            webhook.Events,
            webhook.State,
            webhook.DisabledReason,
            webhook.DisabledAt,
            webhook.LastEventId,
            webhook.Attempts,
            webhook.FailingSince,
            webhook.NextAttemptAt,
            webhook.LastError,
            webhook.LastAttemptAt,
            webhook.LastDeliveredAt,
            webhook.CreatedAt,
            webhook.CreatedBy);
    }
}

/// <summary>A new webhook with its signing secret, which is shown in this response only.</summary>
public sealed record WebhookCreatedResource(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    [property: Description("The signing secret, shown once: verify WalletGrains-Signature t=<unix seconds>,v1=<hex HMAC-SHA256(UTF-8 bytes of this secret, \"<t>.<raw body>\")>.")] string Secret,
    string State,
    [property: Description("Id of the last event before the webhook existed; it receives the events after it.")] long Cursor,
    DateTimeOffset CreatedAt,
    string? CreatedBy);

/// <summary>Every webhook, oldest first.</summary>
public sealed record WebhookListResource(IReadOnlyList<WebhookResource> Items);
