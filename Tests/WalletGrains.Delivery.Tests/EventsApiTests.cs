using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Grains;

namespace WalletGrains.Delivery.Tests;

/// <summary><c>GET /v1/events</c>: paging with after/limit/next, the types filter, and refused parameters.</summary>
public sealed class EventsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Pages_walk_the_log_in_id_order_with_next(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage);
        var appended = await host.Store.AppendEventsAsync(TestEvents.Mix(25), Ct);
        var reader = host.Client(await host.AddKeyAsync("reader"));

        var seen = new List<long>();
        var after = 0L;
        var sizes = new List<int>();
        while (true)
        {
            var page = JsonNode.Parse(await reader.GetStringAsync($"v1/events?after={after}&limit=10", Ct))!;
            var items = page["items"]!.AsArray();
            sizes.Add(items.Count);
            var next = (long)page["next"]!;
            if (items.Count == 0)
            {
                Assert.Equal(after, next);
                break;
            }

            Assert.Equal((long)items[^1]!["id"]!, next);
            foreach (var item in items)
            {
                var id = (long)item!["id"]!;
                var stored = appended.Single(e => e.Id == id);
                Assert.Equal(stored.Type, (string)item["type"]!);
                Assert.Equal(stored.ChainId, (ulong)item["chainId"]!);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.Data), item["data"]));
                seen.Add(id);
            }

            after = next;
        }

        Assert.Equal([10, 10, 5, 0], sizes);
        Assert.Equal(appended.Select(e => e.Id), seen);

        // The default page is 100 and starts at the beginning.
        var all = JsonNode.Parse(await reader.GetStringAsync("v1/events", Ct))!;
        Assert.Equal(25, all["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Types_filter_returns_matching_events_and_next_passes_the_rest()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        var appended = await host.Store.AppendEventsAsync([.. TestEvents.Mix(12), TestEvents.Approval(), TestEvents.Approval()], Ct);
        var wanted = appended.Where(e => e.Type.StartsWith("transaction.", StringComparison.Ordinal) || e.Type == WalletEventTypes.BalanceChanged).ToList();

        foreach (var query in new[] { "types=transaction.*,balance.changed", "types=transaction.*&types=balance.changed" })
        {
            var page = JsonNode.Parse(await host.Http.GetStringAsync($"v1/events?{query}&limit=1000", Ct))!;
            Assert.Equal(wanted.Select(e => e.Id), page["items"]!.AsArray().Select(i => (long)i!["id"]!));
            Assert.Equal(appended[^1].Id, (long)page["next"]!);
        }

        var limited = JsonNode.Parse(await host.Http.GetStringAsync("v1/events?types=balance.changed&limit=2", Ct))!;
        var balances = appended.Where(e => e.Type == WalletEventTypes.BalanceChanged).ToList();
        Assert.Equal(balances.Take(2).Select(e => e.Id), limited["items"]!.AsArray().Select(i => (long)i!["id"]!));
        Assert.Equal(balances[1].Id, (long)limited["next"]!);
    }

    [Fact]
    public async Task Bad_parameters_are_refused_with_invalid_request()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        foreach (var query in new[] { "after=-1", "after=abc", "after=1.5", "limit=0", "limit=1001", "limit=x", "types=transaction.confirm", "types=", "types=foo.*" })
        {
            using var response = await host.Http.GetAsync($"v1/events?{query}", Ct);
            await WebhookDeliveryTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request", query);
        }

        using var anonymous = await host.Client(null).GetAsync("v1/events", Ct);
        await WebhookDeliveryTests.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized", "no key");
        using var json = JsonDocument.Parse(await host.Http.GetStringAsync("v1/events?after=999", Ct));
        Assert.Equal(0, json.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(999, json.RootElement.GetProperty("next").GetInt64());
    }
}
