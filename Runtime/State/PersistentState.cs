using System.Globalization;
using System.Text.Json;

namespace WalletGrains.Runtime;

/// <summary>A persistent state the activation loads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IStateBinding
{
    Task LoadAsync(CancellationToken cancellationToken);
}

/// <summary>The <see cref="IPersistentState{TState}"/> handed to grains: JSON state plus version as ETag.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IStateBinding
{
    private static readonly Func<TState> CreateDefault = BuildDefaultFactory();

    private readonly Activation _activation;
    private readonly GrainStateKey _key;
    private readonly IGrainStorage _storage;
    private readonly JsonSerializerOptions _json;
    private long? _version;

    public PersistentState(Activation activation, string stateName, IGrainStorage storage, JsonSerializerOptions json)
    {
        _activation = activation;
        _key = new GrainStateKey(activation.GrainId.Type, activation.GrainId.Key, stateName);
        _storage = storage;
        _json = json;
        State = CreateDefault();
    }

    public TState State { get; set; }

    public string? Etag => _version?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _storage.ReadAsync(_key, cancellationToken);
        _version = stored?.Version;
        if (stored?.Json is { } json)
        {
            State = JsonSerializer.Deserialize<TState>(json, _json) ?? CreateDefault();
            RecordExists = true;
        }
        else
        {
            State = CreateDefault();
            RecordExists = false;
        }
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(State, _json);
        try
        {
            _version = await _storage.WriteAsync(_key, json, _version, cancellationToken);
            RecordExists = true;
        }
        catch (InconsistentStateException ex)
        {
            Deactivate(ex);
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _version = await _storage.ClearAsync(_key, _version, cancellationToken);
        }
        catch (InconsistentStateException ex)
        {
            Deactivate(ex);
            throw;
        }

        State = CreateDefault();
        RecordExists = false;
    }

    private static Func<TState> BuildDefaultFactory()
    {
        var type = typeof(TState);
        if (type.IsValueType)
        {
            return static () => default!;
        }

        return type.GetConstructor(Type.EmptyTypes) is not null
            ? static () => Activator.CreateInstance<TState>()
            : static () => default!;
    }

    /// <summary>The in-memory state is stale, so this activation must go; the next call reloads from storage.</summary>
    private void Deactivate(InconsistentStateException conflict) =>
        _activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationError, $"Stale state '{_key.StateName}'.", conflict));
}
