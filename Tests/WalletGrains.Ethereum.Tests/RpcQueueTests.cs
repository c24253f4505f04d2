using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Ethereum.Tests;

/// <summary>
/// The client's POST queue (<see cref="RpcClientOptions.MaxConcurrentRequests"/>) against a stub node whose first
/// answer the test holds back: calls made meanwhile go out together, each still gets its own answer or error.
/// </summary>
public sealed class RpcQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Balances of addresses 1 and 2 asked while the node holds the client's first call, then the hold released: one merged POST.</summary>
    private static async Task<(Task<UInt256> First, Task<UInt256> Second)> TwoBalancesBehindAHeldCallAsync(HeldNode node, EthRpcClient client)
    {
        var held = await node.HoldFirstCallAsync(client);
        var first = client.GetBalanceAsync(AddressOf(1), BlockParameter.Latest, Cancel);
        var second = client.GetBalanceAsync(AddressOf(2), BlockParameter.Latest, Cancel);
        node.Release();
        await held;
        return (first, second);
    }

    private static EthRpcClient Client(Uri url, int maxConcurrent = 1, int maxBatch = 100, int maxBytes = 1_000_000) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new RpcClientOptions(url)
        {
            Timeout = TimeSpan.FromSeconds(10), MaxConcurrentRequests = maxConcurrent, MaxBatchSize = maxBatch, MaxRequestBytes = maxBytes,
        });

    private static Address AddressOf(int i) => Address.Parse("0x" + i.ToString("x40", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Calls_made_while_the_only_post_is_out_go_together_in_the_next_and_each_gets_its_own_answer()
    {
        await using var node = new HeldNode();
        using var client = Client(node.Server.Url);
        var first = await node.HoldFirstCallAsync(client);

        // Thirty single calls and two batches while the node holds the first POST.
        var singles = Enumerable.Range(1, 30).Select(i => client.GetBalanceAsync(AddressOf(i), BlockParameter.Latest, Cancel)).ToList();
        var batches = Enumerable.Range(0, 2).Select(_ => new RpcBatch()).ToList();
        var items = batches.SelectMany((b, k) => Enumerable.Range(100 + (k * 3), 3).Select(i => b.Add(EthRequests.GetBalance(AddressOf(i), BlockParameter.Latest)))).ToList();
        var batchSends = batches.Select(b => client.SendBatchAsync(b, cancellationToken: Cancel)).ToList();
        Assert.Equal(1, node.Server.Requests);

        node.Release();
        Assert.Equal(7UL, await first);
        var balances = await Task.WhenAll(singles);
        await Task.WhenAll(batchSends);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (UInt256)(ulong)i), balances);
        Assert.Equal(Enumerable.Range(100, 6).Select(i => (UInt256)(ulong)i), items.Select(i => i.Value));
        Assert.Equal(2, node.Server.Requests);
        Assert.Equal(36, JsonNode.Parse(node.Bodies[1])!.AsArray().Count);
        Assert.Equal((2L, 1L), client.QueueCounts);
    }

    [Fact]
    public async Task A_lone_call_goes_out_at_once_as_a_single_object()
    {
        await using var server = new RpcStubServer(body => (200, HeldNode.Answer(JsonNode.Parse(body)!)));
        using var client = Client(server.Url);
        Assert.Equal(7UL, await client.BlockNumberAsync(Cancel));
        Assert.Equal(1, server.Requests);
        Assert.Equal((1L, 0L), client.QueueCounts);
    }

    [Fact]
    public async Task A_merged_post_stays_within_the_batch_size_and_the_byte_limit()
    {
        await using var node = new HeldNode();
        using var client = Client(node.Server.Url, maxBatch: 10);
        var first = await node.HoldFirstCallAsync(client);
        var calls = Enumerable.Range(1, 25).Select(i => client.GetBalanceAsync(AddressOf(i), BlockParameter.Latest, Cancel)).ToList();
        node.Release();
        await first;
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (UInt256)(ulong)i), await Task.WhenAll(calls));
        Assert.Equal([1, 10, 10, 5], node.Bodies.Select(b => JsonNode.Parse(b) is JsonArray a ? a.Count : 1));

        // The same calls under a byte limit of about three of them per POST.
        await using var small = new HeldNode();
        var oneCall = System.Text.Encoding.UTF8.GetByteCount(EthRpcClientTestBodies.GetBalance(AddressOf(1)));
        using var limited = Client(small.Server.Url, maxBytes: (oneCall * 3) + 10);
        var head = await small.HoldFirstCallAsync(limited);
        var more = Enumerable.Range(1, 7).Select(i => limited.GetBalanceAsync(AddressOf(i), BlockParameter.Latest, Cancel)).ToList();
        small.Release();
        await head;
        await Task.WhenAll(more);
        Assert.All(small.Bodies, b => Assert.True(b.Length <= (oneCall * 3) + 10, $"a POST of {b.Length} bytes"));
        Assert.Equal([1, 3, 3, 1], small.Bodies.Select(b => JsonNode.Parse(b) is JsonArray a ? a.Count : 1));
    }

    [Fact]
    public async Task Errors_stay_with_their_callers_and_a_failed_post_fails_everyone_in_it()
    {
        await using var node = new HeldNode(refuse: AddressOf(2));
        using var client = Client(node.Server.Url);
        var (ok, refused) = await TwoBalancesBehindAHeldCallAsync(node, client);
        Assert.Equal((UInt256)1UL, await ok);
        var e = await Assert.ThrowsAsync<RpcException>(() => refused);
        Assert.Equal(-32000, e.Code);
        Assert.Equal(2, node.Server.Requests);

        // A node that answers the merged POST with HTTP 503 fails both callers with the classified error.
        await using var down = new HeldNode(failSecond: true);
        using var client2 = Client(down.Server.Url);
        var (a, b) = await TwoBalancesBehindAHeldCallAsync(down, client2);
        Assert.Equal(RpcErrorKind.ServerUnavailable, (await Assert.ThrowsAsync<RpcException>(() => a)).Kind);
        Assert.Equal(RpcErrorKind.ServerUnavailable, (await Assert.ThrowsAsync<RpcException>(() => b)).Kind);
    }

    [Fact]
    public async Task A_caller_that_times_out_while_waiting_is_left_out_of_the_next_post()
    {
        await using var node = new HeldNode();
        using var client = Client(node.Server.Url);
        var first = await node.HoldFirstCallAsync(client);
        var impatient = client.SendAsync(EthRequests.GetBalance(AddressOf(1), BlockParameter.Latest), TimeSpan.FromMilliseconds(100), Cancel);
        var e = await Assert.ThrowsAsync<RpcException>(() => impatient);
        Assert.Equal(RpcErrorKind.Timeout, e.Kind);

        var patient = client.GetBalanceAsync(AddressOf(2), BlockParameter.Latest, Cancel);
        node.Release();
        await first;
        Assert.Equal((UInt256)2UL, await patient);
        Assert.Equal(2, node.Server.Requests);
        Assert.IsType<JsonObject>(JsonNode.Parse(node.Bodies[1]));
    }

    /// <summary>
    /// A stub node that holds its first POST until released and answers each request with a value read from it:
    /// <c>eth_blockNumber</c> 7, <c>eth_getBalance</c> the address as a number (an error for <c>refuse</c>).
    /// </summary>
    private sealed class HeldNode : IAsyncDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly TaskCompletionSource _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> _bodies = new();
        private readonly Address? _refuse;
        private readonly bool _failSecond;
        private int _seen;

        public HeldNode(Address? refuse = null, bool failSecond = false)
        {
            _refuse = refuse;
            _failSecond = failSecond;
            Server = new RpcStubServer(Handle);
        }

        public RpcStubServer Server { get; }

        /// <summary>Starts a call (<c>eth_blockNumber</c>, answered 7) and returns it once this node holds it: the client's one POST is out.</summary>
        public async Task<Task<ulong>> HoldFirstCallAsync(EthRpcClient client)
        {
            var first = client.BlockNumberAsync(Cancel);
            await _firstArrived.Task.WaitAsync(Deadline, Cancel);
            return first;
        }

        /// <summary>Every POST body, in arrival order.</summary>
        public IReadOnlyList<string> Bodies => [.. _bodies];

        public void Release() => _release.Set();

        public static string Answer(JsonNode request, Address? refuse = null)
        {
            if (request is JsonArray batch)
            {
                return new JsonArray([.. batch.Select(r => JsonNode.Parse(Answer(r!, refuse)))]).ToJsonString();
            }

            var id = request["id"]!.DeepClone();
            var method = (string)request["method"]!;
            if (method == "eth_getBalance")
            {
                var address = Address.Parse((string)request["params"]![0]!);
                if (address == refuse)
                {
                    return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = -32000, ["message"] = "refused" } }.ToJsonString();
                }

                var value = UInt256.FromBigEndian(address.Bytes);
                return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = value.ToHexQuantity() }.ToJsonString();
            }

            return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = "0x7" }.ToJsonString();
        }

        public async ValueTask DisposeAsync()
        {
            _release.Set();
            await Server.DisposeAsync();
            _release.Dispose();
        }

        private (int Status, string Body)? Handle(string body)
        {
            _bodies.Enqueue(body);
            var n = Interlocked.Increment(ref _seen);
            if (n == 1)
            {
                _firstArrived.TrySetResult();
                _release.Wait(Deadline);
            }

            return _failSecond && n == 2 ? (503, "busy") : (200, Answer(JsonNode.Parse(body)!, _refuse));
        }
    }
}

/// <summary>The bytes the client writes for a call, to size byte limits in tests.</summary>
internal static class EthRpcClientTestBodies
{
    public static string GetBalance(Address address) =>
        new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1000, ["method"] = "eth_getBalance", ["params"] = new JsonArray(address.ToLowerHex(), "latest"),
        }.ToJsonString();
}
