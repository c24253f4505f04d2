namespace WalletGrains.Runtime;

/// <summary>Where a grain state lives: grain type name, grain key and state name.</summary>
internal readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    public override string ToString() => $"{GrainType}/{GrainKey}/{StateName}";
}

/// <summary>A stored state: the JSON (null for a cleared tombstone) and its version.</summary>
internal sealed record StoredState(string? Json, long Version);

/// <summary>
/// A grain state store with version compare-and-swap. Versions start at 1 and grow by one per write or clear; a
/// cleared state keeps its row (payload null) so an old version can never match again.
/// </summary>
internal interface IGrainStorage
{
    /// <summary>The stored state, or null when none was ever written.</summary>
    Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken);

    /// <summary>Writes when the stored version equals <paramref name="expectedVersion"/> (null: no row yet); returns the new version.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<long> WriteAsync(GrainStateKey key, string json, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Clears under the same rule; returns the new version, or null when there was nothing to clear.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<long?> ClearAsync(GrainStateKey key, long? expectedVersion, CancellationToken cancellationToken);
}

/// <summary>Builds the exceptions all providers throw for version conflicts.</summary>
internal static class StorageConflict
{
    public static InconsistentStateException Create(string operation, GrainStateKey key, long? storedVersion, long? expectedVersion) =>
        new($"{operation} of grain state {key} found a different version in storage; another activation wrote it.", Etag(storedVersion), Etag(expectedVersion));

    public static string? Etag(long? version) => version?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
