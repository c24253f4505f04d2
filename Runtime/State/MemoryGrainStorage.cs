using System.Collections.Concurrent;

namespace WalletGrains.Runtime;

/// <summary>Grain state in process memory, with the same version rules as the database providers; lost on restart.</summary>
internal sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainStateKey, StoredState> _states = new();

    public Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(key, out var stored) ? stored : null);

    public Task<long> WriteAsync(GrainStateKey key, string json, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is null)
        {
            return _states.TryAdd(key, new StoredState(json, 1))
                ? Task.FromResult(1L)
                : Task.FromException<long>(StorageConflict.Create("Write", key, CurrentVersion(key), null));
        }

        if (_states.TryGetValue(key, out var current) && current.Version == expectedVersion
            && _states.TryUpdate(key, new StoredState(json, current.Version + 1), current))
        {
            return Task.FromResult(current.Version + 1);
        }

        return Task.FromException<long>(StorageConflict.Create("Write", key, CurrentVersion(key), expectedVersion));
    }

    public Task<long?> ClearAsync(GrainStateKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is null)
        {
            return _states.TryGetValue(key, out var existing)
                ? existing.Json is null
                    ? Task.FromResult<long?>(existing.Version)
                    : Task.FromException<long?>(StorageConflict.Create("Clear", key, existing.Version, null))
                : Task.FromResult<long?>(null);
        }

        if (_states.TryGetValue(key, out var current) && current.Version == expectedVersion
            && _states.TryUpdate(key, new StoredState(null, current.Version + 1), current))
        {
            return Task.FromResult<long?>(current.Version + 1);
        }

        return Task.FromException<long?>(StorageConflict.Create("Clear", key, CurrentVersion(key), expectedVersion));
    }

    private long? CurrentVersion(GrainStateKey key) => _states.TryGetValue(key, out var stored) ? stored.Version : null;
}
