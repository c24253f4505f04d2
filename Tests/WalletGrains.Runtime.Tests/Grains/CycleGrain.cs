namespace WalletGrains.Runtime.Tests;

public interface ICycleGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="peer"/>, which calls back into this grain.</summary>
    Task<string> CallPeerThenBack(string peer);

    Task<string> CallBack(string origin);

    Task<string> Ping();

    /// <summary>Waits for the probe gate "hang:{key}".</summary>
    Task Hang();

    /// <summary>Starts a call to <paramref name="peer"/> without waiting for it, then returns.</summary>
    Task Notify(string peer);

    /// <summary>After the probe gate "later:{key}" opens, calls <paramref name="origin"/> and records the answer.</summary>
    Task CallBackLater(string origin);
}

public sealed class CycleGrain(TestProbe probe) : Grain, ICycleGrain
{
    public Task<string> CallPeerThenBack(string peer) => GrainFactory.GetGrain<ICycleGrain>(peer).CallBack(GetPrimaryKeyString());

    public async Task<string> CallBack(string origin) => "via " + GetPrimaryKeyString() + ": " + await GrainFactory.GetGrain<ICycleGrain>(origin).Ping();

    public Task<string> Ping() => Task.FromResult("pong from " + GetPrimaryKeyString());

    public async Task Hang()
    {
        probe.Record("hanging", GetPrimaryKeyString());
        await probe.Gate("hang:" + GetPrimaryKeyString());
    }

    public Task Notify(string peer)
    {
        // Fire and forget: the call chain [this] travels with the call but this turn ends right away.
        _ = GrainFactory.GetGrain<ICycleGrain>(peer).CallBackLater(GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task CallBackLater(string origin)
    {
        await probe.Gate("later:" + GetPrimaryKeyString());
        probe.Record("called back", GetPrimaryKeyString(), await GrainFactory.GetGrain<ICycleGrain>(origin).Ping());
    }
}

public interface IReentrantCycleGrain : IGrainWithStringKey
{
    Task<string> CallPeerThenBack(string peer);

    Task<string> CallBack(string origin);

    Task<string> Ping();
}

[Reentrant]
public sealed class ReentrantCycleGrain : Grain, IReentrantCycleGrain
{
    public Task<string> CallPeerThenBack(string peer) => GrainFactory.GetGrain<IReentrantCycleGrain>(peer).CallBack(GetPrimaryKeyString());

    public async Task<string> CallBack(string origin) => "via " + GetPrimaryKeyString() + ": " + await GrainFactory.GetGrain<IReentrantCycleGrain>(origin).Ping();

    public Task<string> Ping() => Task.FromResult("pong from " + GetPrimaryKeyString());
}
