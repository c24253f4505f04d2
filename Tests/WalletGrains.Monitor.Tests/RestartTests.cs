using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class RestartChain : MonitorChain;

/// <summary>Durability of the cursor: a new silo on the same storage resumes where the old one stopped, and a crash between the event log and the cursor repeats events instead of losing them.</summary>
public sealed class RestartTests(RestartChain chain, PostgresFixture postgres) : IClassFixture<RestartChain>
{
    public static TheoryData<StorageKind> Storages => [StorageKind.Sqlite, StorageKind.Postgres];

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task A_new_silo_on_the_same_storage_resumes_from_the_cursor_and_reports_what_happened_while_it_was_down(StorageKind kind)
    {
        await using var storage = await MonitorStorage.CreateAsync(kind, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);

        MinedTransaction before;
        await using (var first = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched))
        {
            await first.WaitForStatusAsync(s => s.Cursor is not null);
            before = await chain.SendNativeAsync(target, 31);
            await storage.Events.WaitAsync(target, e => e.Count == 1);
        }

        // Down: activity, then more blocks, so a monitor starting over at the head would miss it.
        var whileDown = new[] { await chain.TransferTokenAsync(target, 32), await chain.SendNativeAsync(target, 33) };
        await chain.MineAsync(3);
        var head = await chain.HeadAsync();

        await using var second = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched);
        await second.WaitForStatusAsync(s => s.Cursor >= head);
        var events = await storage.Events.ReadAsync(target);

        // At least once, deduplicable by key: every transaction's event is there; repeats only as exact copies.
        Assert.All(events, e => Assert.False(e.Removed));
        var byKey = events.GroupBy(e => e.Key).ToList();
        Assert.Equal(
            new[] { before, whileDown[0], whileDown[1] }.Select(t => t.TxHash).Order(),
            byKey.Select(g => g.First().TxHash).Order());
        Assert.All(byKey, g => Assert.Single(g.Select(e => e.Data.ToJsonString()).Distinct()));
    }

    [Fact]
    public async Task A_crash_after_the_events_are_written_but_before_the_cursor_repeats_them_and_loses_nothing()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        CrashAfterAppendStore? crashing = null;
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched,
            wrapStore: inner => crashing = new CrashAfterAppendStore(inner));
        await host.WaitForStatusAsync(s => s.Cursor is not null);

        var transfer = await chain.TransferTokenAsync(target, 41);
        await host.WaitForStatusAsync(s => s.Cursor >= transfer.BlockNumber);

        Assert.True(crashing!.Crashed);
        var events = await storage.Events.ReadAsync(target);
        Assert.Equal(2, events.Count);
        Assert.Single(events.Select(e => e.Key).Distinct());
        Assert.Single(events.Select(e => e.Data.ToJsonString()).Distinct());
        Assert.Equal(transfer.TxHash, events[0].TxHash);
    }
}
