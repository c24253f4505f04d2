namespace WalletGrains.Runtime;

/// <summary>Why an activation is being deactivated (Orleans names).</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,

    /// <summary>The activation was idle for longer than the collection age.</summary>
    ActivationIdle,

    /// <summary>The grain called <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The grain saw an error that makes its in-memory state untrustworthy (e.g. a stale ETag).</summary>
    ApplicationError,
}

/// <summary>Reason passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
/// <param name="ReasonCode">The category.</param>
/// <param name="Description">Human-readable detail.</param>
/// <param name="Exception">The error that caused it, if any.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description, Exception? Exception = null)
{
    /// <inheritdoc />
    public override string ToString() => Exception is null ? $"{ReasonCode}: {Description}" : $"{ReasonCode}: {Description} ({Exception.GetType().Name}: {Exception.Message})";
}
