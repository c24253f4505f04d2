namespace WalletGrains.Runtime;

/// <summary>One durable reminder; times are Unix milliseconds of the silo clock.</summary>
/// <param name="GrainType">Grain type name.</param>
/// <param name="GrainKey">Grain key.</param>
/// <param name="Name">Reminder name, unique per grain.</param>
/// <param name="StartAtMs">First tick after the latest registration.</param>
/// <param name="PeriodMs">Period between ticks.</param>
/// <param name="NextDueMs">When the next tick is due.</param>
/// <param name="Version">Row version; a claim succeeds only against the version it read.</param>
internal sealed record ReminderRow(string GrainType, string GrainKey, string Name, long StartAtMs, long PeriodMs, long NextDueMs, long Version);

/// <summary>Durable reminder schedule shared by every silo on the same storage.</summary>
internal interface IReminderTable
{
    /// <summary>Creates or re-schedules a reminder (the version grows, so claims in flight for the old schedule fail).</summary>
    Task UpsertAsync(ReminderRow row, CancellationToken cancellationToken);

    /// <summary>Deletes a reminder; false when it did not exist.</summary>
    Task<bool> RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);

    Task<ReminderRow?> ReadAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderRow>> ReadForGrainAsync(string grainType, string grainKey, CancellationToken cancellationToken);

    /// <summary>Reminders due at or before <paramref name="nowMs"/>, earliest first.</summary>
    Task<IReadOnlyList<ReminderRow>> ReadDueAsync(long nowMs, int limit, CancellationToken cancellationToken);

    /// <summary>Moves a due reminder to its next tick if nobody else has (version compare-and-swap); true means this caller fires the tick.</summary>
    Task<bool> TryClaimAsync(ReminderRow row, long nextDueMs, CancellationToken cancellationToken);
}
