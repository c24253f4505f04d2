namespace WalletGrains.Runtime.Tests;

public sealed class TestGrainException : Exception
{
    public TestGrainException()
    {
    }

    public TestGrainException(string message)
        : base(message)
    {
    }

    public TestGrainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public interface IFaultyGrain : IGrainWithStringKey
{
    /// <summary>Throws before returning a task (a non-async method).</summary>
    Task ThrowSync(string message);

    /// <summary>Throws after an await (an async method).</summary>
    Task<int> ThrowAsync(string message);

    ValueTask<int> Ping();
}

public sealed class FaultyGrain(TestProbe probe) : Grain, IFaultyGrain
{
    private int _pings;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("activate", GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task ThrowSync(string message) => throw new InvalidOperationException(message);

    public async Task<int> ThrowAsync(string message)
    {
        await Task.Yield();
        throw new TestGrainException(message);
    }

    public ValueTask<int> Ping() => ValueTask.FromResult(++_pings);
}
