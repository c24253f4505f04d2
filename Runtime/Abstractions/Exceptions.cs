namespace WalletGrains.Runtime;

/// <summary>A state write or clear found a different version in storage than the one the activation holds.</summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException()
        : this("Stored ETag does not match the activation's ETag.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InconsistentStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the ETags that disagree.</summary>
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base($"{message} Stored ETag: {storedEtag ?? "<none>"}, current ETag: {currentEtag ?? "<none>"}.")
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The version found in storage (null when no record exists).</summary>
    public string? StoredEtag { get; }

    /// <summary>The version the activation held.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>A call would wait on a turn that is itself waiting for this call (a call cycle on non-reentrant grains).</summary>
public sealed class DeadlockException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeadlockException()
        : this("Call cycle detected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeadlockException(string message)
        : base(message)
    {
        CallChain = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
        CallChain = [];
    }

    /// <summary>Creates the exception for a call chain, outermost call first, the repeated grain last.</summary>
    public DeadlockException(IReadOnlyList<string> callChain)
        : base($"Deadlock: call cycle {string.Join(" -> ", callChain)}; the target is non-reentrant and already busy in this chain.")
    {
        CallChain = callChain;
    }

    /// <summary>The grains in the cycle, outermost first.</summary>
    public IReadOnlyList<string> CallChain { get; }
}

/// <summary>The silo is not running (not started yet, or stopping), so it cannot take calls.</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException()
        : this("The silo is not running.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SiloUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SiloUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
