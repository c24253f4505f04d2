namespace WalletGrains.Runtime.Tests;

public interface ICycleGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="peer"/>, which calls back into this grain.</summary>
    Task<string> CallPeerThenBack(string peer);

    Task<string> CallBack(string origin);

    Task<string> Ping();

    /// <summary>Waits for the probe gate "hang:{key}".</summary>
    Task Hang();
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
