using System.Text.Json.Nodes;
using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests;

/// <summary>
/// The product's acceptance test for balances on a real anvil: a native transfer and an ERC-20 transfer to a watched
/// address show up in /v1/balances and as one balance.changed each within 2 blocks; custodied accounts are followed
/// without a watch; a token that is not an ERC-20 fails alone.
/// </summary>
public abstract class BalanceFollowingTests<TFixture>(TFixture fixture) where TFixture : BalanceFixture
{
    private BalanceNode Node => fixture.Node;

    [Fact]
    public async Task Native_and_erc20_transfers_show_up_in_balances_and_as_balance_changed_within_two_blocks()
    {
        var watched = BalanceFixture.NewAddress();
        var (status, _) = await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = watched.ToLowerHex(), tokens = new[] { fixture.TokenA.ToLowerHex() } });
        Assert.Equal(201, status);

        // The first read is the baseline: zero everywhere, and no event.
        await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        var baseline = await GetBalancesAsync(watched);
        Assert.Equal("0", (string?)baseline["native"]);
        Assert.Equal("0", (string?)baseline["tokens"]![0]!["balance"]);
        Assert.DoesNotContain(await fixture.BalanceEventsAsync(), e => (string?)e.Data["address"] == watched.ToChecksumString());

        // Native: 1.5 ether from a dev account (the helper mines the block).
        var value = new UInt256(1_500_000_000_000_000_000UL);
        var nativeBlock = Contracts.ParseQuantity((await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, watched, [], value))["blockNumber"]);
        var native = await WaitForEventAsync(watched, token: null);
        Assert.Equal("0", (string?)native["old"]);
        Assert.Equal(value.ToString(), (string?)native["new"]);
        Assert.InRange((ulong)native["blockNumber"]!, nativeBlock, nativeBlock + 1);
        await WaitForBalancesAsync(watched, b => (string?)b["native"] == value.ToString());

        // ERC-20: mint to the dev account, then a transfer to the watched address.
        await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenA, TestTokenMint(Address.Parse(fixture.Funder.Address), new UInt256(1_000_000)));
        var transfer = await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenA, Erc20.EncodeTransfer(watched, new UInt256(12_345)));
        var tokenBlock = Contracts.ParseQuantity(transfer["blockNumber"]);
        var token = await WaitForEventAsync(watched, fixture.TokenA);
        Assert.Equal("0", (string?)token["old"]);
        Assert.Equal("12345", (string?)token["new"]);
        Assert.InRange((ulong)token["blockNumber"]!, tokenBlock, tokenBlock + 1);

        var after = await WaitForBalancesAsync(watched, b => (string?)b["tokens"]![0]!["balance"] == "12345");
        Assert.Equal(fixture.ChainId, (ulong)after["chainId"]!);
        Assert.Equal(watched.ToChecksumString(), (string?)after["address"]);
        Assert.True((ulong)after["blockNumber"]! >= tokenBlock);
        Assert.Equal(value.ToString(), (string?)after["native"]);
        Assert.Equal(fixture.TokenA.ToChecksumString(), (string?)after["tokens"]![0]!["token"]);
        Assert.Equal("12345", (string?)after["tokens"]![0]!["balance"]);

        // One event per change, no more.
        var events = (await fixture.BalanceEventsAsync()).Where(e => (string?)e.Data["address"] == watched.ToChecksumString()).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.False(e.Event.Removed));
        Assert.All(events, e => Assert.Equal(fixture.ChainId, e.Event.ChainId));
    }

    [Fact]
    public async Task Custodied_accounts_are_followed_without_a_watch()
    {
        await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        var account = await GetBalancesAsync(fixture.Custodied[0]);
        var onChain = UInt256.Parse((string)(await fixture.Anvil.RequestAsync("eth_getBalance", fixture.Custodied[0].ToLowerHex(), "0x" + ((ulong)account["blockNumber"]!).ToString("x", System.Globalization.CultureInfo.InvariantCulture)))!);
        Assert.Equal(onChain.ToString(), (string?)account["native"]);
        Assert.Empty(account["tokens"]!.AsArray());
    }

    [Fact]
    public async Task A_token_that_is_not_an_erc20_fails_alone()
    {
        var watched = BalanceFixture.NewAddress();
        var notAContract = BalanceFixture.NewAddress();

        // The Multicall itself has no balanceOf (reverts); a plain address answers with no data at all.
        var tokens = new[] { fixture.TokenA.ToLowerHex(), Multicall3.Address.ToLowerHex(), notAContract.ToLowerHex(), fixture.TokenB.ToLowerHex() };
        Assert.Equal(201, (await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = watched.ToLowerHex(), tokens })).Status);
        await fixture.Anvil.RequestAsync("anvil_setBalance", watched.ToLowerHex(), "0x2a");
        await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenB, TestTokenMint(watched, new UInt256(77)));
        var report = await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        Assert.True(report.Failed >= 2, $"expected the two bogus tokens to fail: {report}");

        var balances = await GetBalancesAsync(watched);
        Assert.Equal("42", (string?)balances["native"]);
        var byToken = balances["tokens"]!.AsArray().ToDictionary(t => Address.Parse((string)t!["token"]!), t => (string?)t!["balance"]);
        Assert.Equal(4, byToken.Count);
        Assert.Equal("0", byToken[fixture.TokenA]);
        Assert.Null(byToken[Multicall3.Address]);
        Assert.Null(byToken[notAContract]);
        Assert.Equal("77", byToken[fixture.TokenB]);
    }

    [Fact]
    public async Task An_unwatched_address_is_no_longer_followed()
    {
        var watched = BalanceFixture.NewAddress();
        Assert.Equal(201, (await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = watched.ToLowerHex() })).Status);
        var notReady = await Node.SendAsync(HttpMethod.Get, $"v1/balances/{fixture.ChainId}/{watched.ToLowerHex()}");
        Assert.Equal(404, notReady.Status);
        Assert.Equal("balance_not_ready", (string?)notReady.Body!["code"]);

        await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        Assert.Equal("0", (string?)(await GetBalancesAsync(watched))["native"]);

        Assert.Equal(204, (await Node.SendAsync(HttpMethod.Delete, $"v1/watches/{fixture.ChainId}/{watched.ToLowerHex()}")).Status);
        var gone = await Node.SendAsync(HttpMethod.Get, $"v1/balances/{fixture.ChainId}/{watched.ToLowerHex()}");
        Assert.Equal(404, gone.Status);
        Assert.Equal("address_not_followed", (string?)gone.Body!["code"]);
    }

    [Fact]
    public async Task The_snapshot_survives_a_restart_and_a_change_made_meanwhile_is_one_event()
    {
        var watched = BalanceFixture.NewAddress();
        Assert.Equal(201, (await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = watched.ToLowerHex() })).Status);
        await fixture.Anvil.RequestAsync("anvil_setBalance", watched.ToLowerHex(), "0x64");
        await fixture.WaitForRefreshAsync(await fixture.MineAsync());
        Assert.Equal("100", (string?)(await GetBalancesAsync(watched))["native"]);
        var eventsBefore = (await fixture.BalanceEventsAsync()).Count;

        ulong changedAt = 0;
        await fixture.RestartAsync(async () =>
        {
            await fixture.Anvil.RequestAsync("anvil_setBalance", watched.ToLowerHex(), "0xc8");
            changedAt = await fixture.MineAsync();
        });

        // The snapshot is loaded, not rebuilt: the one change is an event, nothing else is (no new baseline events).
        var data = await WaitForEventAsync(watched, token: null);
        Assert.Equal("100", (string?)data["old"]);
        Assert.Equal("200", (string?)data["new"]);
        Assert.Equal(changedAt, (ulong)data["blockNumber"]!);
        Assert.Equal(eventsBefore + 1, (await fixture.BalanceEventsAsync()).Count);
        await WaitForBalancesAsync(watched, b => (string?)b["native"] == "200");
    }

    private static byte[] TestTokenMint(Address to, UInt256 amount) => AbiFunction.Parse("mint(address,uint256)").Encode(to, amount);

    private async Task<JsonNode> GetBalancesAsync(Address address)
    {
        var (status, body) = await Node.SendAsync(HttpMethod.Get, $"v1/balances/{fixture.ChainId}/{address.ToChecksumString()}");
        Assert.True(status == 200, $"GET /v1/balances/{fixture.ChainId}/{address}: {status} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>
    /// GET /v1/balances until <paramref name="condition"/> holds (deadline 30 s). The grain appends an event before it
    /// writes the snapshot (so a crash between them repeats the event instead of losing it), so an event can be visible
    /// a moment before the snapshot that contains its change.
    /// </summary>
    private async Task<JsonNode> WaitForBalancesAsync(Address address, Func<JsonNode, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var balances = await GetBalancesAsync(address);
            if (condition(balances))
            {
                return balances;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"GET /v1/balances of {address} did not reach the expected state within 30 s: {balances.ToJsonString()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The data of the balance.changed event of (address, token), waiting for it with a deadline.</summary>
    private async Task<JsonNode> WaitForEventAsync(Address address, Address? token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = (await fixture.BalanceEventsAsync())
                .Where(e => (string?)e.Data["address"] == address.ToChecksumString() && (string?)e.Data["token"] == token?.ToChecksumString())
                .ToList();
            if (found.Count > 0)
            {
                return found.Single().Data;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No balance.changed for {address} token {token?.ToString() ?? "native"} within 30 s.");
            }

            await Task.Delay(20);
        }
    }
}

[Collection(SqliteBalanceCollection.Name)]
public sealed class SqliteBalanceFollowingTests(SqliteBalanceFixture fixture) : BalanceFollowingTests<SqliteBalanceFixture>(fixture);

[Collection(PostgresBalanceCollection.Name)]
public sealed class PostgresBalanceFollowingTests(PostgresBalanceFixture fixture) : BalanceFollowingTests<PostgresBalanceFixture>(fixture);
