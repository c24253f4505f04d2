using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Dashboard.Tests.Infrastructure;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Dashboard.Tests;

/// <summary>The snapshot's contents against what the silo and the chain report through their own interfaces.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SnapshotContentTests(DashboardFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_snapshot_lists_the_account_grain_type_and_every_custodied_account_on_every_chain()
    {
        var snapshot = await GetSnapshotAsync();

        // The snapshot reads every account through its grain before it reads the runtime, so the type is there.
        var grainTypes = snapshot["runtime"]!["grainTypes"]!.AsArray();
        var accountGrain = grainTypes.Single(t => (string?)t!["grainType"] == "AccountGrain")!;
        Assert.True((int)accountGrain["activations"]! >= DashboardFixture.AccountCount, accountGrain.ToJsonString());
        Assert.True((long)accountGrain["calls"]! >= DashboardFixture.AccountCount, accountGrain.ToJsonString());
        Assert.True((double)accountGrain["meanLatencyMs"]! > 0 && (double)accountGrain["p99LatencyMs"]! > 0, accountGrain.ToJsonString());

        // One row per chain × custodied address, matching GET /v1/accounts (field for field where nothing is in flight).
        var rows = snapshot["accounts"]!.AsArray();
        var listed = (await GetJsonAsync("v1/accounts"))["items"]!.AsArray();
        Assert.Equal(fixture.Accounts.Count, rows.Count);
        Assert.Equal(
            fixture.Accounts.Select(a => a.ToChecksumString()).Order(StringComparer.Ordinal),
            rows.Select(r => (string)r!["address"]!).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var account = listed.Single(a => (string?)a!["address"] == (string?)row!["address"])!;
            Assert.Equal(fixture.Anvil.ChainId, (ulong)row!["chainId"]!);
            Assert.Equal("anvil", (string?)row["chainName"]);
            Assert.Equal((ulong)account["nextNonce"]!, (ulong)row["nextNonce"]!);
            var settled = (int)row["pending"]! + (int)row["queued"]! + (int)account["pending"]! + (int)account["queued"]! == 0;
            foreach (var field in settled ? new[] { "confirmedNonce", "pending", "queued", "feeBumps", "balance" } : [])
            {
                Assert.Equal(account[field]?.ToJsonString(), row[field]?.ToJsonString());
            }
        }

        Assert.False((bool)snapshot["accountsTruncated"]!);
    }

    [Fact]
    public async Task The_chain_row_shows_the_node_head_and_endpoint_origin_only()
    {
        var before = await BlockNumberAsync();
        var snapshot = await GetSnapshotAsync();
        var after = await BlockNumberAsync();

        var chain = snapshot["chains"]!.AsArray().Single()!;
        Assert.Null((string?)chain["error"]);
        var head = (ulong)chain["headBlock"]!;
        // The head is cached for about a second, so it may trail the node by a block.
        Assert.InRange(head, Math.Max(before, 1) - 1, after);
        Assert.True(UInt256.Parse((string)chain["baseFeePerGas"]!) > UInt256.Zero);
        var endpoint = Assert.Single(chain["rpcEndpoints"]!.AsArray());
        Assert.Equal(fixture.Anvil.RpcUrl.GetLeftPart(UriPartial.Authority), (string?)endpoint);
    }

    [Theory]
    [InlineData("https://mainnet.example.org/v3/SECRETTOKEN")]
    [InlineData("https://user:SECRETTOKEN@rpc.example.org:8545/")]
    [InlineData("https://rpc.example.org/?apikey=SECRETTOKEN")]
    [InlineData("wss://rpc.example.org/ws/SECRETTOKEN#SECRETTOKEN")]
    public void Endpoint_origins_never_carry_paths_queries_or_credentials(string url)
    {
        var shown = Api.Dashboard.DashboardSnapshotService.EndpointOrigin(url);

        Assert.DoesNotContain("SECRETTOKEN", shown, StringComparison.Ordinal);
        var uri = new Uri(url);
        Assert.StartsWith($"{uri.Scheme}://{uri.Host}", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recent_transactions_come_newest_first_with_status_and_attempts()
    {
        var from = fixture.TakeAccounts(1)[0];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await fixture.Node.Http.PostAsync("v1/transactions", Json(new JsonObject
            {
                ["chainId"] = fixture.Anvil.ChainId,
                ["from"] = from.ToChecksumString(),
                ["to"] = from.ToChecksumString(),
                ["value"] = "1",
            }), Ct);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.True((int)response.StatusCode == 202, body.ToJsonString());
            ids.Add((string)body["id"]!);
        }

        // Several pages share a snapshot for a fraction of a second, so the sends show up in the next one.
        List<JsonNode> shown = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (shown.Count < ids.Count && DateTime.UtcNow < deadline)
        {
            var snapshot = await GetSnapshotAsync();
            shown = [.. snapshot["transactions"]!.AsArray().Where(t => (string?)t!["from"] == from.ToChecksumString()).Select(t => t!)];
            if (shown.Count < ids.Count)
            {
                await Task.Delay(100, Ct);
            }
        }

        Assert.Equal(Enumerable.Reverse(ids), shown.Select(t => (string)t["id"]!));
        foreach (var tx in shown)
        {
            var resource = await GetJsonAsync($"v1/transactions/{(string)tx["id"]!}");
            Assert.Equal((ulong)resource["nonce"]!, (ulong)tx["nonce"]!);
            Assert.True((int)tx["attempts"]! >= 1, tx.ToJsonString());
            Assert.Contains((string)tx["status"]!, new[] { "queued", "submitted", "mined", "confirmed" });
        }
    }

    private async Task<JsonNode> GetSnapshotAsync() => await GetJsonAsync("dashboard/api/snapshot");

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await fixture.Node.Http.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
    }

    private async Task<ulong> BlockNumberAsync()
    {
        var hex = (string)(await fixture.Anvil.RequestAsync("eth_blockNumber"))!;
        return ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
