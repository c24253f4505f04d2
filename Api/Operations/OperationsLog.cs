using Microsoft.Extensions.Logging;

namespace WalletGrains.Api.Operations;

/// <summary>Log messages of the operations endpoints and telemetry (event ids 4100–4199).</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Readiness: storage did not answer: {Reason}")]
    public static partial void StorageNotReady(ILogger logger, string reason);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Readiness: chain {ChainId} ({Name}) RPC did not answer eth_blockNumber: {Reason}")]
    public static partial void ChainNotReady(ILogger logger, ulong chainId, string name, string reason);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "OpenTelemetry export to {Endpoint} over {Protocol} (metrics; logs: {Logs})")]
    public static partial void OtlpEnabled(ILogger logger, string endpoint, string protocol, bool logs);
}
