using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Balances.Tests;

/// <summary>
/// /v1/watches and the 404s of /v1/balances through the real host: create, replace, list, read and delete watches,
/// every kind of bad input refused with its stable code and nothing written, roles enforced.
/// </summary>
public abstract class WatchesApiTests<TFixture>(TFixture fixture) where TFixture : BalanceFixture
{
    private BalanceNode Node => fixture.Node;

    private IWatchStore Store => Node.Services.GetRequiredService<IWatchStore>();

    [Fact]
    public async Task Watch_is_created_replaced_listed_read_and_deleted()
    {
        var address = BalanceFixture.NewAddress();
        var created = await Node.SendAsync(HttpMethod.Post, "v1/watches", new { chainId = fixture.ChainId, address = address.ToLowerHex(), tokens = new[] { fixture.TokenA.ToLowerHex() } });
        Assert.Equal(201, created.Status);
        Assert.Equal(address.ToChecksumString(), (string?)created.Body!["address"]);
        Assert.Equal(fixture.ChainId, (ulong)created.Body["chainId"]!);
        Assert.Equal([fixture.TokenA.ToChecksumString()], created.Body["tokens"]!.AsArray().Select(t => (string?)t));
        var createdAt = (string?)created.Body["createdAt"];

        // Again, mixed case with a valid checksum, with another token list: replaced, same createdAt.
        var replaced = await Node.SendAsync(HttpMethod.Post, "v1/watches", new
        {
            chainId = fixture.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            address = address.ToChecksumString(),
            tokens = new[] { fixture.TokenB.ToChecksumString(), fixture.TokenA.ToLowerHex(), fixture.TokenB.ToLowerHex() },
        });
        Assert.Equal(200, replaced.Status);
        Assert.Equal([fixture.TokenB.ToChecksumString(), fixture.TokenA.ToChecksumString()], replaced.Body!["tokens"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(createdAt, (string?)replaced.Body["createdAt"]);

        var one = await Node.SendAsync(HttpMethod.Get, $"v1/watches/{fixture.ChainId}/{address.ToLowerHex()}");
        Assert.Equal(200, one.Status);
        Assert.Equal(replaced.Body.ToJsonString(), one.Body!.ToJsonString());

        var list = await Node.SendAsync(HttpMethod.Get, $"v1/watches?chainId={fixture.ChainId}");
        Assert.Equal(200, list.Status);
        var items = list.Body!["items"]!.AsArray();
        Assert.Contains(items, i => (string?)i!["address"] == address.ToChecksumString());
        var lower = items.Select(i => Address.Parse((string)i!["address"]!).ToLowerHex()).ToList();
        Assert.Equal(lower.Order(StringComparer.Ordinal), lower);

        var deleted = await Node.SendAsync(HttpMethod.Delete, $"v1/watches/{fixture.ChainId}/{address.ToChecksumString()}");
        Assert.Equal(204, deleted.Status);
        Assert.Null(await Store.GetAsync(fixture.ChainId, address, TestContext.Current.CancellationToken));

        var again = await Node.SendAsync(HttpMethod.Delete, $"v1/watches/{fixture.ChainId}/{address.ToLowerHex()}");
        Assert.Equal(404, again.Status);
        Assert.Equal("not_found", (string?)again.Body!["code"]);
        Assert.Equal(404, (await Node.SendAsync(HttpMethod.Get, $"v1/watches/{fixture.ChainId}/{address.ToLowerHex()}")).Status);
    }

    public static TheoryData<string, string, int, string> BadBodies()
    {
        var good = "0x52908400098527886e0f7030069857d2e4169ee7";
        var badChecksum = "0x52908400098527886E0F7030069857D2E4169Ee7";
        var data = new TheoryData<string, string, int, string>
        {
            { "wrong EIP-55 checksum", $$"""{"chainId":31337,"address":"{{badChecksum}}"}""", 400, "invalid_address" },
            { "short address", """{"chainId":31337,"address":"0x1234"}""", 400, "invalid_address" },
            { "address not a string", """{"chainId":31337,"address":12}""", 400, "invalid_address" },
            { "token with a wrong checksum", $$"""{"chainId":31337,"address":"{{good}}","tokens":["{{badChecksum}}"]}""", 400, "invalid_address" },
            { "zero address as token", $$"""{"chainId":31337,"address":"{{good}}","tokens":["0x0000000000000000000000000000000000000000"]}""", 400, "invalid_address" },
            { "unknown chain", $$"""{"chainId":999999,"address":"{{good}}"}""", 400, "unknown_chain" },
            { "chainId missing", $$"""{"address":"{{good}}"}""", 400, "invalid_request" },
            { "chainId negative", $$"""{"chainId":-1,"address":"{{good}}"}""", 400, "invalid_request" },
            { "address missing", """{"chainId":31337}""", 400, "invalid_request" },
            { "unknown property", $$"""{"chainId":31337,"address":"{{good}}","token":[]}""", 400, "invalid_request" },
            { "tokens not an array", $$"""{"chainId":31337,"address":"{{good}}","tokens":"{{good}}"}""", 400, "invalid_request" },
            { "duplicate property", $$"""{"chainId":31337,"address":"{{good}}","address":"{{good}}"}""", 400, "invalid_request" },
            { "not JSON", "{chainId:", 400, "invalid_request" },
            { "not an object", "[]", 400, "invalid_request" },
        };
        var tokens = string.Join(",", Enumerable.Range(1, 51).Select(i => $"\"0x{i:x40}\""));
        data.Add("51 tokens", $$"""{"chainId":31337,"address":"{{good}}","tokens":[{{tokens}}]}""", 400, "too_many_tokens");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_refused_with_its_code_and_writes_nothing(string why, string body, int status, string code)
    {
        var before = await StoredAsync();
        var (got, problem) = await Node.SendAsync(HttpMethod.Post, "v1/watches", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(got == status, $"{why}: {got} {problem?.ToJsonString()}");
        Assert.Equal(code, (string?)problem!["code"]);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Wrong_content_type_is_415_and_writes_nothing()
    {
        var before = await StoredAsync();
        var (status, problem) = await Node.SendAsync(HttpMethod.Post, "v1/watches", new StringContent($$"""{"chainId":{{fixture.ChainId}},"address":"{{BalanceFixture.NewAddress().ToLowerHex()}}"}""", Encoding.UTF8, "text/plain"));
        Assert.Equal(415, status);
        Assert.Equal("invalid_request", (string?)problem!["code"]);
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData("v1/watches?chainId=abc", 400, "invalid_request")]
    [InlineData("v1/watches/31337/0x1234", 400, "invalid_address")]
    [InlineData("v1/watches/x/0x52908400098527886e0f7030069857d2e4169ee7", 400, "invalid_request")]
    [InlineData("v1/balances/31337/0x52908400098527886E0F7030069857D2E4169Ee7", 400, "invalid_address")]
    [InlineData("v1/balances/999999/0x52908400098527886e0f7030069857d2e4169ee7", 404, "unknown_chain")]
    [InlineData("v1/balances/31337/0x52908400098527886e0f7030069857d2e4169ee7", 404, "address_not_followed")]
    public async Task Bad_routes_and_queries_have_their_codes(string path, int status, string code)
    {
        var (got, problem) = await Node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(status, got);
        Assert.Equal(code, (string?)problem!["code"]);
    }

    [Fact]
    public async Task A_reader_reads_but_cannot_change_watches_and_a_sender_can()
    {
        var reader = await CreateKeyAsync(new { role = "reader" });
        var sender = await CreateKeyAsync(new { role = "sender", allowedFrom = new[] { fixture.Custodied[0].ToLowerHex() } });
        var address = BalanceFixture.NewAddress();
        var body = new { chainId = fixture.ChainId, address = address.ToLowerHex() };

        var refused = await Node.SendAsync(HttpMethod.Post, "v1/watches", body, reader);
        Assert.Equal(403, refused.Status);
        Assert.Null(await Store.GetAsync(fixture.ChainId, address, TestContext.Current.CancellationToken));
        Assert.Equal(200, (await Node.SendAsync(HttpMethod.Get, "v1/watches", apiKey: reader)).Status);

        Assert.Equal(201, (await Node.SendAsync(HttpMethod.Post, "v1/watches", body, sender)).Status);
        Assert.Equal(403, (await Node.SendAsync(HttpMethod.Delete, $"v1/watches/{fixture.ChainId}/{address.ToLowerHex()}", apiKey: reader)).Status);
        Assert.Equal(204, (await Node.SendAsync(HttpMethod.Delete, $"v1/watches/{fixture.ChainId}/{address.ToLowerHex()}", apiKey: sender)).Status);
        Assert.Equal(401, (await Node.SendAsync(HttpMethod.Get, "v1/watches", apiKey: "wg_not_a_key_at_all_0123456789")).Status);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_watch_and_balance_routes()
    {
        var (status, doc) = await Node.SendAsync(HttpMethod.Get, "openapi/v1.json");
        Assert.Equal(200, status);
        var expected = new (string Path, string Method, string Name, string Success)[]
        {
            ("/v1/watches", "post", "UpsertWatch", "201"),
            ("/v1/watches", "get", "ListWatches", "200"),
            ("/v1/watches/{chainId}/{address}", "get", "GetWatch", "200"),
            ("/v1/watches/{chainId}/{address}", "delete", "DeleteWatch", "204"),
            ("/v1/balances/{chainId}/{address}", "get", "GetBalances", "200"),
        };
        foreach (var (path, method, name, success) in expected)
        {
            var operation = doc!["paths"]![path]?[method];
            Assert.True(operation is not null, $"{method} {path} missing");
            Assert.Equal(name, (string?)operation["operationId"]);
            Assert.False(string.IsNullOrEmpty((string?)operation["summary"]));
            Assert.NotEmpty(operation["tags"]!.AsArray());
            Assert.Contains(operation["security"]!.AsArray(), s => s!.AsObject().ContainsKey("ApiKey"));
            var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.Contains(success, responses);
            Assert.Contains("401", responses);
            Assert.Contains("400", responses);
        }

        Assert.NotNull(doc!["paths"]!["/v1/watches"]!["post"]!["requestBody"]!["content"]!["application/json"]);
    }

    /// <summary>Every stored watch as text (records holding arrays compare by reference).</summary>
    private async Task<List<string>> StoredAsync() =>
        [.. (await Store.ListAsync(null)).Select(w => $"{w.ChainId}/{w.Address.ToLowerHex()}/{string.Join(',', w.Tokens.Select(t => t.ToLowerHex()))}/{w.CreatedAt.ToUnixTimeMilliseconds()}")];

    private async Task<string> CreateKeyAsync(object body)
    {
        var (status, created) = await Node.SendAsync(HttpMethod.Post, "v1/api-keys", body);
        Assert.Equal(201, status);
        return (string)created!["key"]!;
    }
}

[Collection(SqliteBalanceCollection.Name)]
public sealed class SqliteWatchesApiTests(SqliteBalanceFixture fixture) : WatchesApiTests<SqliteBalanceFixture>(fixture);

[Collection(PostgresBalanceCollection.Name)]
public sealed class PostgresWatchesApiTests(PostgresBalanceFixture fixture) : WatchesApiTests<PostgresBalanceFixture>(fixture);
