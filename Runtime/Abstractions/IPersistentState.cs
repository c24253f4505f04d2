namespace WalletGrains.Runtime;

/// <summary>Durable state of a grain with ETag optimistic concurrency (Orleans <c>IPersistentState&lt;T&gt;</c>).</summary>
/// <typeparam name="TState">A JSON-serialisable state type.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The current state; replaced by <see cref="ReadStateAsync"/> and reset by <see cref="ClearStateAsync"/>.</summary>
    TState State { get; set; }

    /// <summary>The version last read or written; null when the store has never held this state.</summary>
    string? Etag { get; }

    /// <summary>Whether the store holds a record for this state.</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from storage.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the state if the stored version still equals <see cref="Etag"/>; otherwise throws <see cref="InconsistentStateException"/> and the activation is deactivated.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the stored state under the same ETag rule and resets <see cref="State"/> to its default.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
