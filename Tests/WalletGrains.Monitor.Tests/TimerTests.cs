using WalletGrains.Runtime.Testing;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class TimerChain : MonitorChain;

/// <summary>The poll timer runs on the silo's clock: with a fake clock nothing is polled until time moves.</summary>
public sealed class TimerTests(TimerChain chain, PostgresFixture postgres) : IClassFixture<TimerChain>
{
    [Fact]
    public async Task The_monitor_polls_when_its_interval_elapses_on_the_silo_clock_and_not_before()
    {
        var time = new FakeTimeProvider();
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        var settings = new Dictionary<string, string?> { ["Monitor:PollInterval"] = "00:00:05" };
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched, settings, time);

        // The hosted service's start polls once, at the fake clock's "now".
        var started = await host.WaitForStatusAsync(s => s.Cursor is not null);
        Assert.Equal(time.GetUtcNow(), started.LastPollAt);

        var transfer = await chain.SendNativeAsync(target, 51);
        time.Advance(TimeSpan.FromSeconds(4.9));
        var waiting = await host.Monitor.GetStatusAsync();
        Assert.Equal(started.LastPollAt, waiting.LastPollAt);
        Assert.Equal(started.Cursor, waiting.Cursor);
        Assert.Empty(await storage.Events.ReadAsync(target));

        time.Advance(TimeSpan.FromSeconds(0.1));
        var polled = await host.WaitForStatusAsync(s => s.Cursor >= transfer.BlockNumber);
        Assert.Equal(time.GetUtcNow(), polled.LastPollAt);
        Assert.Single(await storage.Events.ReadAsync(target));
    }

    [Fact]
    public async Task A_disabled_monitor_is_not_started_and_does_not_poll()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var settings = new Dictionary<string, string?> { ["Monitor:Enabled"] = "false" };
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, new TestWatchedAddresses(), settings);

        var status = await host.Monitor.StartAsync();
        Assert.False(status.Enabled);
        Assert.Null(status.Cursor);
        Assert.Null(status.LastPollAt);
    }
}
