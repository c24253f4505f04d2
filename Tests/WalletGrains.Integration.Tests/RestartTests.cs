using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>A chain that mines only when the test says so, so transactions are still pending at a restart.</summary>
public abstract class ManualMiningFixture : ServiceFixture
{
    protected override AnvilOptions AnvilOptions => new() { NoMining = true };
}

public sealed class SqliteManualMiningFixture : ManualMiningFixture
{
    protected override StorageKind Kind => StorageKind.Sqlite;
}

public sealed class PostgresManualMiningFixture : ManualMiningFixture
{
    protected override StorageKind Kind => StorageKind.Postgres;
}

/// <summary>Stop and start the silo on the same storage with transactions pending and queued.</summary>
public abstract class RestartTests<TFixture>(TFixture fixture) where TFixture : ManualMiningFixture
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ulong> ChainNonceAsync(Address address, string block)
    {
        var result = await fixture.Anvil.RequestAsync("eth_getTransactionCount", address.ToLowerHex(), block);
        return ulong.Parse(((string)result!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Pending_and_queued_transactions_all_confirm_after_a_restart_and_none_is_sent_twice()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var baseNonce = await ChainNonceAsync(from, "latest");
        var body = new JsonObject { ["chainId"] = 31337, ["from"] = from.ToChecksumString(), ["to"] = to.ToChecksumString(), ["value"] = "5" };

        // 80 sends with 64 in flight: 64 broadcast and pending, 16 queued, none mined.
        var responses = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => fixture.Node.SendAsync(body.DeepClone(), ct: Ct)));
        Assert.All(responses, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));
        Assert.Equal(16, responses.Count(r => (string)r.Body!["status"]! == "queued"));
        var ids = responses.Select(r => (string)r.Body!["id"]!).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ChainNonceAsync(from, "pending") < baseNonce + 64)
        {
            Assert.True(DateTime.UtcNow < deadline, "the node never saw the 64 broadcast transactions");
            await Task.Delay(100, Ct);
        }

        Assert.Equal(baseNonce, await ChainNonceAsync(from, "latest"));

        await fixture.RestartAsync();

        // Mine until every transaction ended; the restarted silo promotes the queued ones as slots free.
        var until = DateTime.UtcNow.AddSeconds(60);
        List<JsonNode> final;
        while (true)
        {
            await fixture.Anvil.RequestAsync("evm_mine");
            var current = await Task.WhenAll(ids.Select(id => fixture.Node.GetJsonAsync($"v1/transactions/{id}", Ct)));
            if (current.All(t => (string)t["status"]! is "confirmed" or "failed" or "cancelled"))
            {
                final = [.. current];
                break;
            }

            Assert.True(DateTime.UtcNow < until, $"not all confirmed: {string.Join(",", current.Select(t => (string)t["status"]!).Distinct())}");
            await Task.Delay(300, Ct);
        }

        Assert.All(final, t => Assert.Equal("confirmed", (string)t["status"]!));
        Assert.All(final, t => Assert.Single(t["attempts"]!.AsArray()));
        Assert.Equal(80, final.Select(t => (ulong)t["nonce"]!).Distinct().Count());

        // Exactly 80 transactions of this account reached the chain, and nothing is left in the pool.
        await fixture.Anvil.RequestAsync("evm_mine");
        Assert.Equal(baseNonce + 80, await ChainNonceAsync(from, "latest"));
        Assert.Equal(baseNonce + 80, await ChainNonceAsync(from, "pending"));
    }
}

public sealed class SqliteRestartTests(SqliteManualMiningFixture fixture)
    : RestartTests<SqliteManualMiningFixture>(fixture), IClassFixture<SqliteManualMiningFixture>;

public sealed class PostgresRestartTests(PostgresManualMiningFixture fixture)
    : RestartTests<PostgresManualMiningFixture>(fixture), IClassFixture<PostgresManualMiningFixture>;
