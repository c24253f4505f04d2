using System.Collections.Immutable;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// A webhook as stored (sql/*/0005_webhooks.sql): where events go, which ones, the signing secret, and the state of
/// its delivery, whose cursor <see cref="LastEventId"/> is the id of the last event handled (delivered or skipped).
/// </summary>
/// <param name="Events">Type patterns (<see cref="EventTypeFilter"/>): exact types, prefixes ending in <c>.*</c>, or <c>*</c>.</param>
/// <param name="Secret">The HMAC key's text; never leaves the service after the creation response.</param>
/// <param name="Attempts">Failed attempts at the first undelivered matching event; 0 when none failed.</param>
/// <param name="FailingSince">When the first of those attempts failed.</param>
/// <param name="NextAttemptAt">When the next attempt is due after a failure (backoff); null when not waiting.</param>
/// <param name="LeaseOwner">The dispatcher delivering right now (see <see cref="WebhookDispatcher"/>), until <paramref name="LeaseUntil"/>.</param>
/// <param name="Version">Optimistic concurrency: an update writes only over the version it read.</param>
public sealed record Webhook(
    string Id,
    Uri Url,
    ImmutableArray<string> Events,
    string Secret,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    string State,
    string? DisabledReason,
    DateTimeOffset? DisabledAt,
    long LastEventId,
    int Attempts,
    DateTimeOffset? FailingSince,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastDeliveredAt,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    long Version)
{
    /// <summary>True while the dispatcher delivers to it.</summary>
    public bool IsEnabled => State == WebhookStates.Enabled;

    /// <summary>A copy that is disabled for <paramref name="reason"/>, with no attempt pending and no lease.</summary>
    public Webhook Disable(string reason, DateTimeOffset at) => this with
    {
        State = WebhookStates.Disabled,
        DisabledReason = reason,
        DisabledAt = at,
        NextAttemptAt = null,
        LeaseOwner = null,
        LeaseUntil = null,
    };

    /// <summary>
    /// A copy that is enabled again and retries at once: the failure count and window start over, the cursor stays,
    /// so delivery resumes with the first event it had not delivered.
    /// </summary>
    public Webhook Enable() => this with
    {
        State = WebhookStates.Enabled,
        DisabledReason = null,
        DisabledAt = null,
        Attempts = 0,
        FailingSince = null,
        NextAttemptAt = null,
        LeaseOwner = null,
        LeaseUntil = null,
    };
}

/// <summary>A webhook to create; the store sets its cursor to the event log's end and its state to enabled.</summary>
public sealed record NewWebhook(string Id, Uri Url, ImmutableArray<string> Events, string Secret, DateTimeOffset CreatedAt, string? CreatedBy);

/// <summary>The values of <see cref="Webhook.State"/>.</summary>
public static class WebhookStates
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
}
