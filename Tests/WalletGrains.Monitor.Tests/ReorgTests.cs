using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class ReorgChain : MonitorChain;

/// <summary>
/// Reorgs on a real anvil: <c>evm_snapshot</c> before the activity, <c>evm_revert</c> after it was reported, then
/// different blocks on top. This class has its own anvil, since a revert rewinds the whole chain.
/// </summary>
public sealed class ReorgTests(ReorgChain chain, PostgresFixture postgres) : IClassFixture<ReorgChain>
{
    public static TheoryData<StorageKind> Storages => [StorageKind.Sqlite, StorageKind.Postgres];

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task A_reorg_past_reported_activity_reports_it_removed_and_reports_the_new_chain(StorageKind kind)
    {
        await using var run = await FollowOneAddressAsync(kind);
        var (storage, host, target) = (run.Storage, run.Host, run.Target);

        var snapshot = (string)(await chain.Anvil.RequestAsync("evm_snapshot"))!;
        var dropped = new[]
        {
            await chain.TransferTokenAsync(target, 11),
            await chain.ApproveAsync(target, 12),
            await chain.SendNativeAsync(target, 13),
        };
        var reported = await storage.Events.WaitAsync(target, e => e.Count == 3);
        Assert.All(reported, e => Assert.False(e.Removed));

        Assert.True((bool)(await chain.Anvil.RequestAsync("evm_revert", snapshot))!);
        await chain.MineAsync(4);
        var again = await chain.SendNativeAsync(target, 13);
        Assert.DoesNotContain(dropped, d => d.BlockHash == again.BlockHash);

        await host.WaitForStatusAsync(s => s.Cursor >= again.BlockNumber && s.Reorgs >= 1);
        var events = await storage.Events.WaitAsync(target, e => e.Count(x => x.Removed) == 3 && e.Count(x => !x.Removed) == 4);

        // Each reported event is undone once, with its own key and data.
        var removals = events.Where(e => e.Removed).ToList();
        Assert.Equal(reported.Select(e => e.Key).Order(), removals.Select(e => e.Key).Order());
        foreach (var removal in removals)
        {
            var original = reported.Single(e => e.Key == removal.Key);
            Assert.Equal(original.Type, removal.Type);
            Assert.Equal(original.Data.ToJsonString(), removal.Data.ToJsonString());
            Assert.True(removal.Id > original.Id);
        }

        // The canonical chain's transfer is new: its block, its key.
        var added = Assert.Single(events, e => !e.Removed && e.TxHash == again.TxHash);
        Assert.Equal(WalletEventTypes.TransferIncoming, added.Type);
        Assert.Equal(again.BlockHash, (string)added.Data["blockHash"]!);
        Assert.DoesNotContain(reported, e => e.Key == added.Key);
        Assert.True(added.Id > removals.Max(e => e.Id));
    }

    /// <summary>
    /// The monitor keeps only the event-log ids of each recent block's events and reads them back to report their
    /// removal; a block with more events than one read returns (1,000) is read in pages.
    /// </summary>
    [Fact]
    public async Task A_reorg_of_a_block_with_more_events_than_one_read_returns_reports_each_removed_once_newest_first()
    {
        const int Transfers = 1_001;
        await using var run = await FollowOneAddressAsync(StorageKind.Sqlite);
        var (storage, host, target) = (run.Storage, run.Host, run.Target);

        var snapshot = (string)(await chain.Anvil.RequestAsync("evm_snapshot"))!;
        await chain.Anvil.RequestAsync("evm_setAutomine", false);
        try
        {
            for (var i = 0; i < Transfers; i++)
            {
                await chain.Anvil.RequestAsync("eth_sendTransaction", new JsonObject
                {
                    ["from"] = chain.Sender.Address, ["to"] = target.ToString(), ["value"] = "0x1",
                });
            }

            await chain.MineAsync(1);
        }
        finally
        {
            await chain.Anvil.RequestAsync("evm_setAutomine", true);
        }

        var reported = await storage.Events.WaitAsync(target, e => e.Count == Transfers, TimeSpan.FromSeconds(60));
        Assert.Single(reported.Select(e => (string)e.Data["blockHash"]!).Distinct());

        Assert.True((bool)(await chain.Anvil.RequestAsync("evm_revert", snapshot))!);
        await chain.MineAsync(3);
        await host.WaitForStatusAsync(s => s.Reorgs >= 1, TimeSpan.FromSeconds(60));
        var events = await storage.Events.WaitAsync(target, e => e.Count(x => x.Removed) >= Transfers, TimeSpan.FromSeconds(60));

        var removals = events.Where(e => e.Removed).OrderBy(e => e.Id).ToList();
        Assert.Equal(reported.OrderByDescending(e => e.Id).Select(e => e.Key), removals.Select(e => e.Key));
        var reportedData = reported.ToDictionary(e => e.Key, e => e.Data.ToJsonString());
        Assert.All(removals, r => Assert.Equal(reportedData[r.Key], r.Data.ToJsonString()));
    }

    [Fact]
    public async Task With_three_confirmations_nothing_is_reported_before_the_block_is_buried_so_a_shallow_reorg_reports_nothing()
    {
        await using var run = await FollowOneAddressAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Confirmations"] = "3" });
        var (storage, host, target) = (run.Storage, run.Host, run.Target);

        // Included but only one block deep, then two deep: the monitor sees the head and reports nothing.
        var snapshot = (string)(await chain.Anvil.RequestAsync("evm_snapshot"))!;
        var shallow = await chain.SendNativeAsync(target, 21);
        await host.WaitForStatusAsync(s => s.Head == shallow.BlockNumber);
        await chain.MineAsync(1);
        var seen = await host.WaitForStatusAsync(s => s.Head == shallow.BlockNumber + 1);
        Assert.Equal(shallow.BlockNumber - 1, seen.Cursor);
        Assert.Empty(await storage.Events.ReadAsync(target));

        // A reorg of those unconfirmed blocks has nothing to undo.
        Assert.True((bool)(await chain.Anvil.RequestAsync("evm_revert", snapshot))!);
        var deep = await chain.SendNativeAsync(target, 22);
        await host.WaitForStatusAsync(s => s.Head == deep.BlockNumber);
        Assert.Empty(await storage.Events.ReadAsync(target));

        // Buried under three blocks counting its own: reported once, and the dropped transfer never was.
        await chain.MineAsync(2);
        var events = await storage.Events.WaitAsync(target, e => e.Count >= 1);
        await host.WaitForStatusAsync(s => s.Cursor >= deep.BlockNumber);
        events = await storage.Events.ReadAsync(target);
        var e = Assert.Single(events);
        Assert.Equal(deep.TxHash, e.TxHash);
        Assert.False(e.Removed);
    }

    /// <summary>Fresh storage and a silo whose monitor follows one fresh address and has chosen its start.</summary>
    private async Task<Following> FollowOneAddressAsync(StorageKind kind, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var storage = await MonitorStorage.CreateAsync(kind, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        var following = new Following(storage, await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched, settings), target);
        try
        {
            await following.Host.WaitForStatusAsync(s => s.Cursor is not null);
            return following;
        }
        catch
        {
            await following.DisposeAsync();
            throw;
        }
    }

    private sealed record Following(MonitorStorage Storage, MonitorHost Host, Address Target) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Storage.DisposeAsync();
        }
    }
}
