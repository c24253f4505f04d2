using Microsoft.Extensions.Logging;

namespace WalletGrains.Runtime;

/// <summary>The runtime's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Silo {SiloName} started")]
    public static partial void SiloStarted(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Silo {SiloName} stopping; deactivating {Activations} activations")]
    public static partial void SiloStopping(ILogger logger, string siloName, int activations);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Silo {SiloName} stopped")]
    public static partial void SiloStopped(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Silo {SiloName} shutdown was cut short with {Remaining} activations left")]
    public static partial void ShutdownAbandoned(ILogger logger, string siloName, int remaining);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Applied migration {Version} {Name} ({Dialect})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, SqlDialect dialect);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Activation of {GrainId} failed; its pending calls fail with the same error")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Deactivation of {GrainId} exceeded {Timeout} and was forced")]
    public static partial void DeactivationForced(ILogger logger, GrainId grainId, TimeSpan timeout);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Debug, Message = "Collected {Count} idle activations in silo {SiloName}")]
    public static partial void IdleCollected(ILogger logger, int count, string siloName);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "A continuation posted to activation {GrainId} threw")]
    public static partial void ContinuationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Critical, Message = "The worker of activation {GrainId} faulted; the activation is dropped and its queued calls fail")]
    public static partial void WorkerFaulted(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Timer callback of {GrainId} failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Reminder poll of silo {SiloName} failed")]
    public static partial void ReminderPollFailed(ILogger logger, Exception exception, string siloName);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Reminder {ReminderName} tick of {GrainId} failed")]
    public static partial void ReminderTickFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Warning, Message = "Reminders of grain type {GrainType} are skipped: {Reason}")]
    public static partial void ReminderGrainTypeUnknown(ILogger logger, string grainType, string reason);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Debug, Message = "Reminder {ReminderName} tick of {GrainId} dropped: the silo is stopping")]
    public static partial void ReminderTickDropped(ILogger logger, string reminderName, GrainId grainId);
}
