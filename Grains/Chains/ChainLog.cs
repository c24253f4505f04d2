using Microsoft.Extensions.Logging;

namespace WalletGrains.Grains.Chains;

/// <summary>Log messages of the chain registry and RPC endpoints (event ids 3200–3299). URLs are redacted to scheme and host.</summary>
internal static partial class ChainLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Chain {ChainId} ({Name}) verified on {Verified} of {Total} RPC endpoint(s)")]
    public static partial void ChainVerified(ILogger logger, ulong chainId, string name, int verified, int total);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Chain {ChainId} ({Name}): RPC endpoint {Endpoint} did not answer eth_chainId at start-up; it stays configured as a fallback")]
    public static partial void EndpointUnreachable(ILogger logger, Exception exception, ulong chainId, string name, string endpoint);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Chain {Chain}: RPC endpoint {Endpoint} failed ({Reason}); trying {Next}")]
    public static partial void FailingOver(ILogger logger, string chain, string endpoint, string reason, string next);
}
