namespace WalletGrains.Runtime;

/// <summary>Read access to a silo's live statistics (for the dashboard and /metrics).</summary>
public interface ISiloIntrospection
{
    /// <summary>A consistent-enough point-in-time view; counters are cumulative since the silo started.</summary>
    SiloSnapshot GetSnapshot();
}

/// <summary>Statistics of one silo at one moment.</summary>
/// <param name="SiloName">The silo's name.</param>
/// <param name="Timestamp">When the snapshot was taken (silo clock).</param>
/// <param name="Activations">Activations in the directory.</param>
/// <param name="GrainTypes">Per grain type, ordered by name.</param>
/// <param name="Reminders">Reminder service counters; null when no reminder service is configured.</param>
public sealed record SiloSnapshot(
    string SiloName,
    DateTimeOffset Timestamp,
    int Activations,
    IReadOnlyList<GrainTypeSnapshot> GrainTypes,
    ReminderServiceSnapshot? Reminders);

/// <summary>Statistics of one grain type in one silo.</summary>
/// <param name="GrainType">The grain type name.</param>
/// <param name="Activations">Live activations.</param>
/// <param name="Calls">Completed calls (including reminder ticks) since start.</param>
/// <param name="Failures">Calls that ended with an exception (including timeouts) since start.</param>
/// <param name="MeanLatency">Mean time from send to answer.</param>
/// <param name="P99Latency">99th percentile of send-to-answer time (histogram bucket upper bound, within 12.5 %).</param>
/// <param name="MailboxDepth">Messages waiting to start, summed over activations.</param>
public sealed record GrainTypeSnapshot(
    string GrainType,
    int Activations,
    long Calls,
    long Failures,
    TimeSpan MeanLatency,
    TimeSpan P99Latency,
    int MailboxDepth);

/// <summary>Counters of a silo's reminder service.</summary>
/// <param name="Polls">Completed polls of the reminder table.</param>
/// <param name="LastPollAt">Silo time at which the latest completed poll started; null before the first.</param>
/// <param name="TicksFired">Ticks this silo claimed and delivered.</param>
/// <param name="TicksInFlight">Ticks delivered whose turn has not finished.</param>
public sealed record ReminderServiceSnapshot(long Polls, DateTimeOffset? LastPollAt, long TicksFired, int TicksInFlight);
