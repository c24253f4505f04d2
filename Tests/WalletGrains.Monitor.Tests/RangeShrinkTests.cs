using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class RangeChain : MonitorChain;

/// <summary>A node that refuses wide log queries: the monitor narrows its range until the node answers, and misses nothing.</summary>
public sealed class RangeShrinkTests(RangeChain chain, PostgresFixture postgres) : IClassFixture<RangeChain>
{
    [Fact]
    public async Task Catching_up_through_a_node_that_refuses_ranges_above_four_blocks_finds_every_event_once()
    {
        await using var proxy = await RefusingRpcProxy.StartAsync(chain.RpcUrl, maxRange: 4);
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);

        // History before the monitor starts: activity spread over ~25 blocks.
        var start = await chain.HeadAsync() + 1;
        var mined = new List<MinedTransaction>();
        for (var i = 0; i < 5; i++)
        {
            mined.Add(i % 2 == 0 ? await chain.SendNativeAsync(target, (ulong)(100 + i)) : await chain.TransferTokenAsync(target, (ulong)(100 + i)));
            await chain.MineAsync(4);
        }

        var settings = new Dictionary<string, string?>
        {
            ["Monitor:StartBlock"] = start.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Monitor:MaxBlockRange"] = "64",
        };
        await using var host = await MonitorHost.StartAsync(storage, proxy.Url, chain.Anvil.ChainId, watched, settings);
        var head = await chain.HeadAsync();
        var status = await host.WaitForStatusAsync(s => s.Cursor >= head);

        var events = await storage.Events.ReadAsync(target);
        Assert.Equal(mined.Select(t => t.TxHash).Order(), events.Select(e => e.TxHash).Order());
        Assert.True(proxy.Refused >= 4, $"the node refused {proxy.Refused} queries; 64 → 32 → 16 → 8 → 4 takes four");
        Assert.NotEmpty(proxy.AcceptedRanges);
        Assert.All(proxy.AcceptedRanges, r => Assert.InRange(r, 1UL, 4UL));
        Assert.InRange(status.BlockRange, 1, 4);
        Assert.Null(status.LastError);
    }
}
