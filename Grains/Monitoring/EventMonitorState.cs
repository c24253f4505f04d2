namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// The durable state of one chain's event monitor (grain state "eventMonitor"): where to continue, and the recent
/// processed blocks with the ids of the events reported for each, so a reorg can be detected (hash chain) and undone
/// (the same events again, read back from the event log, with <c>removed: true</c>). Written only after the events of
/// a step are in the event log. The events themselves stay in the log: the state is rewritten after every block, and
/// a window of busy blocks would otherwise rewrite megabytes each time.
/// </summary>
public sealed class EventMonitorState
{
    /// <summary>False until the first poll chose the start position.</summary>
    public bool Started { get; set; }

    /// <summary>The first block not yet processed (the cursor is this minus one).</summary>
    public ulong NextBlock { get; set; }

    /// <summary>The last processed blocks in ascending order (at most the reorg window), the newest being the cursor's block when known.</summary>
    public List<MonitoredBlock> Recent { get; set; } = [];
}

/// <summary>
/// A processed block: its links and the event-log ids of the events reported for it, which one append gave
/// consecutive ids (<see cref="FirstEventId"/> up to <see cref="FirstEventId"/> + <see cref="EventCount"/> − 1).
/// </summary>
public sealed record MonitoredBlock(ulong Number, string Hash, string ParentHash, long FirstEventId, int EventCount);
