namespace WalletGrains.Runtime.Tests;

public sealed record ValueSnapshot(string? Value, bool RecordExists, string? Etag);

public interface IValueGrain : IGrainWithStringKey
{
    Task Set(string value);

    Task<ValueSnapshot> Get();

    Task Clear();

    Task<ValueSnapshot> Reload();
}

public sealed class ValueState
{
    public string? Value { get; set; }
}

public sealed class ValueGrain([PersistentState("value")] IPersistentState<ValueState> state, TestProbe probe) : Grain, IValueGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("activate", GetPrimaryKeyString(), state.State.Value ?? "<null>");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record("deactivate", GetPrimaryKeyString(), reason.ReasonCode.ToString());
        return Task.CompletedTask;
    }

    public async Task Set(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<ValueSnapshot> Get() => Task.FromResult(Snapshot());

    public Task Clear() => state.ClearStateAsync();

    public async Task<ValueSnapshot> Reload()
    {
        await state.ReadStateAsync();
        return Snapshot();
    }

    private ValueSnapshot Snapshot() => new(state.State.Value, state.RecordExists, state.Etag);
}
