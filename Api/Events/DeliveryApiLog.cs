using Microsoft.Extensions.Logging;

namespace WalletGrains.Api;

/// <summary>Log messages of the event and webhook routes, with stable event ids (4301–4399). Never secrets or URLs.</summary>
internal static partial class DeliveryApiLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Webhook {WebhookId} created by API key {ApiKeyId}")]
    public static partial void WebhookCreated(ILogger logger, string webhookId, string apiKeyId);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Webhook {WebhookId} deleted by API key {ApiKeyId}")]
    public static partial void WebhookDeleted(ILogger logger, string webhookId, string apiKeyId);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Webhook {WebhookId} enabled by API key {ApiKeyId}")]
    public static partial void WebhookEnabled(ILogger logger, string webhookId, string apiKeyId);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information, Message = "Webhook {WebhookId} disabled by API key {ApiKeyId}")]
    public static partial void WebhookDisabled(ILogger logger, string webhookId, string apiKeyId);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Debug, Message = "Event stream opened by API key {ApiKeyId} after event {AfterId}")]
    public static partial void StreamOpened(ILogger logger, string apiKeyId, long afterId);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Debug, Message = "Event stream of API key {ApiKeyId} closed after event {LastId}")]
    public static partial void StreamClosed(ILogger logger, string apiKeyId, long lastId);
}
