using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Api;

/// <summary>The API's log messages, with stable event ids (4000–4099). Never API keys or request bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Send accepted: transaction {TransactionId} on chain {ChainId} from {From} (replayed: {Replayed})")]
    public static partial void SendAccepted(ILogger logger, string transactionId, ulong chainId, Address from, bool replayed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Send rejected by the account grain with {Code} on chain {ChainId} from {From}")]
    public static partial void SendRejected(ILogger logger, string code, ulong chainId, Address from);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Cancel of transaction {TransactionId} requested by API key {ApiKeyId}: {Result}")]
    public static partial void CancelRequested(ILogger logger, string transactionId, string apiKeyId, string result);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "API key {ApiKeyId} with role {Role} created by API key {CreatedBy}")]
    public static partial void ApiKeyCreated(ILogger logger, string apiKeyId, string role, string createdBy);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Bootstrap admin API key taken from configuration (Wallet:Auth:AdminApiKey)")]
    public static partial void AdminKeyConfigured(ILogger logger);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Development: no Wallet:Auth:AdminApiKey configured, so an admin API key was generated for this run and printed to the console (not to the log)")]
    public static partial void AdminKeyGenerated(ILogger logger);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "No bootstrap admin API key configured; only stored API keys are accepted")]
    public static partial void NoAdminKey(ILogger logger);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "API key authentication failed: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "API key {ApiKeyId} was rate limited")]
    public static partial void RateLimited(ILogger logger, string apiKeyId);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Send refused: {MaxConcurrentSends} sends are already in progress")]
    public static partial void Overloaded(ILogger logger, int maxConcurrentSends);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path);
}
