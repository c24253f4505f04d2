using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// The send path through the real REST API against a real anvil (one block a second) and a real
/// database: the product's two acceptance tests, queueing, idempotency and rejected input.
/// </summary>
public abstract class SendPathTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private static readonly string[] Terminal = ["confirmed", "failed", "cancelled"];

    private WalletNode Node => fixture.Node;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Transfer(Address from, Address to, string value = "1000", JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["chainId"] = 31337,
            ["from"] = from.ToChecksumString(),
            ["to"] = to.ToChecksumString(),
            ["value"] = value,
            ["data"] = "0x",
        };
        if (extra is { } more)
        {
            foreach (var (k, v) in more)
            {
                body[k] = v?.DeepClone();
            }
        }

        return body;
    }

    private async Task<ulong> ChainNonceAsync(Address address, string block = "latest")
    {
        var result = await fixture.Anvil.RequestAsync("eth_getTransactionCount", address.ToLowerHex(), block);
        return ulong.Parse(((string)result!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private async Task<SignedTransaction> OnChainAsync(string hash)
    {
        var raw = (string)(await fixture.Anvil.RequestAsync("eth_getRawTransactionByHash", hash))!;
        return TransactionDecoder.Decode(HexConvert.FromHex(raw));
    }

    [Fact]
    public async Task signed_tx_roundtrips()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = Address.FromPrivateKey(WalletGrains.Ethereum.Keys.PrivateKeyGenerator.Generate());
        JsonObject[] extras =
        [
            new(),
            new() { ["value"] = "0x2386f26fc10000", ["data"] = "0xdeadbeef", ["gasLimit"] = 60_000 },
            new() { ["value"] = "0", ["maxFeePerGas"] = "100000000000", ["maxPriorityFeePerGas"] = "1000000" },
            new() { ["data"] = "0x" + new string('a', 200), ["gasLimit"] = "100000" },
        ];
        var ids = new List<string>();
        foreach (var extra in extras)
        {
            var (status, body) = await Node.SendAsync(Transfer(from, to, extra: extra), ct: Ct);
            Assert.True(status == 202, body?.ToJsonString());
            ids.Add((string)body!["id"]!);
        }

        var done = await Node.WaitForStatusAsync(ids, TimeSpan.FromSeconds(60), Terminal);
        for (var i = 0; i < done.Count; i++)
        {
            var tx = done[i];
            Assert.Equal("confirmed", (string)tx["status"]!);
            var onChain = await OnChainAsync((string)tx["hash"]!);
            Assert.Equal(from, onChain.From);
            Assert.Equal(31337UL, onChain.Transaction.ChainId);
            Assert.Equal(to, onChain.Transaction.To);
            Assert.Equal((ulong)tx["nonce"]!, onChain.Transaction.Nonce);
            Assert.Equal((ulong)tx["gasLimit"]!, onChain.Transaction.GasLimit);
            Assert.Equal(UInt256.Parse(extras[i]["value"] is { } value ? (string)value! : "1000"), onChain.Transaction.Value);
            Assert.Equal((string?)extras[i]["data"] ?? "0x", HexConvert.ToHex(onChain.Transaction.Data.Span));
            if (extras[i]["gasLimit"] is { } gasLimit)
            {
                Assert.Equal(ulong.Parse(gasLimit.ToString(), CultureInfo.InvariantCulture), onChain.Transaction.GasLimit);
            }

            var eip1559 = Assert.IsType<Eip1559Transaction>(onChain.Transaction);
            var attempt = tx["attempts"]!.AsArray().Single()!;
            Assert.Equal(UInt256.Parse((string)attempt["maxFeePerGas"]!), eip1559.MaxFeePerGas);
            Assert.Equal(UInt256.Parse((string)attempt["maxPriorityFeePerGas"]!), eip1559.MaxPriorityFeePerGas);
            if (extras[i]["maxFeePerGas"] is { } cap)
            {
                Assert.True(eip1559.MaxFeePerGas <= UInt256.Parse((string)cap!));
                Assert.True(eip1559.MaxPriorityFeePerGas <= UInt256.Parse((string)extras[i]["maxPriorityFeePerGas"]!));
            }

            Assert.Equal((string)tx["hash"]!, onChain.HashHex);
            Assert.Equal("success", (string)tx["receipt"]!["status"]!);
        }
    }

    [Fact]
    public async Task no_nonce_gaps_under_concurrent_send()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var baseNonce = await ChainNonceAsync(from, "pending");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Node.SendAsync(Transfer(from, to), ct: Ct)));
        Assert.All(responses, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));
        var nonces = responses.Select(r => (ulong)r.Body!["nonce"]!).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => baseNonce + (ulong)i), nonces);

        var done = await Node.WaitForStatusAsync([.. responses.Select(r => (string)r.Body!["id"]!)], TimeSpan.FromSeconds(60), Terminal);
        Assert.All(done, tx => Assert.Equal("confirmed", (string)tx["status"]!));
        foreach (var tx in done)
        {
            var onChain = await OnChainAsync((string)tx["hash"]!);
            Assert.Equal(from, onChain.From);
            Assert.Equal((ulong)tx["nonce"]!, onChain.Transaction.Nonce);
        }

        Assert.Equal(baseNonce + 50, await ChainNonceAsync(from));

        // The operations view saw the same: /metrics counts the confirmations and the RPC traffic.
        var metrics = await Node.Http.GetStringAsync("metrics", Ct);
        var confirmed = metrics.Split('\n')
            .Where(l => l.StartsWith("wallet_transactions_total{", StringComparison.Ordinal) && l.Contains("status=\"confirmed\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        Assert.True(confirmed >= 50, metrics);
        Assert.Contains("wallet_rpc_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("grain_calls_total{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thousand_concurrent_sends_from_one_account_queue_behind_the_in_flight_limit()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var baseNonce = await ChainNonceAsync(from, "pending");

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Node.SendAsync(Transfer(from, to, "1"), ct: Ct)));
        Assert.All(responses, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));
        Assert.Equal(1000, responses.Select(r => (ulong)r.Body!["nonce"]!).Distinct().Count());
        Assert.Equal(baseNonce + 999, responses.Max(r => (ulong)r.Body!["nonce"]!));

        // MaxInFlight is 64 here: the rest were accepted durably as queued.
        var queued = responses.Count(r => (string)r.Body!["status"]! == "queued");
        Assert.True(queued >= 1000 - 64, $"{queued} queued");
        var account = await Node.GetJsonAsync($"v1/accounts/31337/{from.ToChecksumString()}", Ct);
        Assert.True((int)account["queued"]! > 0 || (int)account["pending"]! > 0);

        var done = await Node.WaitForStatusAsync([.. responses.Select(r => (string)r.Body!["id"]!)], TimeSpan.FromSeconds(120), Terminal);
        Assert.All(done, tx => Assert.Equal("confirmed", (string)tx["status"]!));
        Assert.Equal(baseNonce + 1000, await ChainNonceAsync(from));
    }

    [Fact]
    public async Task Queued_transactions_are_sent_exactly_as_they_were_accepted()
    {
        // The account holds queued transactions in a compact form and rebuilds them when their turn comes; what
        // it then sends and reports must be what it accepted. 264 sends fill the 64 slots and leave a queue that
        // takes blocks to drain, so the sends after them wait as queued.
        var from = fixture.TakeAccounts(1)[0];
        var to = Address.FromPrivateKey(WalletGrains.Ethereum.Keys.PrivateKeyGenerator.Generate());
        var fillers = await Task.WhenAll(Enumerable.Range(0, 264).Select(_ => Node.SendAsync(Transfer(from, to, "1"), ct: Ct)));
        Assert.All(fillers, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));

        JsonObject[] extras =
        [
            new() { ["value"] = "0x2386f26fc10000", ["data"] = "0xdeadbeef", ["gasLimit"] = 60_000 },
            new() { ["value"] = "0", ["maxFeePerGas"] = "100000000000", ["maxPriorityFeePerGas"] = "1000000" },
            new() { ["data"] = "0x" + new string('a', 200), ["gasLimit"] = "100000" },
        ];
        var accepted = new List<JsonNode>();
        for (var i = 0; i < extras.Length; i++)
        {
            var (status, body) = await Node.SendAsync(Transfer(from, to, extra: extras[i]), i == 0 ? "queued-" + Guid.NewGuid().ToString("N") : null, Ct);
            Assert.True(status == 202, body?.ToJsonString());
            Assert.Equal("queued", (string)body!["status"]!);
            accepted.Add(body);
        }

        var ids = accepted.Select(a => (string)a["id"]!).ToList();
        var done = await Node.WaitForStatusAsync(ids, TimeSpan.FromSeconds(120), Terminal);
        var submitted = await SubmittedEventsAsync(ids);
        for (var i = 0; i < done.Count; i++)
        {
            // The transaction.submitted event carries the record the account rebuilt at promotion: the accepted
            // resource, moved on to submitted.
            var atPromotion = submitted[ids[i]].AsObject();
            Assert.Equal("submitted", (string)atPromotion["status"]!);
            Assert.NotNull((string?)atPromotion["attempts"]![0]!["submittedAt"]);
            Assert.True(JsonNode.DeepEquals(Unchanging(accepted[i]), Unchanging(atPromotion)), $"{accepted[i].ToJsonString()}\n{atPromotion.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(Unchanging(accepted[i]), Unchanging(done[i])), $"{accepted[i].ToJsonString()}\n{done[i].ToJsonString()}");

            // And the bytes on chain are the ones signed at acceptance.
            Assert.Equal("confirmed", (string)done[i]["status"]!);
            var onChain = await OnChainAsync((string)done[i]["hash"]!);
            Assert.Equal((string)accepted[i]["hash"]!, onChain.HashHex);
            Assert.Equal(from, onChain.From);
            Assert.Equal((ulong)accepted[i]["nonce"]!, onChain.Transaction.Nonce);
            Assert.Equal((string?)extras[i]["data"] ?? "0x", HexConvert.ToHex(onChain.Transaction.Data.Span));
        }

        // The resource without what moves on as the transaction is sent and mined.
        static JsonObject Unchanging(JsonNode resource)
        {
            var copy = resource.DeepClone().AsObject();
            foreach (var moving in (string[])["status", "hash", "updatedAt", "history", "receipt"])
            {
                copy.Remove(moving);
            }

            foreach (var attempt in copy["attempts"]!.AsArray())
            {
                attempt!.AsObject().Remove("submittedAt");
            }

            return copy;
        }
    }

    /// <summary>The transaction.submitted events' resources for these ids, read from the event log.</summary>
    private async Task<Dictionary<string, JsonNode>> SubmittedEventsAsync(List<string> ids)
    {
        var found = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var after = 0L;
        while (found.Count < ids.Count)
        {
            var page = await Node.GetJsonAsync($"v1/events?after={after}&limit=1000&types=transaction.submitted", Ct);
            foreach (var item in page["items"]!.AsArray())
            {
                var data = item!["data"]!;
                if (ids.Contains((string)data["id"]!))
                {
                    found[(string)data["id"]!] = data;
                }
            }

            var next = (long)page["next"]!;
            Assert.True(next > after || found.Count == ids.Count, $"the event log has no transaction.submitted for {string.Join(", ", ids.Except(found.Keys))}");
            after = next;
        }

        return found;
    }

    [Fact]
    public async Task Two_thousand_concurrent_sends_across_ten_accounts_keep_each_account_contiguous()
    {
        var accounts = fixture.TakeAccounts(10);
        var to = fixture.Accounts[^1];
        var bases = new Dictionary<Address, ulong>();
        foreach (var a in accounts)
        {
            bases[a] = await ChainNonceAsync(a, "pending");
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Node.SendAsync(Transfer(accounts[i % 10], to, "1"), ct: Ct)));
        Assert.All(responses, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));
        foreach (var group in responses.GroupBy(r => Address.Parse((string)r.Body!["from"]!)))
        {
            var nonces = group.Select(r => (ulong)r.Body!["nonce"]!).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 200).Select(i => bases[group.Key] + (ulong)i), nonces);
        }

        var done = await Node.WaitForStatusAsync([.. responses.Select(r => (string)r.Body!["id"]!)], TimeSpan.FromSeconds(120), Terminal);
        Assert.All(done, tx => Assert.Equal("confirmed", (string)tx["status"]!));
        foreach (var a in accounts)
        {
            Assert.Equal(bases[a] + 200, await ChainNonceAsync(a));
        }
    }

    [Fact]
    public async Task Idempotency_key_gives_one_transaction_and_rejects_another_body()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var key = "order-" + Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Node.SendAsync(Transfer(from, to, "777"), key, Ct)));
        Assert.All(responses, r => Assert.True(r.Status == 202, r.Body?.ToJsonString()));
        Assert.Single(responses.Select(r => (string)r.Body!["id"]!).Distinct());

        // The same body written differently (hex amount, lower-case address) is the same request.
        var same = new JsonObject { ["chainId"] = "31337", ["from"] = from.ToLowerHex(), ["to"] = to.ToLowerHex(), ["value"] = "0x309", ["data"] = "0x" };
        var (sameStatus, sameBody) = await Node.SendAsync(same, key, Ct);
        Assert.Equal(202, sameStatus);
        Assert.Equal((string)responses[0].Body!["id"]!, (string)sameBody!["id"]!);

        var (status, body) = await Node.SendAsync(Transfer(from, to, "778"), key, Ct);
        Assert.Equal(422, status);
        Assert.Equal("idempotency_conflict", (string)body!["code"]!);

        var list = await Node.GetJsonAsync($"v1/transactions?chainId=31337&from={from.ToChecksumString()}&limit=100", Ct);
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_burst_of_keyed_sends_mixes_replays_conflicts_and_new_keys_correctly()
    {
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var prefix = "mix-" + Guid.NewGuid().ToString("N") + "-";
        var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Node.SendAsync(Transfer(from, to, (100 + i).ToString(CultureInfo.InvariantCulture)), prefix + i, Ct)));
        Assert.All(first, r => Assert.Equal(202, r.Status));
        var ids = first.Select(r => (string)r.Body!["id"]!).ToList();
        Assert.Equal(10, ids.Distinct().Count());

        // At once, so the account's batches hold all three kinds: the ten keys again with their bodies (replayed),
        // five of them with another body (refused), and twenty new keys (accepted as new transactions).
        var replays = Enumerable.Range(0, 10).Select(i => Node.SendAsync(Transfer(from, to, (100 + i).ToString(CultureInfo.InvariantCulture)), prefix + i, Ct)).ToList();
        var conflicts = Enumerable.Range(0, 5).Select(i => Node.SendAsync(Transfer(from, to, "999"), prefix + i, Ct)).ToList();
        var fresh = Enumerable.Range(10, 20).Select(i => Node.SendAsync(Transfer(from, to), prefix + i, Ct)).ToList();
        await Task.WhenAll([.. replays, .. conflicts, .. fresh]);

        Assert.Equal(ids, replays.Select(r => (string)r.Result.Body!["id"]!));
        Assert.All(replays, r => Assert.Equal(202, r.Result.Status));
        Assert.All(conflicts, r =>
        {
            Assert.Equal(422, r.Result.Status);
            Assert.Equal("idempotency_conflict", (string)r.Result.Body!["code"]!);
        });
        Assert.All(fresh, r => Assert.Equal(202, r.Result.Status));
        var freshIds = fresh.Select(r => (string)r.Result.Body!["id"]!).ToList();
        Assert.Equal(20, freshIds.Distinct().Count());
        Assert.Empty(freshIds.Intersect(ids));

        // Thirty transactions, nonces contiguous: the refused and replayed sends reserved nothing.
        var list = await Node.GetJsonAsync($"v1/transactions?chainId=31337&from={from.ToChecksumString()}&limit=100", Ct);
        var nonces = list["items"]!.AsArray().Select(t => (ulong)t!["nonce"]!).Order().ToList();
        Assert.Equal(30, nonces.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => nonces[0] + (ulong)i), nonces);
    }

    [Fact]
    public async Task A_sender_key_made_with_the_cli_sends_only_from_its_allowed_address()
    {
        var accounts = fixture.TakeAccounts(2);
        var created = await WalletGrains.Cli.ApiKeysCommand.CreateKeyAsync(
            "sender", [accounts[0].ToChecksumString()], fixture.Settings["Wallet:Storage:Provider"]!, fixture.Settings["Wallet:Storage:ConnectionString"]!, Ct);
        using var http = new HttpClient { BaseAddress = Node.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)created["key"]!);

        using var allowed = await http.PostAsync("v1/transactions", System.Net.Http.Json.JsonContent.Create(Transfer(accounts[0], accounts[1])), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, allowed.StatusCode);
        using var other = await http.PostAsync("v1/transactions", System.Net.Http.Json.JsonContent.Create(Transfer(accounts[1], accounts[0])), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Rejected_requests_write_nothing_and_consume_no_nonce()
    {
        var store = Node.Services.GetRequiredService<IWalletStore>();
        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[^1];
        var stranger = Address.FromPrivateKey(WalletGrains.Ethereum.Keys.PrivateKeyGenerator.Generate());
        var mixed = from.ToChecksumString();
        var badChecksum = mixed[..2] + (char.IsUpper(mixed[2]) ? mixed[2..3].ToLowerInvariant() : mixed[2..3].ToUpperInvariant()) + mixed[3..];
        // A flip that leaves the letters all one case is a valid address without a checksum (EIP-55), not a bad one.
        var letters = badChecksum.Skip(2).Where(char.IsLetter).ToList();
        if (letters.All(char.IsLower) || letters.All(char.IsUpper) || badChecksum == mixed)
        {
            badChecksum = "0x" + new string('A', 20) + new string('b', 20);
        }

        // A sender key allowed only for another address.
        using var keyResponse = await Node.Http.PostAsync("v1/api-keys",
            System.Net.Http.Json.JsonContent.Create(new { role = "sender", allowedFrom = new[] { fixture.Accounts[^2].ToChecksumString() } }), Ct);
        var senderKey = (string)JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync(Ct))!["key"]!;

        var before = await store.CountAsync(Ct);
        var nonceBefore = await ChainNonceAsync(from, "pending");

        async Task Expect(int status, string code, HttpContent content, string? bearer = WalletNode.AdminKey)
        {
            // A client without the admin default header, so a request can carry no key at all.
            using var http = new HttpClient { BaseAddress = Node.BaseUrl };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/transactions") { Content = content };
            request.Headers.Authorization = bearer is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(status == (int)response.StatusCode, $"{code}: {(int)response.StatusCode} {text}");
            Assert.Equal(code, (string)JsonNode.Parse(text)!["code"]!);
        }

        static HttpContent Json(string text) => new StringContent(text, System.Text.Encoding.UTF8, "application/json");
        var f = from.ToChecksumString();
        var t = to.ToChecksumString();
        await Expect(400, "invalid_request", Json("{\"chainId\": 31337, \"from\": "));
        await Expect(400, "invalid_hex", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\",\"data\":\"0xzz\"}}"));
        await Expect(400, "invalid_address", Json($"{{\"chainId\":31337,\"from\":\"{badChecksum}\",\"to\":\"{t}\",\"value\":\"1\"}}"));
        await Expect(400, "invalid_amount", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"{UInt256.Modulus}\"}}"));
        await Expect(400, "invalid_amount", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"-1\"}}"));
        await Expect(400, "unknown_chain", Json($"{{\"chainId\":5,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\"}}"));
        await Expect(422, "unknown_account", Json($"{{\"chainId\":31337,\"from\":\"{stranger}\",\"to\":\"{t}\",\"value\":\"1\"}}"));
        await Expect(403, "from_not_allowed", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\"}}"), senderKey);
        await Expect(401, "unauthorized", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\"}}"), null);
        await Expect(401, "unauthorized", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\"}}"), "wg_not_a_key");
        await Expect(413, "data_too_large", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\",\"data\":\"0x{new string('0', 2 * 200_000)}\"}}"));
        await Expect(422, "insufficient_funds", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"{Wei.WeiPerEther * 1_000_000UL}\"}}"));
        await Expect(422, "fee_cap_exceeded", Json($"{{\"chainId\":31337,\"from\":\"{f}\",\"to\":\"{t}\",\"value\":\"1\",\"maxFeePerGas\":\"1\"}}"));

        Assert.Equal(before, await store.CountAsync(Ct));
        Assert.Equal(nonceBefore, await ChainNonceAsync(from, "pending"));
        var account = await Node.GetJsonAsync($"v1/accounts/31337/{f}", Ct);
        Assert.Equal(nonceBefore, (ulong)account["nextNonce"]!);

        // The account still works afterwards, at the next nonce.
        var (status, body) = await Node.SendAsync(Transfer(from, to), ct: Ct);
        Assert.Equal(202, status);
        Assert.Equal(nonceBefore, (ulong)body!["nonce"]!);
    }
}

public sealed class SqliteSendPathTests(SqliteServiceFixture fixture)
    : SendPathTests<SqliteServiceFixture>(fixture), IClassFixture<SqliteServiceFixture>;

public sealed class PostgresSendPathTests(PostgresServiceFixture fixture)
    : SendPathTests<PostgresServiceFixture>(fixture), IClassFixture<PostgresServiceFixture>;
