namespace WalletGrains.Runtime.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one across an await, noting any other turn that runs at the same time.</summary>
    Task<int> Increment();

    Task<int> GetCount();

    Task<int> GetOverlaps();

    Task Persist();
}

public sealed class CounterState
{
    public int Count { get; set; }
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, TestProbe probe) : Grain, ICounterGrain
{
    private int _inTurn;
    private int _overlaps;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("activate", GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record("deactivate", GetPrimaryKeyString(), reason.ReasonCode.ToString());
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        if (Interlocked.Increment(ref _inTurn) != 1)
        {
            _overlaps++;
        }

        var before = state.State.Count;
        await Task.Yield();
        state.State.Count = before + 1;
        Interlocked.Decrement(ref _inTurn);
        return state.State.Count;
    }

    public Task<int> GetCount() => Task.FromResult(state.State.Count);

    public Task<int> GetOverlaps() => Task.FromResult(_overlaps);

    public Task Persist() => state.WriteStateAsync();
}
