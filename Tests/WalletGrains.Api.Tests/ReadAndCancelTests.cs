using System.Net;
using System.Text.Json;
using WalletGrains.Api.Tests.Infrastructure;
using WalletGrains.Api.Transactions;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.Tests;

/// <summary>GET and list of transactions, cancel, and the account routes.</summary>
public sealed class ReadAndCancelTests
{
    [Fact]
    public async Task Unknown_transaction_is_404_not_found()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Get, "/v1/transactions/tx-nope");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, WalletErrorCodes.NotFound);
    }

    [Fact]
    public async Task Stored_transaction_has_the_full_resource_shape()
    {
        await using var host = await ApiTestHost.StartAsync();
        var tx = TestData.FinishedTransaction("tx-1", ApiTestHost.Custodied, ApiTestHost.Recipient);
        host.Store.Transactions[tx.Id] = tx;

        var body = await Problems.JsonAsync(await host.SendAsync(HttpMethod.Get, "/v1/transactions/tx-1", key: host.AddKey(ApiRoles.Reader)), HttpStatusCode.OK);

        Assert.Equal(SendTests.TransactionFields, Problems.Names(body));
        Assert.Equal("1000000000000000000000", body.GetProperty("value").GetString());
        Assert.Equal("0xdead", body.GetProperty("data").GetString());
        Assert.Equal(3UL, body.GetProperty("nonce").GetUInt64());
        Assert.Equal(50_000UL, body.GetProperty("gasLimit").GetUInt64());
        Assert.Equal(tx.Hash!.Value.ToHex(), body.GetProperty("hash").GetString());
        Assert.True(body.GetProperty("cancelRequested").GetBoolean());

        var attempts = body.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(SendTests.AttemptFields, Problems.Names(a)));
        Assert.Equal(JsonValueKind.Null, attempts[1].GetProperty("submittedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, attempts[1].GetProperty("gasPrice").ValueKind);

        var receipt = body.GetProperty("receipt");
        Assert.Equal(SendTests.ReceiptFields, Problems.Names(receipt));
        Assert.Equal("reverted", receipt.GetProperty("status").GetString());
        Assert.Equal("11", receipt.GetProperty("effectiveGasPrice").GetString());
        Assert.Equal(1234UL, receipt.GetProperty("blockNumber").GetUInt64());

        var error = body.GetProperty("error");
        Assert.Equal(SendTests.ErrorFields, Problems.Names(error));
        Assert.Equal("execution_reverted", error.GetProperty("code").GetString());

        var history = body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(SendTests.HistoryFields, Problems.Names(history[1]));
        Assert.Equal("depth 1", history[1].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task List_passes_filters_and_paging_to_the_store()
    {
        await using var host = await ApiTestHost.StartAsync();
        var tx = TestData.FinishedTransaction("tx-2", ApiTestHost.Custodied, ApiTestHost.Recipient);
        host.Store.Page = new TransactionPage([tx], "cursor-2");
        var from = ApiTestHost.Custodied.ToChecksumString();

        var body = await Problems.JsonAsync(
            await host.SendAsync(HttpMethod.Get, $"/v1/transactions?chainId=1&from={from}&status=confirmed&limit=10&cursor=cursor-1"),
            HttpStatusCode.OK);

        Assert.Equal(new TransactionQuery(1, ApiTestHost.Custodied, TransactionStatus.Confirmed, 10, "cursor-1"), Assert.Single(host.Store.Queries));
        Assert.Equal(["items", "nextCursor"], Problems.Names(body));
        Assert.Equal("tx-2", Assert.Single(body.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("cursor-2", body.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task List_without_filters_uses_the_default_page()
    {
        await using var host = await ApiTestHost.StartAsync();
        var body = await Problems.JsonAsync(await host.SendAsync(HttpMethod.Get, "/v1/transactions"), HttpStatusCode.OK);

        Assert.Equal(new TransactionQuery(null, null, null, TransactionsApi.DefaultLimit, null), Assert.Single(host.Store.Queries));
        Assert.Empty(body.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("status=pending", WalletErrorCodes.InvalidRequest)]
    [InlineData("limit=0", WalletErrorCodes.InvalidRequest)]
    [InlineData("limit=201", WalletErrorCodes.InvalidRequest)]
    [InlineData("limit=ten", WalletErrorCodes.InvalidRequest)]
    [InlineData("chainId=-1", WalletErrorCodes.InvalidRequest)]
    [InlineData("from=0x1234", WalletErrorCodes.InvalidAddress)]
    public async Task Bad_list_filter_is_400(string query, string code)
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Get, "/v1/transactions?" + query);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Empty(host.Store.Queries);
    }

    [Fact]
    public async Task Cancel_calls_the_account_grain_and_answers_202()
    {
        await using var host = await ApiTestHost.StartAsync();
        var tx = TestData.FinishedTransaction("tx-3", ApiTestHost.Custodied, ApiTestHost.Recipient) with { Status = TransactionStatus.Submitted, Receipt = null, Error = null, CancelRequested = false };
        host.Store.Transactions[tx.Id] = tx;
        host.Grains.CancelResponse = id => SendOutcome.Accepted(tx with { CancelRequested = true });
        var sender = host.AddKey(ApiRoles.Sender, ApiTestHost.Custodied);

        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions/tx-3/cancel", key: sender);

        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.True(body.GetProperty("cancelRequested").GetBoolean());
        Assert.Equal("/v1/transactions/tx-3", response.Headers.Location?.OriginalString);
        var grain = Assert.Single(host.Grains.Accounts);
        Assert.Equal(GrainKeys.Account(1, ApiTestHost.Custodied), grain.Key);
        Assert.Equal("tx-3", Assert.Single(grain.Value.Cancels));
    }

    [Fact]
    public async Task Cancel_that_the_grain_refuses_is_409()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Store.Transactions["tx-4"] = TestData.FinishedTransaction("tx-4", ApiTestHost.Custodied, ApiTestHost.Recipient);

        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions/tx-4/cancel");

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, WalletErrorCodes.NotCancellable);
    }

    [Fact]
    public async Task Cancel_of_unknown_transaction_is_404_and_reaches_no_grain()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions/tx-none/cancel");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, WalletErrorCodes.NotFound);
        Assert.Empty(host.Grains.Accounts);
    }

    [Fact]
    public async Task Sender_may_not_cancel_outside_its_allow_list()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Store.Transactions["tx-5"] = TestData.FinishedTransaction("tx-5", ApiTestHost.Custodied, ApiTestHost.Recipient);
        var sender = host.AddKey(ApiRoles.Sender, ApiTestHost.Custodied2);

        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions/tx-5/cancel", key: sender);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, WalletErrorCodes.FromNotAllowed);
        Assert.Empty(host.Grains.Accounts);
    }

    [Fact]
    public async Task Accounts_lists_every_custodied_address_on_every_chain()
    {
        await using var host = await ApiTestHost.StartAsync();
        var body = await Problems.JsonAsync(await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: host.AddKey(ApiRoles.Reader)), HttpStatusCode.OK);

        var items = body.GetProperty("items").EnumerateArray().ToList();
        var expected = new[] { ApiTestHost.Chain, ApiTestHost.OtherChain }
            .SelectMany(chain => new[] { ApiTestHost.Custodied, ApiTestHost.Custodied2 }.Select(a => (chain, a.ToChecksumString())))
            .OrderBy(p => p.chain).ThenBy(p => p.Item2.ToLowerInvariant(), StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, items.Select(i => (i.GetProperty("chainId").GetUInt64(), i.GetProperty("address").GetString()!)).ToList());
        Assert.Equal(
            ["chainId", "address", "nextNonce", "confirmedNonce", "pending", "queued", "balance", "oldestPendingSince", "feeBumps", "pausedReason"],
            Problems.Names(items[0]));
        Assert.Equal("1000", items[0].GetProperty("balance").GetString());
    }

    [Fact]
    public async Task One_account_and_its_errors()
    {
        await using var host = await ApiTestHost.StartAsync();
        var checksum = ApiTestHost.Custodied2.ToChecksumString();

        var body = await Problems.JsonAsync(await host.SendAsync(HttpMethod.Get, $"/v1/accounts/10/{ApiTestHost.Custodied2.ToLowerHex()}"), HttpStatusCode.OK);
        Assert.Equal(checksum, body.GetProperty("address").GetString());
        Assert.Equal(10UL, body.GetProperty("chainId").GetUInt64());
        Assert.Equal(5UL, body.GetProperty("nextNonce").GetUInt64());

        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, $"/v1/accounts/999/{checksum}"), HttpStatusCode.NotFound, WalletErrorCodes.UnknownChain);
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, $"/v1/accounts/1/{ApiTestHost.Stranger}"), HttpStatusCode.NotFound, WalletErrorCodes.UnknownAccount);
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, "/v1/accounts/1/0x12"), HttpStatusCode.BadRequest, WalletErrorCodes.InvalidAddress);
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, $"/v1/accounts/x/{checksum}"), HttpStatusCode.BadRequest, WalletErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Unknown_route_is_a_problem_too()
    {
        await using var host = await ApiTestHost.StartAsync();
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, "/v1/nothing-here"), HttpStatusCode.NotFound, WalletErrorCodes.NotFound);
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Put, "/v1/transactions"), HttpStatusCode.MethodNotAllowed, WalletErrorCodes.InvalidRequest);
    }
}
