using Microsoft.Extensions.Options;

namespace WalletGrains.Runtime.Tests;

public interface IReminderGrain : IGrainWithStringKey
{
    Task Start(string name, TimeSpan dueTime, TimeSpan period);

    Task Stop(string name);

    Task<IReadOnlyList<string>> List();

    /// <summary>A call that spans an await, to check ticks never overlap calls.</summary>
    Task Work();
}

public sealed class ReminderGrain(TestProbe probe, IOptions<SiloOptions> silo) : Grain, IReminderGrain, IRemindable
{
    private int _inTurn;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("activate", GetPrimaryKeyString(), silo: silo.Value.SiloName);
        return Task.CompletedTask;
    }

    public Task Start(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public async Task Stop(string name)
    {
        var reminder = await GetReminder(name) ?? throw new InvalidOperationException($"No reminder '{name}'.");
        await UnregisterReminder(reminder);
    }

    public async Task<IReadOnlyList<string>> List() => (await GetReminders()).Select(r => r.ReminderName).ToList();

    public async Task Work()
    {
        _inTurn++;
        await Task.Yield();
        _inTurn--;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var overlapped = _inTurn > 0;
        _inTurn++;
        await Task.Yield();
        _inTurn--;
        probe.Record("tick", GetPrimaryKeyString(), $"{reminderName}@{status.CurrentTickTime.ToUnixTimeMilliseconds()}{(overlapped ? " overlapped" : string.Empty)}", silo.Value.SiloName);
    }
}
