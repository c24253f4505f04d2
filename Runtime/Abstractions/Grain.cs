namespace WalletGrains.Runtime;

/// <summary>Base class of grain implementations (Orleans <c>Grain</c>): identity, lifecycle hooks, reminders and timers.</summary>
public abstract class Grain
{
    private readonly Activation _activation;

    /// <summary>Binds the grain to the activation the runtime is constructing.</summary>
    protected Grain()
    {
        _activation = Activation.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} is a grain; grains are created by the runtime, obtain a reference with IGrainFactory.GetGrain.");
    }

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>The grain's string key.</summary>
    public string GetPrimaryKeyString() => _activation.GrainId.Key;

    /// <summary>The grain's identity (type name and key).</summary>
    public GrainId GetGrainId() => _activation.GrainId;

    /// <summary>Called after the persistent states are loaded and before the first call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation is dropped (idle, requested, shutdown, state conflict); the token fires at the deactivation timeout.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current turn ends; the next call creates a fresh one.</summary>
    protected void DeactivateOnIdle() =>
        _activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    /// <summary>
    /// Registers (or re-schedules) a durable reminder: first tick after <paramref name="dueTime"/>, then every
    /// <paramref name="period"/> (at least 1 s). The grain must implement <see cref="IRemindable"/>.
    /// </summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        Reminders().RegisterOrUpdateAsync(_activation.GrainClass, _activation.GrainId, reminderName, dueTime, period);

    /// <summary>Removes a reminder; it will not tick again.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return Reminders().UnregisterAsync(_activation.GrainId, reminder.ReminderName);
    }

    /// <summary>The reminder with this name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) => Reminders().GetAsync(_activation.GrainId, reminderName);

    /// <summary>All reminders of this grain.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => Reminders().GetAllAsync(_activation.GrainId);

    /// <summary>
    /// Starts a timer whose callback runs as a turn of this activation (never overlapping calls or itself); the timer
    /// is disposed with the activation and does not keep it alive.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, static (state, token) => ((Func<CancellationToken, Task>)state!)(token), callback, dueTime, period);
    }

    /// <summary>Starts a timer whose callback takes no token; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, static (state, _) => ((Func<Task>)state!)(), callback, dueTime, period);
    }

    /// <summary>Starts a timer with a state argument; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, Task> callback, TState state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, (s, _) => callback((TState)s!), state, dueTime, period);
    }

    /// <summary>Starts a timer with a state argument; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, (s, token) => callback((TState)s!, token), state, dueTime, period);
    }

    private ReminderService Reminders() =>
        _activation.Runtime.Reminders
        ?? throw new InvalidOperationException($"Grain {_activation.GrainId} uses reminders but the silo has no reminder service; call UseInMemoryReminders, UseSqliteReminders or UsePostgresReminders.");
}
