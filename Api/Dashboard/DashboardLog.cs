using Microsoft.Extensions.Logging;

namespace WalletGrains.Api.Dashboard;

/// <summary>The dashboard's log messages, with stable event ids (4100–4119).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Dashboard: reading the head of chain {ChainId} failed")]
    public static partial void ChainReadFailed(ILogger logger, Exception exception, ulong chainId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Dashboard: requests from loopback need no API key (Development environment, the silo listens on loopback only)")]
    public static partial void LoopbackWithoutKey(ILogger logger);
}
