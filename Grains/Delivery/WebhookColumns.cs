using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The stored form of a webhook (sql/*/0005_webhooks.sql), shared by the three stores so they agree on it by
/// construction: times as Unix milliseconds, the event patterns as a JSON array, states from <see cref="WebhookStates"/>.
/// </summary>
internal static class WebhookColumns
{
    /// <summary>The columns <see cref="Read"/> expects, in order; <paramref name="events"/> is the expression for the patterns as JSON text.</summary>
    public static string SelectList(string events = "events") =>
        $"id, url, {events}, secret, created_at_ms, created_by, state, disabled_reason, disabled_at_ms, last_event_id, attempts, " +
        "failing_since_ms, next_attempt_at_ms, last_error, last_attempt_at_ms, last_delivered_at_ms, lease_owner, lease_until_ms, version";

    /// <summary>Refuses a webhook the table would refuse, before anything is written, with the offending value.</summary>
    public static void Check(NewWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentException.ThrowIfNullOrEmpty(webhook.Id, nameof(webhook));
        ArgumentNullException.ThrowIfNull(webhook.Url, nameof(webhook));
        if (!WebhookUrl.IsValid(webhook.Url, out var reason))
        {
            throw new ArgumentException($"Webhook '{webhook.Id}': {reason}", nameof(webhook));
        }

        if (webhook.Events.IsDefaultOrEmpty)
        {
            throw new ArgumentException($"Webhook '{webhook.Id}' has no event patterns.", nameof(webhook));
        }

        ArgumentException.ThrowIfNullOrEmpty(webhook.Secret, nameof(webhook));
    }

    /// <summary>Refuses delivery state the table would refuse.</summary>
    public static void Check(Webhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.State is not (WebhookStates.Enabled or WebhookStates.Disabled))
        {
            throw new ArgumentException($"Webhook '{webhook.Id}' has state '{webhook.State}', not enabled or disabled.", nameof(webhook));
        }

        if (webhook.LastEventId < 0 || webhook.Attempts < 0)
        {
            throw new ArgumentException($"Webhook '{webhook.Id}' has cursor {webhook.LastEventId} and {webhook.Attempts} attempts; neither may be negative.", nameof(webhook));
        }
    }

    public static string EventsJson(ImmutableArray<string> events) => JsonSerializer.Serialize(events.ToArray(), WebhookJsonContext.Default.StringArray);

    public static long? Ms(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? At(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>A freshly created row: enabled, version 1, cursor at <paramref name="lastEventId"/>.</summary>
    public static Webhook Created(NewWebhook webhook, long lastEventId) => new(
        webhook.Id,
        webhook.Url,
        webhook.Events,
        webhook.Secret,
        DateTimeOffset.FromUnixTimeMilliseconds(webhook.CreatedAt.ToUnixTimeMilliseconds()),
        webhook.CreatedBy,
        WebhookStates.Enabled,
        null,
        null,
        lastEventId,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        1);

    /// <summary>The row as it reads back after an update over <see cref="Webhook.Version"/>: next version, times in milliseconds.</summary>
    public static Webhook Written(Webhook webhook) => webhook with
    {
        DisabledAt = At(Ms(webhook.DisabledAt)),
        FailingSince = At(Ms(webhook.FailingSince)),
        NextAttemptAt = At(Ms(webhook.NextAttemptAt)),
        LastAttemptAt = At(Ms(webhook.LastAttemptAt)),
        LastDeliveredAt = At(Ms(webhook.LastDeliveredAt)),
        LeaseUntil = At(Ms(webhook.LeaseUntil)),
        Version = webhook.Version + 1,
    };

    /// <summary>Reads <see cref="SelectList"/>.</summary>
    public static Webhook Read(DbDataReader reader) => new(
        reader.GetString(0),
        new Uri(reader.GetString(1), UriKind.Absolute),
        [.. JsonSerializer.Deserialize(reader.GetString(2), WebhookJsonContext.Default.StringArray) ?? []],
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        NullableString(reader, 5),
        reader.GetString(6),
        NullableString(reader, 7),
        NullableInt64(reader, 8) is { } disabled ? DateTimeOffset.FromUnixTimeMilliseconds(disabled) : null,
        reader.GetInt64(9),
        checked((int)reader.GetInt64(10)),
        At(NullableInt64(reader, 11)),
        At(NullableInt64(reader, 12)),
        NullableString(reader, 13),
        At(NullableInt64(reader, 14)),
        At(NullableInt64(reader, 15)),
        NullableString(reader, 16),
        At(NullableInt64(reader, 17)),
        reader.GetInt64(18));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}

/// <summary>Source-generated JSON for the stored event patterns.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class WebhookJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
