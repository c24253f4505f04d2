using System.Text.Json.Nodes;
using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Balances;

namespace WalletGrains.Balances.Tests;

/// <summary>
/// BalanceGrain on a fake clock and a stub node (no multicall there, so the fallback path): the head poll, the first read
/// as baseline, one event per change, failed reads, removed watches, the order of event and snapshot writes, the backup
/// reminder, and an unreachable node.
/// </summary>
public sealed class BalanceGrainTests
{
    private static readonly Address A = Address.Parse("0x000000000000000000000000000000000000000a");
    private static readonly Address B = Address.Parse("0x000000000000000000000000000000000000000b");
    private static readonly Address C = Address.Parse("0x000000000000000000000000000000000000000c");
    private static readonly Address Token = Address.Parse("0x00000000000000000000000000000000000000ee");

    [Fact]
    public async Task The_first_read_is_the_baseline_an_unchanged_head_reads_nothing_and_a_change_is_one_event()
    {
        await using var harness = await GrainHarness.StartAsync();
        harness.Chain.Head = 10;
        harness.Chain.SetNative(A, 5);
        harness.Chain.SetToken(Token, A, 7);
        harness.Chain.SetNative(GrainHarness.Custodied, 1);
        await harness.WatchAsync(A, Token);

        var first = await harness.RefreshedAtAsync(10);
        Assert.Equal(2, first.Addresses);
        Assert.Equal(3, first.Balances);
        Assert.False(first.Multicall);
        Assert.Equal(0, first.Changed);
        Assert.Empty(await harness.EventDataAsync());
        var snapshot = await harness.SnapshotAsync();
        Assert.Equal(new UInt256(5), snapshot[new BalanceKey(A, null)]);
        Assert.Equal(new UInt256(7), snapshot[new BalanceKey(A, Token)]);
        Assert.Equal(UInt256.One, snapshot[new BalanceKey(GrainHarness.Custodied, null)]);

        // The head does not move: the next polls ask eth_blockNumber and read nothing.
        var polls = harness.Chain.Count("eth_blockNumber");
        var reads = harness.Chain.Count("eth_getBalance");
        await harness.AdvanceUntilAsync(() => Task.FromResult(harness.Chain.Count("eth_blockNumber") >= polls + 2), "two more head polls");
        Assert.Equal(10UL, (await harness.Grain.GetLastRefreshAsync())!.BlockNumber);
        Assert.Equal(reads, harness.Chain.Count("eth_getBalance"));

        harness.Chain.SetNative(A, 9);
        harness.Chain.Head = 11;
        var second = await harness.RefreshedAtAsync(11);
        Assert.Equal(1, second.Changed);
        var data = JsonNode.Parse(Assert.Single(await harness.EventDataAsync()))!;
        Assert.Equal(A.ToChecksumString(), (string?)data["address"]);
        Assert.Null(data["token"]);
        Assert.Equal("5", (string?)data["old"]);
        Assert.Equal("9", (string?)data["new"]);
        Assert.Equal(11UL, (ulong)data["blockNumber"]!);
        Assert.Equal(new UInt256(9), (await harness.SnapshotAsync())[new BalanceKey(A, null)]);

        // No code at the multicall address was found once and kept.
        Assert.Equal(1, harness.Chain.Count("eth_getCode"));
    }

    [Fact]
    public async Task A_failed_read_stores_nothing_and_a_removed_watch_drops_its_rows_without_events()
    {
        await using var harness = await GrainHarness.StartAsync();
        harness.Chain.Head = 20;
        harness.Chain.SetNative(B, 3);
        harness.Chain.SetToken(Token, B, 4);
        await harness.WatchAsync(B, harness.Chain.RevertingToken, Token);

        var report = await harness.RefreshedAtAsync(20);
        Assert.Equal(1, report.Failed);
        var snapshot = await harness.SnapshotAsync();
        Assert.Equal(new UInt256(4), snapshot[new BalanceKey(B, Token)]);
        Assert.False(snapshot.ContainsKey(new BalanceKey(B, harness.Chain.RevertingToken)));

        Assert.True(await harness.Watches.RemoveAsync(Infrastructure.StubChain.Id, B, TestContext.Current.CancellationToken));
        harness.Chain.SetNative(B, 30);
        harness.Chain.Head = 21;
        await harness.RefreshedAtAsync(21);
        Assert.DoesNotContain(await harness.SnapshotAsync(), e => e.Key.Address == B);
        Assert.Empty(await harness.EventDataAsync());
    }

    [Fact]
    public async Task Events_are_appended_before_the_snapshot_so_a_failed_snapshot_write_repeats_them()
    {
        FlakyBalanceStore? flaky = null;
        await using var harness = await GrainHarness.StartAsync(inner => flaky = new FlakyBalanceStore(inner));
        harness.Chain.Head = 30;
        harness.Chain.SetNative(A, 1);
        await harness.WatchAsync(A);
        await harness.RefreshedAtAsync(30);

        harness.Chain.SetNative(A, 2);
        flaky!.FailNextWrite = true;
        harness.Chain.Head = 31;

        // The first attempt appends the event, then fails to write the snapshot; the next poll finds the same change.
        var report = await harness.RefreshedAtAsync(31);
        Assert.Equal(1, report.Changed);
        var events = await harness.EventDataAsync();
        Assert.Equal(2, events.Count);
        Assert.Equal(events[0], events[1]);
        Assert.Equal(new UInt256(2), (await harness.SnapshotAsync())[new BalanceKey(A, null)]);
    }

    [Fact]
    public async Task The_reminder_reads_at_an_unchanged_head_once_nothing_succeeded_for_an_interval()
    {
        await using var harness = await GrainHarness.StartAsync();
        harness.Chain.Head = 40;
        await harness.RefreshedAtAsync(40);
        var refreshedAt = (await harness.Grain.GetLastRefreshAsync())!.At;

        // A watch added on a quiet chain: no new head, so only the backup reminder reads it.
        harness.Chain.SetNative(C, 3);
        await harness.WatchAsync(C);
        await harness.AdvanceUntilAsync(async () => (await harness.SnapshotAsync()).ContainsKey(new BalanceKey(C, null)), "the reminder's refresh");
        var report = (await harness.Grain.GetLastRefreshAsync())!;
        Assert.Equal(40UL, report.BlockNumber);
        Assert.True(report.At - refreshedAt >= GrainHarness.RefreshInterval, $"refreshed after {report.At - refreshedAt}, before the interval");
        Assert.Equal(new UInt256(3), (await harness.SnapshotAsync())[new BalanceKey(C, null)]);

        // While the multicall is missing, each reminder tick looks for it again.
        Assert.True(harness.Chain.Count("eth_getCode") >= 2, $"eth_getCode asked {harness.Chain.Count("eth_getCode")} time(s)");
    }

    [Fact]
    public async Task An_unreachable_node_fails_the_poll_and_the_next_poll_catches_up()
    {
        await using var harness = await GrainHarness.StartAsync();
        harness.Chain.Head = 50;
        await harness.RefreshedAtAsync(50);

        harness.Chain.Down = true;
        harness.Chain.Head = 52;
        var polls = harness.Chain.Count("eth_blockNumber");
        harness.Time.Advance(GrainHarness.PollInterval);
        harness.Time.Advance(GrainHarness.PollInterval);
        Assert.Equal(50UL, (await harness.Grain.GetLastRefreshAsync())!.BlockNumber);
        Assert.Equal(polls, harness.Chain.Count("eth_blockNumber"));

        harness.Chain.Down = false;
        await harness.RefreshedAtAsync(52);
    }

    /// <summary>A balance store whose next write fails once when asked to.</summary>
    private sealed class FlakyBalanceStore(IBalanceStore inner) : IBalanceStore
    {
        public bool FailNextWrite { get; set; }

        public Task<BalanceSnapshot?> LoadAsync(ulong chainId, CancellationToken cancellationToken = default) => inner.LoadAsync(chainId, cancellationToken);

        public Task WriteAsync(BalanceWrite write, CancellationToken cancellationToken = default)
        {
            if (FailNextWrite)
            {
                FailNextWrite = false;
                throw new InvalidOperationException("The balance store failed this write on purpose.");
            }

            return inner.WriteAsync(write, cancellationToken);
        }

        public Task<AddressBalances?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) => inner.GetAsync(chainId, address, cancellationToken);
    }
}
