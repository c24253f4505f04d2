using WalletGrains.Runtime;

namespace WalletGrains.Bench.Runtime;

public interface IBenchGrain : IGrainWithStringKey
{
    /// <summary>Does nothing: measures the runtime's call path alone.</summary>
    Task Noop();

    /// <summary>Writes the grain's state durably.</summary>
    Task Write();
}

public sealed class BenchState
{
    public long Writes { get; set; }

    public string Note { get; set; } = "an account-sized state: nonce counter, a few pending attempts";
}

public sealed class BenchGrain([PersistentState("bench", "bench")] IPersistentState<BenchState> state) : Grain, IBenchGrain
{
    public Task Noop() => Task.CompletedTask;

    public Task Write()
    {
        state.State.Writes++;
        return state.WriteStateAsync();
    }
}
