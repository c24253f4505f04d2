using Microsoft.Extensions.Logging;

namespace WalletGrains.Grains.Monitoring;

/// <summary>Log messages of the event monitor (event ids 2300–2399).</summary>
internal static partial class MonitorLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Event monitor {ChainId}: started at block {NextBlock} (head {Head})")]
    public static partial void Started(ILogger logger, ulong chainId, ulong nextBlock, ulong head);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Event monitor {ChainId}: poll failed: {Reason}")]
    public static partial void PollFailed(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Event monitor {ChainId}: the node refused logs of blocks {From}..{To} ({Reason}); block range now {Range}")]
    public static partial void RangeShrunk(ILogger logger, ulong chainId, ulong from, ulong to, int range, string reason);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Event monitor {ChainId}: the node refused a log query for one block ({Reason}); addresses per query now {Addresses}")]
    public static partial void AddressListShrunk(ILogger logger, ulong chainId, int addresses, string reason);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Event monitor {ChainId}: reorg below the cursor; rewound from block {From} to {To}, {Removed} event(s) reported removed")]
    public static partial void Rewound(ILogger logger, ulong chainId, ulong from, ulong to, int removed);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "Event monitor {ChainId}: no kept block is canonical any more (reorg deeper than the window of {Window}); scanning again from block {From}")]
    public static partial void ReorgBeyondWindow(ILogger logger, ulong chainId, int window, ulong from);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Debug, Message = "Event monitor {ChainId}: the chain changed while a step was read ({Reason}); retrying next poll")]
    public static partial void ChainMoved(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2409, Level = LogLevel.Debug, Message = "Event monitor {ChainId}: the node's head {Head} is below the cursor block {Cursor}; waiting for it")]
    public static partial void NodeBehind(ILogger logger, ulong chainId, ulong head, ulong cursor);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Event monitor {ChainId}: the node does not serve eth_getBlockReceipts ({Reason}); reading blocks with full transactions instead")]
    public static partial void BlockReceiptsUnsupported(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "Could not start the event monitor of chain {ChainId}: {Reason}; retrying")]
    public static partial void StartFailed(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Information, Message = "Started {Count} event monitor(s)")]
    public static partial void MonitorsStarted(ILogger logger, int count);
}
