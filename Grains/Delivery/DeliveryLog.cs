using Microsoft.Extensions.Logging;

namespace WalletGrains.Grains.Delivery;

/// <summary>Log messages of event delivery, with stable event ids (2601–2699). Never secrets, signatures or event payloads.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Reading the event log after id {AfterId} failed; retrying in {Delay}")]
    public static partial void FeedReadFailed(ILogger logger, Exception exception, long afterId, TimeSpan delay);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "Webhook {WebhookId} accepted event {EventId} ({EventType}) with HTTP {Status}")]
    public static partial void Delivered(ILogger logger, string webhookId, long eventId, string eventType, int status);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Webhook {WebhookId} did not accept event {EventId} (attempt {Attempt}): {Error}; next attempt at {NextAttemptAt:O}")]
    public static partial void AttemptFailed(ILogger logger, string webhookId, long eventId, int attempt, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Webhook {WebhookId} disabled: {Reason}")]
    public static partial void Disabled(ILogger logger, string webhookId, string reason);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Error, Message = "Delivery to webhook {WebhookId} failed unexpectedly; retrying in {Delay}")]
    public static partial void WorkerFailed(ILogger logger, Exception exception, string webhookId, TimeSpan delay);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Error, Message = "Listing webhooks failed; the dispatcher tries again at its next scan")]
    public static partial void ScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2607, Level = LogLevel.Debug, Message = "Webhook {WebhookId}: skipped events up to {EventId} that its filter does not match")]
    public static partial void Skipped(ILogger logger, string webhookId, long eventId);

    [LoggerMessage(EventId = 2608, Level = LogLevel.Debug, Message = "Webhook {WebhookId} changed under this dispatcher (version {Version}); re-reading it")]
    public static partial void Stale(ILogger logger, string webhookId, long version);
}
