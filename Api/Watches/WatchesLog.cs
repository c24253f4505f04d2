using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Api.Watches;

/// <summary>Log messages of /v1/watches, with stable event ids (4301–4309).</summary>
internal static partial class WatchesLog
{
    [LoggerMessage(EventId = 4311, Level = LogLevel.Information, Message = "Watch of {Address} on chain {ChainId} {Action} by API key {ApiKeyId} ({Tokens} token(s))")]
    public static partial void Upserted(ILogger logger, Address address, ulong chainId, string action, string apiKeyId, int tokens);

    [LoggerMessage(EventId = 4312, Level = LogLevel.Information, Message = "Watch of {Address} on chain {ChainId} removed by API key {ApiKeyId}")]
    public static partial void Removed(ILogger logger, Address address, ulong chainId, string apiKeyId);
}
