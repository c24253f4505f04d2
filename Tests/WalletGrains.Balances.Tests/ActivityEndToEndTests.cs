using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests;

/// <summary>
/// Issue 6 end to end, in the real silo with every part running together: a watch made through POST /v1/watches is
/// followed by the event monitor and the balance grain alike; a native transfer, an ERC-20 transfer and an approval
/// reach GET /v1/events (one event each, fields equal to the receipts) and balance.changed follows for both assets;
/// the SSE stream, resumed with Last-Event-ID, delivers the same events in the same order.
/// </summary>
public abstract class ActivityEndToEndTests<TFixture>(TFixture fixture) where TFixture : BalanceFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private BalanceNode Node => fixture.Node;

    [Fact]
    public async Task A_watch_made_through_the_api_yields_transfer_approval_and_balance_events_in_the_log_and_the_stream()
    {
        var watched = BalanceFixture.NewAddress();
        var start = await LastEventIdAsync();
        var (status, _) = await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = watched.ToLowerHex(), tokens = new[] { fixture.TokenA.ToLowerHex() } });
        Assert.Equal(201, status);
        await fixture.WaitForRefreshAsync(await fixture.MineAsync());

        var funder = Address.Parse(fixture.Funder.Address);
        var value = new UInt256(2_000_000_000_000_000_000UL);
        var native = await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, watched, [], value);
        await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenA, AbiFunction.Parse("mint(address,uint256)").Encode(funder, new UInt256(1_000_000)));
        var transfer = await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenA, Erc20.EncodeTransfer(watched, new UInt256(4_321)));
        var approval = await Contracts.SendAsync(fixture.Anvil, fixture.Funder.PrivateKey, fixture.TokenA, Erc20.EncodeApprove(watched, new UInt256(999)));

        // Mine on until every expected event is in the log (the monitor waits for the block's confirmation, the
        // balance grain for the next head).
        var events = await WaitForEventsAsync(start, all =>
            Mine(all, "transfer.incoming", watched).Count == 2
            && Mine(all, "approval", watched).Count == 1
            && Mine(all, "balance.changed", watched).Count == 2);

        var incoming = Mine(events, "transfer.incoming", watched);
        var nativeEvent = Assert.Single(incoming, e => e["data"]!["token"] is null);
        AssertMatchesReceipt(nativeEvent, native);
        Assert.Null(nativeEvent["data"]!["logIndex"]);
        Assert.Equal(funder.ToChecksumString(), (string?)nativeEvent["data"]!["from"]);
        Assert.Equal(value.ToString(), (string?)nativeEvent["data"]!["value"]);

        var tokenEvent = Assert.Single(incoming, e => e["data"]!["token"] is not null);
        AssertMatchesReceipt(tokenEvent, transfer);
        Assert.Equal(fixture.TokenA.ToChecksumString(), (string?)tokenEvent["data"]!["token"]);
        Assert.Equal("4321", (string?)tokenEvent["data"]!["value"]);
        Assert.NotNull(tokenEvent["data"]!["logIndex"]);

        var approvalEvent = Assert.Single(Mine(events, "approval", watched));
        AssertMatchesReceipt(approvalEvent, approval);
        Assert.Equal(funder.ToChecksumString(), (string?)approvalEvent["data"]!["owner"]);
        Assert.Equal(watched.ToChecksumString(), (string?)approvalEvent["data"]!["spender"]);
        Assert.Equal("999", (string?)approvalEvent["data"]!["value"]);

        var balanceEvents = Mine(events, "balance.changed", watched);
        Assert.Contains(balanceEvents, e => e["data"]!["token"] is null && (string?)e["data"]!["new"] == value.ToString());
        Assert.Contains(balanceEvents, e => (string?)e["data"]!["token"] == fixture.TokenA.ToChecksumString() && (string?)e["data"]!["new"] == "4321");
        Assert.All(events, e => Assert.False((bool)e["removed"]!));

        // The stream, resumed after the same id, gives the same events in the same order, byte for byte the same data.
        var streamed = await ReadStreamAsync(start, (long)events[^1]["id"]!);
        Assert.Equal(events.Select(e => (long)e["id"]!), streamed.Select(e => (long)e["id"]!));
        Assert.Equal(events.Select(e => e.ToJsonString()), streamed.Select(e => e.ToJsonString()));
    }

    private static List<JsonNode> Mine(IEnumerable<JsonNode> events, string type, Address watched) =>
        [.. events.Where(e => (string?)e["type"] == type && References(e["data"]!, watched))];

    private static bool References(JsonNode data, Address watched) =>
        new[] { "to", "from", "address", "owner", "spender" }.Any(f => (string?)data[f] == watched.ToChecksumString());

    private static void AssertMatchesReceipt(JsonNode walletEvent, JsonObject receipt)
    {
        var data = walletEvent["data"]!;
        Assert.Equal((string?)receipt["transactionHash"], (string?)data["txHash"]);
        Assert.Equal((string?)receipt["blockHash"], (string?)data["blockHash"]);
        Assert.Equal(Contracts.ParseQuantity(receipt["blockNumber"]), (ulong)data["blockNumber"]!);
    }

    private async Task<long> LastEventIdAsync()
    {
        var after = 0L;
        while (true)
        {
            var page = await GetPageAsync(after);
            var next = (long)page["next"]!;
            if (next == after)
            {
                return after;
            }

            after = next;
        }
    }

    private async Task<JsonNode> GetPageAsync(long after)
    {
        var (status, body) = await Node.SendAsync(HttpMethod.Get, $"v1/events?after={after.ToString(CultureInfo.InvariantCulture)}&limit=1000");
        Assert.True(status == 200, $"GET /v1/events: {status} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Every event after <paramref name="after"/> through GET /v1/events, until <paramref name="done"/> holds (deadline).</summary>
    private async Task<List<JsonNode>> WaitForEventsAsync(long after, Func<List<JsonNode>, bool> done)
    {
        var until = DateTime.UtcNow + Deadline;
        var all = new List<JsonNode>();
        var cursor = after;
        while (true)
        {
            var page = await GetPageAsync(cursor);
            all.AddRange(page["items"]!.AsArray().Select(e => e!.DeepClone()));
            cursor = (long)page["next"]!;
            if (done(all))
            {
                return all;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The expected events did not arrive within {Deadline.TotalSeconds} s; got: {string.Join(", ", all.Select(e => (string?)e["type"]))}");
            }

            await fixture.MineAsync();
            await Task.Delay(50);
        }
    }

    /// <summary>GET /v1/events/stream with Last-Event-ID = <paramref name="after"/>, read until the event with id <paramref name="lastId"/>.</summary>
    private async Task<List<JsonNode>> ReadStreamAsync(long after, long lastId)
    {
        using var cancel = new CancellationTokenSource(Deadline);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events/stream");
        request.Headers.Add("Last-Event-ID", after.ToString(CultureInfo.InvariantCulture));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token), Encoding.UTF8);
        var events = new List<JsonNode>();
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart());
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                var walletEvent = JsonNode.Parse(data.ToString())!;
                data.Clear();
                events.Add(walletEvent);
                if ((long)walletEvent["id"]! >= lastId)
                {
                    return events;
                }
            }
        }

        throw new InvalidOperationException($"The stream ended before event {lastId}.");
    }
}

[Collection(SqliteBalanceCollection.Name)]
public sealed class SqliteActivityEndToEndTests(SqliteBalanceFixture fixture) : ActivityEndToEndTests<SqliteBalanceFixture>(fixture);

[Collection(PostgresBalanceCollection.Name)]
public sealed class PostgresActivityEndToEndTests(PostgresBalanceFixture fixture) : ActivityEndToEndTests<PostgresBalanceFixture>(fixture);
