using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class ActivityChain : MonitorChain;

/// <summary>The monitor against a real anvil: what a watched address receives shows up once, with the receipt's facts.</summary>
public sealed class ActivityTests(ActivityChain chain, PostgresFixture postgres) : IClassFixture<ActivityChain>
{
    public static TheoryData<StorageKind> Storages => [StorageKind.Sqlite, StorageKind.Postgres];

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task An_incoming_token_transfer_an_approval_and_a_native_transfer_give_exactly_one_event_each(StorageKind kind)
    {
        await using var storage = await MonitorStorage.CreateAsync(kind, postgres);
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched);
        var started = await host.WaitForStatusAsync(s => s.Cursor is not null);

        var token = await chain.TransferTokenAsync(target, 250);
        var approval = await chain.ApproveAsync(target, 1000);
        var native = await chain.SendNativeAsync(target, 7_000_000_000);
        Assert.True(token.BlockNumber > started.Cursor);

        // Past the last block, so any duplicate would have been appended by now.
        await host.WaitForStatusAsync(s => s.Cursor >= native.BlockNumber);
        var events = await storage.Events.ReadAsync(target);

        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.False(e.Removed));
        var incomingToken = Assert.Single(events, e => e.TxHash == token.TxHash);
        AssertEvent(incomingToken, WalletEventTypes.TransferIncoming, token, chain.Token, ("from", chain.SenderAddress), ("to", target), ("value", "250"));
        var approved = Assert.Single(events, e => e.TxHash == approval.TxHash);
        AssertEvent(approved, WalletEventTypes.Approval, approval, chain.Token, ("owner", chain.SenderAddress), ("spender", target), ("value", "1000"));
        var incomingNative = Assert.Single(events, e => e.TxHash == native.TxHash);
        AssertEvent(incomingNative, WalletEventTypes.TransferIncoming, native, null, ("from", chain.SenderAddress), ("to", target), ("value", "7000000000"));

        // In chain order, as they happened.
        Assert.Equal([token.TxHash, approval.TxHash, native.TxHash], events.OrderBy(e => e.Id).Select(e => e.TxHash).ToArray());
    }

    [Fact]
    public async Task Outgoing_activity_of_a_watched_address_is_reported_and_a_reverted_transfer_is_not()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var watched = new TestWatchedAddresses();
        watched.Add(chain.SenderAddress);
        var receiver = MonitorChain.NewAddress();
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched);
        await host.WaitForStatusAsync(s => s.Cursor is not null);

        var sent = await chain.SendNativeAsync(receiver, 5);
        var tokenSent = await chain.TransferTokenAsync(receiver, 6);
        await host.WaitForStatusAsync(s => s.Cursor >= tokenSent.BlockNumber);

        var events = await storage.Events.ReadAsync(receiver);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(WalletEventTypes.TransferOutgoing, e.Type));
        Assert.Contains(events, e => e.TxHash == sent.TxHash && e.Data["token"] is null);
        Assert.Contains(events, e => e.TxHash == tokenSent.TxHash && (string?)e.Data["token"] == chain.Token.ToChecksumString());
    }

    [Fact]
    public async Task Many_watched_addresses_are_queried_in_chunks_and_each_one_still_gets_its_event()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Postgres, postgres);
        var watched = new TestWatchedAddresses();
        var targets = Enumerable.Range(0, 7).Select(_ => MonitorChain.NewAddress()).ToList();
        targets.ForEach(watched.Add);
        var settings = new Dictionary<string, string?> { ["Monitor:AddressesPerQuery"] = "2" };
        await using var host = await MonitorHost.StartAsync(storage, chain.RpcUrl, chain.Anvil.ChainId, watched, settings);
        await host.WaitForStatusAsync(s => s.Cursor is not null);

        var mined = new List<(Address Target, MinedTransaction Tx)>();
        for (var i = 0; i < targets.Count; i++)
        {
            mined.Add((targets[i], i % 2 == 0 ? await chain.TransferTokenAsync(targets[i], (ulong)(i + 1)) : await chain.SendNativeAsync(targets[i], (ulong)(i + 1))));
        }

        await host.WaitForStatusAsync(s => s.Cursor >= mined[^1].Tx.BlockNumber);
        foreach (var (target, tx) in mined)
        {
            var e = Assert.Single(await storage.Events.ReadAsync(target));
            Assert.Equal(tx.TxHash, e.TxHash);
            Assert.Equal(WalletEventTypes.TransferIncoming, e.Type);
        }
    }

    private static void AssertEvent(SeenEvent e, string type, MinedTransaction mined, Address? token, params (string Field, object Value)[] fields)
    {
        Assert.Equal(type, e.Type);
        Assert.Equal(mined.BlockNumber, (ulong)e.Data["blockNumber"]!);
        Assert.Equal(mined.BlockHash, (string)e.Data["blockHash"]!);
        Assert.Equal(token?.ToChecksumString(), (string?)e.Data["token"]);
        if (token is null)
        {
            Assert.Null(e.Data["logIndex"]);
        }
        else
        {
            Assert.Equal(Assert.Single(mined.LogIndexes), (ulong)e.Data["logIndex"]!);
        }

        foreach (var (field, value) in fields)
        {
            Assert.Equal(value is Address a ? a.ToChecksumString() : value.ToString(), (string?)e.Data[field]);
        }

        Assert.StartsWith(type + ":" + mined.BlockHash + ":" + mined.TxHash + ":", e.Key, StringComparison.Ordinal);
        Assert.IsType<JsonObject>(e.Data);
    }
}
