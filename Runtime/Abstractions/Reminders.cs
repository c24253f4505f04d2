namespace WalletGrains.Runtime;

/// <summary>A grain that receives durable reminder ticks.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Called once per reminder tick, as a turn that never overlaps another call on the grain.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>Timing of one reminder tick.</summary>
/// <param name="FirstTickTime">When the reminder first became due after its last registration.</param>
/// <param name="Period">The reminder period.</param>
/// <param name="CurrentTickTime">The scheduled time of this tick (the latest slot when missed ticks collapsed).</param>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>Handle to a registered reminder.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder name, unique per grain.</summary>
    string ReminderName { get; }
}

/// <summary>Handle to a grain timer; disposing it stops further ticks.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>
    /// Reschedules the timer: next tick after <paramref name="dueTime"/>, then every <paramref name="period"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/> for one tick). Safe from any thread; a tick that comes due while
    /// another runs follows right after it.
    /// </summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
