using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class BlockReceiptsChain : MonitorChain;

/// <summary>
/// Native transfers read from each block's receipts against a real anvil: the values of the service's own transactions
/// come from their stored bytes, others from the node; a node without eth_getBlockReceipts gets full blocks instead.
/// </summary>
public sealed class BlockReceiptsTests(BlockReceiptsChain chain, PostgresFixture postgres) : IClassFixture<BlockReceiptsChain>
{
    public static TheoryData<StorageKind> Storages => [StorageKind.Sqlite, StorageKind.Postgres];

    private static readonly Dictionary<string, string?> Settings = new() { ["Confirmations"] = "3" };

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task Native_transfers_come_from_block_receipts_and_the_service_own_ones_take_their_value_from_its_store(StorageKind kind)
    {
        await using var storage = await MonitorStorage.CreateAsync(kind, postgres);
        await using var proxy = await RefusingRpcProxy.StartAsync(chain.RpcUrl, maxRange: 10_000);
        KnownAttemptsStore? store = null;
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        await using var host = await MonitorHost.StartAsync(storage, proxy.Url, chain.Anvil.ChainId, watched, Settings, wrapStore: inner => store = new KnownAttemptsStore(inner));
        await host.WaitForStatusAsync(s => s.Cursor is not null);

        var external = await chain.SendNativeAsync(target, 7_000);
        var own = await chain.SendNativeAsync(target, 9_000);
        // As if the service had signed the second one: its bytes are in the store before the block is final.
        store!.Signed[Bytes32.Parse(own.TxHash)] = HexConvert.FromHex((string)(await chain.Anvil.RequestAsync("eth_getRawTransactionByHash", own.TxHash))!);
        await chain.MineAsync(3);
        await host.WaitForStatusAsync(s => s.Cursor >= own.BlockNumber);

        var events = await storage.Events.ReadAsync(target);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(WalletEventTypes.TransferIncoming, e.Type));
        Assert.Equal("7000", (string?)Assert.Single(events, e => e.TxHash == external.TxHash).Data["value"]);
        Assert.Equal("9000", (string?)Assert.Single(events, e => e.TxHash == own.TxHash).Data["value"]);

        var calls = proxy.Calls.ToList();
        Assert.Contains(calls, c => c.Method == "eth_getBlockReceipts" && (string?)c.Params![0] == external.BlockHash);
        Assert.Contains(calls, c => c.Method == "eth_getBlockReceipts" && (string?)c.Params![0] == own.BlockHash);
        Assert.DoesNotContain(calls, c => c.Method == "eth_getBlockByNumber" && (bool?)c.Params![1] == true);
        Assert.DoesNotContain(calls, c => c.Method == "eth_getTransactionReceipt");
        Assert.Single(calls, c => c.Method == "eth_getTransactionByHash" && (string?)c.Params![0] == external.TxHash);
        Assert.DoesNotContain(calls, c => c.Method == "eth_getTransactionByHash" && (string?)c.Params![0] == own.TxHash);
        Assert.Contains(Bytes32.Parse(own.TxHash), store.Asked);
    }

    [Fact]
    public async Task A_node_without_block_receipts_is_asked_once_and_then_read_in_full_blocks()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        await using var proxy = await RefusingRpcProxy.StartAsync(chain.RpcUrl, maxRange: 10_000);
        proxy.Unsupported["eth_getBlockReceipts"] = true;
        var watched = new TestWatchedAddresses();
        var target = MonitorChain.NewAddress();
        watched.Add(target);
        await using var host = await MonitorHost.StartAsync(storage, proxy.Url, chain.Anvil.ChainId, watched, Settings);
        await host.WaitForStatusAsync(s => s.Cursor is not null);

        var first = await chain.SendNativeAsync(target, 5);
        await chain.MineAsync(3);
        await host.WaitForStatusAsync(s => s.Cursor >= first.BlockNumber);
        var second = await chain.SendNativeAsync(target, 6);
        await chain.MineAsync(3);
        await host.WaitForStatusAsync(s => s.Cursor >= second.BlockNumber);

        var events = await storage.Events.ReadAsync(target);
        Assert.Equal([(first.TxHash, "5"), (second.TxHash, "6")], events.OrderBy(e => e.Id).Select(e => (e.TxHash, (string?)e.Data["value"])).ToArray());
        var calls = proxy.Calls.ToList();
        Assert.Single(calls, c => c.Method == "eth_getBlockReceipts");
        Assert.Contains(calls, c => c.Method == "eth_getBlockByNumber" && (bool?)c.Params![1] == true);
    }

    /// <summary>The real store, plus attempts the test declares signed by the service; records the hashes asked for.</summary>
    private sealed class KnownAttemptsStore(IWalletStore inner) : DelegatingWalletStore(inner)
    {
        public ConcurrentDictionary<Bytes32, byte[]> Signed { get; } = new();

        public ConcurrentBag<Bytes32> Asked { get; } = [];

        public override async Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default)
        {
            var found = new Dictionary<Bytes32, byte[]>(await base.FindSignedAttemptsAsync(hashes, cancellationToken));
            foreach (var hash in hashes)
            {
                Asked.Add(hash);
                if (Signed.TryGetValue(hash, out var raw))
                {
                    found[hash] = raw;
                }
            }

            return found;
        }
    }
}
