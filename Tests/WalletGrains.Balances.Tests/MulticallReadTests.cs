using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Balances;
using WalletGrains.Grains.Watches;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests;

/// <summary>
/// The product's scale test: 1,000 watched addresses × (native + 2 tokens) are read with at most 7 eth_call requests
/// per block, counted at the silo's HTTP boundary, and every value equals an individual eth_getBalance/balanceOf read
/// at the same block; the eth_getBalance/eth_call fallback reads the same values; changed values become events.
/// </summary>
public abstract class MulticallReadTests<TFixture>(TFixture fixture) where TFixture : BalanceFixture
{
    private const int AddressCount = 1000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>TestToken's storage slot of <c>balanceOf</c> (name 0, symbol 1, totalSupply 2; decimals is a constant).</summary>
    private const int BalanceOfSlot = 3;

    [Fact]
    public async Task A_thousand_addresses_with_two_tokens_take_at_most_seven_eth_calls_per_block_and_equal_single_reads()
    {
        var random = new Random(6);
        var addresses = Enumerable.Range(0, AddressCount).Select(_ => BalanceFixture.NewAddress()).ToList();
        await SetBalancesAsync(addresses, random);
        var watches = fixture.Node.Services.GetRequiredService<IWatchStore>();
        foreach (var address in addresses)
        {
            await watches.UpsertAsync(new Watch(fixture.ChainId, address, [fixture.TokenA, fixture.TokenB], DateTimeOffset.UtcNow), Ct);
        }

        // The first block reads them for the first time (the baseline); the next one is the block counted.
        await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        fixture.Node.Rpc.Reset();
        var block = await fixture.MineAsync();
        var report = await fixture.WaitForRefreshAsync(block);
        Assert.Equal(block, report.BlockNumber);

        var ethCalls = fixture.Node.Rpc.Count("eth_call");
        Assert.True(report.Multicall);
        Assert.True(report.Balances >= AddressCount * 3, $"{report.Balances} balances followed");
        Assert.True(ethCalls <= 7, $"{ethCalls} eth_call requests for block {block}: {string.Join(", ", fixture.Node.Rpc.Snapshot())}");
        Assert.Equal(report.EthCalls, ethCalls);
        Assert.Equal(0, fixture.Node.Rpc.Count("eth_getBalance"));

        // Oracle: one eth_getBalance / eth_call balanceOf per pair at the same block, straight to anvil.
        var keys = addresses.SelectMany(a => new[] { new BalanceKey(a, null), new BalanceKey(a, fixture.TokenA), new BalanceKey(a, fixture.TokenB) }).ToList();
        var expected = await SingleReadsAsync(keys, block);
        var snapshot = (await fixture.Node.Services.GetRequiredService<IBalanceStore>().LoadAsync(fixture.ChainId, Ct))!;
        Assert.Equal(block, snapshot.BlockNumber);
        var stored = snapshot.Entries.ToDictionary(e => e.Key, e => e.Balance);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.True(stored.TryGetValue(keys[i], out var value), $"no snapshot row for {keys[i]}");
            Assert.True(expected[i] == value, $"{keys[i]}: snapshot {value}, eth_getBalance/balanceOf {expected[i]}");
        }

        // The set-up is not trivially zero: most natives and about half of the token balances are set.
        Assert.True(expected.Count(v => !v.IsZero) > AddressCount, $"only {expected.Count(v => !v.IsZero)} non-zero balances");

        // The fallback path (no multicall) reads the same values at the same block.
        var counter = new RpcTrafficCounter();
        using var http = new HttpClient(counter.CreateHandler());
        using var rpc = new EthRpcClient(http, new RpcClientOptions(fixture.Anvil.RpcUrl));
        var reader = new BalanceReader(rpc, Multicall3.Address, 500);
        var fallback = await reader.ReadAsync(keys, block, useMulticall: false, Ct);
        Assert.False(fallback.Multicall);
        Assert.Equal(expected.Select(v => (UInt256?)v), fallback.Values);
        Assert.Equal(AddressCount * 2, counter.Count("eth_call"));
        Assert.Equal(AddressCount, counter.Count("eth_getBalance"));

        // Changes at the next block: one balance.changed each, with the old and new values.
        var before = (await fixture.BalanceEventsAsync()).Count;
        var changed = addresses.Take(5).ToList();
        foreach (var (address, i) in changed.Select((a, i) => (a, i)))
        {
            await fixture.Anvil.RequestAsync("anvil_setBalance", address.ToLowerHex(), "0x" + (1000 + i).ToString("x", CultureInfo.InvariantCulture));
            await fixture.Anvil.RequestAsync("anvil_setStorageAt", fixture.TokenB.ToLowerHex(), BalanceSlot(address), Word(new UInt256((ulong)(2000 + i))));
        }

        var next = await fixture.MineAsync();
        await fixture.WaitForRefreshAsync(next);
        var events = (await fixture.BalanceEventsAsync()).Skip(before).Select(e => e.Data).ToList();
        Assert.Equal(changed.Count * 2, events.Count);
        foreach (var (address, i) in changed.Select((a, i) => (a, i)))
        {
            var native = Assert.Single(events, e => (string?)e["address"] == address.ToChecksumString() && e["token"] is null);
            Assert.Equal(expected[keys.IndexOf(new BalanceKey(address, null))].ToString(), (string?)native["old"]);
            Assert.Equal((1000 + i).ToString(CultureInfo.InvariantCulture), (string?)native["new"]);
            Assert.Equal(next, (ulong)native["blockNumber"]!);
            var token = Assert.Single(events, e => (string?)e["address"] == address.ToChecksumString() && (string?)e["token"] == fixture.TokenB.ToChecksumString());
            Assert.Equal(expected[keys.IndexOf(new BalanceKey(address, fixture.TokenB))].ToString(), (string?)token["old"]);
            Assert.Equal((2000 + i).ToString(CultureInfo.InvariantCulture), (string?)token["new"]);
        }
    }

    [Fact]
    public async Task The_reader_chunks_into_one_batch_and_a_missing_multicall_is_detected()
    {
        var counter = new RpcTrafficCounter();
        using var http = new HttpClient(counter.CreateHandler());
        using var rpc = new EthRpcClient(http, new RpcClientOptions(fixture.Anvil.RpcUrl));
        var keys = fixture.Custodied.SelectMany(a => new[] { new BalanceKey(a, null), new BalanceKey(a, fixture.TokenA) }).ToList();
        var block = Contracts.ParseQuantity(await fixture.Anvil.RequestAsync("eth_blockNumber"));

        // One read per aggregate3: as many eth_calls as reads, all in one POST.
        var reader = new BalanceReader(rpc, Multicall3.Address, chunkSize: 1);
        Assert.True(await reader.HasMulticallAsync(Ct));
        counter.Reset();
        var read = await reader.ReadAsync(keys, block, useMulticall: true, Ct);
        Assert.Equal(keys.Count, counter.Count("eth_call"));
        Assert.Equal(1, counter.Posts);
        Assert.Equal(await SingleReadsAsync(keys, block), read.Values.Select(v => v!.Value));

        Assert.False(await new BalanceReader(rpc, BalanceFixture.NewAddress(), 500).HasMulticallAsync(Ct));
    }

    /// <summary>Random native balances for about 9 in 10 addresses and token balances for about half, in a few batched POSTs.</summary>
    private async Task SetBalancesAsync(List<Address> addresses, Random random)
    {
        var requests = new List<(string, JsonNode?[])>();
        foreach (var address in addresses)
        {
            if (random.Next(10) > 0)
            {
                requests.Add(("anvil_setBalance", [address.ToLowerHex(), RandomAmount(random).ToHexQuantity()]));
            }

            foreach (var token in new[] { fixture.TokenA, fixture.TokenB })
            {
                if (random.Next(2) == 0)
                {
                    requests.Add(("anvil_setStorageAt", [token.ToLowerHex(), BalanceSlot(address), Word(RandomAmount(random))]));
                }
            }
        }

        await AnvilBatch.RequestAllAsync(fixture.Anvil, requests);
    }

    private static UInt256 RandomAmount(Random random) => UInt256.FromBigInteger(new BigInteger(random.NextInt64(1, long.MaxValue)) * random.Next(1, 1 << 20));

    /// <summary>keccak256(pad32(owner) ‖ pad32(slot)): the storage slot of balanceOf[owner] (Solidity mapping layout).</summary>
    private static string BalanceSlot(Address owner)
    {
        var preimage = new byte[64];
        owner.Bytes.CopyTo(preimage.AsSpan(12));
        preimage[63] = BalanceOfSlot;
        return HexConvert.ToHex(Keccak256.Hash(preimage));
    }

    private static string Word(UInt256 value)
    {
        var word = new byte[32];
        value.WriteBigEndian(word);
        return HexConvert.ToHex(word);
    }

    private async Task<List<UInt256>> SingleReadsAsync(List<BalanceKey> keys, ulong block)
    {
        var tag = "0x" + block.ToString("x", CultureInfo.InvariantCulture);
        var requests = keys.Select(k => k.Token is { } token
            ? ("eth_call", new JsonNode?[] { new JsonObject { ["to"] = token.ToLowerHex(), ["data"] = HexConvert.ToHex(Erc20.EncodeBalanceOf(k.Address)) }, tag })
            : ("eth_getBalance", new JsonNode?[] { k.Address.ToLowerHex(), tag })).ToList();
        var results = await AnvilBatch.RequestAllAsync(fixture.Anvil, requests);
        return [.. results.Select((r, i) => keys[i].Token is null ? UInt256.Parse((string)r!) : UInt256.FromBigEndian(HexConvert.FromHex((string)r!)))];
    }
}

[Collection(SqliteBalanceCollection.Name)]
public sealed class SqliteMulticallReadTests(SqliteBalanceFixture fixture) : MulticallReadTests<SqliteBalanceFixture>(fixture);

[Collection(PostgresBalanceCollection.Name)]
public sealed class PostgresMulticallReadTests(PostgresBalanceFixture fixture) : MulticallReadTests<PostgresBalanceFixture>(fixture);
