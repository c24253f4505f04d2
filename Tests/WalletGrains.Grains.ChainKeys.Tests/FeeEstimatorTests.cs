using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime.Testing;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

[Collection(ChainAnvilCollection.Name)]
public sealed class FeeEstimatorTests(ChainAnvilFixture chain) : IDisposable
{
    private readonly ChainRpcCounter _counter = new();
    private readonly FakeTimeProvider _time = new();
    private HttpClient? _http;

    public void Dispose()
    {
        _http?.Dispose();
        _counter.Dispose();
    }

    [Fact]
    public async Task Quote_follows_the_base_fee_with_twice_the_next_base_fee_plus_the_tip_as_max_fee()
    {
        var ct = TestContext.Current.CancellationToken;
        var fees = CreateEstimator();
        foreach (var baseFee in new UInt256[] { 3_000_000_017, 41_000_000_000, 7 })
        {
            // Five empty blocks, then one at the chosen base fee: no block in the window paid a tip.
            await chain.MineAsync(5);
            await chain.SetNextBaseFeeAsync(baseFee);
            var head = await chain.MineAsync();
            _time.Advance(TimeSpan.FromSeconds(1));

            var quote = await fees.GetQuoteAsync(ct);

            // EIP-1559: after an empty block the base fee falls by parent / 8 (integer division).
            var nextBaseFee = baseFee - baseFee / 8;
            var nodeTip = ChainAnvilFixture.Wei(await chain.Anvil.RequestAsync("eth_maxPriorityFeePerGas"));
            Assert.Equal(head, quote.BlockNumber);
            Assert.Equal(nextBaseFee, quote.BaseFeePerGas);
            Assert.Equal(nodeTip, quote.MaxPriorityFeePerGas);
            Assert.Equal(nextBaseFee + nextBaseFee + nodeTip, quote.MaxFeePerGas);
            Assert.Equal(nextBaseFee + nodeTip, quote.GasPrice);
        }
    }

    [Fact]
    public async Task Tip_is_the_median_reward_of_the_recent_blocks_that_paid_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await chain.MineAsync(5);
        // Three blocks with one transaction each, tips 2, 5 and 3 gwei; the median is 3 gwei.
        foreach (var tip in new UInt256[] { 2_000_000_000, 5_000_000_000, 3_000_000_000 })
        {
            await SendWithTipAsync(tip);
            await chain.MineAsync();
        }

        var quote = await CreateEstimator().GetQuoteAsync(ct);

        Assert.Equal((UInt256)3_000_000_000, quote.MaxPriorityFeePerGas);
        Assert.Equal(quote.BaseFeePerGas + quote.BaseFeePerGas + quote.MaxPriorityFeePerGas, quote.MaxFeePerGas);
    }

    [Fact]
    public async Task A_caller_that_waits_for_a_quote_waits_for_one_round_trip()
    {
        var ct = TestContext.Current.CancellationToken;
        var fees = CreateEstimator();
        // A block that paid a tip, so the history alone gives the quote (an idle chain's asks the node's suggestion too).
        await SendWithTipAsync(2_000_000_000);
        await chain.MineAsync();

        // No quote yet: the latest block's fee history, alone, in one request.
        var first = await fees.GetQuoteAsync(ct);
        Assert.Equal(await chain.BlockNumberAsync(), first.BlockNumber);
        Assert.Equal(1, _counter.Posts);
        Assert.Equal(["eth_feeHistory"], _counter.Methods);

        // Too old to serve (no stale window here) after two new blocks: again one request, at the new head.
        await chain.MineAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = await fees.GetQuoteAsync(ct);
        Assert.Equal(first.BlockNumber + 2, next.BlockNumber);
        Assert.Equal(2, _counter.Posts);
        Assert.Equal(0, _counter.Count("eth_blockNumber"));
    }

    [Fact]
    public async Task Quote_is_cached_within_a_block_and_a_served_quote_is_refreshed_only_after_a_new_block()
    {
        var ct = TestContext.Current.CancellationToken;
        var fees = CreateEstimator(serveStaleFor: TimeSpan.FromSeconds(10));
        var first = await fees.GetQuoteAsync(ct);
        Assert.Equal(1, _counter.Count("eth_feeHistory"));
        var calls = _counter.Methods.Count;

        // Within the check interval: no call at all, even after a new block.
        await chain.MineAsync();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var cached = fees.GetQuoteAsync(ct);
        Assert.True(cached.IsCompletedSuccessfully);
        Assert.Same(first, await cached);
        Assert.Equal(calls, _counter.Methods.Count);

        // Past the interval: the quote is served, and one eth_blockNumber behind it notices the new block, and only
        // then the fee history is read again.
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Same(first, await fees.GetQuoteAsync(ct));
        var refreshed = await NextBlockQuoteAsync(fees, first);
        Assert.Equal(first.BlockNumber + 1, refreshed.BlockNumber);
        Assert.Equal(1, _counter.Count("eth_blockNumber"));
        Assert.Equal(2, _counter.Count("eth_feeHistory"));

        // Past the interval in the same block: one eth_blockNumber, no fee history.
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Same(refreshed, await fees.GetQuoteAsync(ct));
        await Eventually.HoldsAsync(() => _counter.Count("eth_blockNumber") == 2, TimeSpan.FromSeconds(20), "the second eth_blockNumber", ct);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Same(refreshed, await fees.GetQuoteAsync(ct));
        Assert.Equal(2, _counter.Count("eth_feeHistory"));
    }

    [Fact]
    public async Task A_recent_quote_is_answered_at_once_while_the_refresh_runs_and_an_old_one_waits()
    {
        var ct = TestContext.Current.CancellationToken;
        var fees = CreateEstimator(serveStaleFor: TimeSpan.FromSeconds(2));
        var first = await fees.GetQuoteAsync(ct);
        await chain.MineAsync();

        // Past the check interval, within the stale window: the old quote at once, a refresh behind it.
        _time.Advance(TimeSpan.FromSeconds(1));
        var stale = fees.GetQuoteAsync(ct);
        Assert.True(stale.IsCompletedSuccessfully);
        Assert.Same(first, await stale);

        // The refresh lands; the next caller gets the new block's quote without another eth_blockNumber.
        var next = await NextBlockQuoteAsync(fees, first);
        Assert.Equal(first.BlockNumber + 1, next.BlockNumber);
        Assert.Equal(1, _counter.Count("eth_blockNumber"));

        // Older than the check interval plus the stale window: the caller waits for the node.
        await chain.MineAsync();
        _time.Advance(TimeSpan.FromSeconds(3));
        var fresh = await fees.GetQuoteAsync(ct);
        Assert.Equal(next.BlockNumber + 1, fresh.BlockNumber);
    }

    [Theory]
    [InlineData(-32601, "the method eth_maxPriorityFeePerGas does not exist/is not available")]
    [InlineData(-32600, "Unsupported method: eth_maxPriorityFeePerGas")]
    public async Task A_node_without_a_tip_suggestion_leaves_the_floor(int code, string message)
    {
        // No block in the window paid a tip, and the node has no eth_maxPriorityFeePerGas (some providers say so only in words).
        var ct = TestContext.Current.CancellationToken;
        await chain.MineAsync(5);
        _counter.Refuse("eth_maxPriorityFeePerGas", code, message);
        var fees = CreateEstimator();

        var quote = await fees.GetQuoteAsync(ct);

        Assert.Equal(1, _counter.Count("eth_maxPriorityFeePerGas"));
        Assert.Equal(new FeeEstimatorOptions().MinPriorityFeePerGas, quote.MaxPriorityFeePerGas);
        Assert.Equal(quote.BaseFeePerGas + quote.BaseFeePerGas + quote.MaxPriorityFeePerGas, quote.MaxFeePerGas);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_refresh()
    {
        var ct = TestContext.Current.CancellationToken;
        var fees = CreateEstimator();
        _counter.CloseGate("eth_feeHistory");

        var firstCaller = fees.GetQuoteAsync(ct).AsTask();
        await _counter.GatedRequestArrived.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var others = Enumerable.Range(0, 15).Select(_ => fees.GetQuoteAsync(ct).AsTask()).ToList();
        Assert.All(others, t => Assert.False(t.IsCompleted));
        _counter.OpenGate();
        var quotes = await Task.WhenAll([firstCaller, .. others]);

        Assert.All(quotes, q => Assert.Same(quotes[0], q));
        Assert.Equal(1, _counter.Count("eth_feeHistory"));
    }

    [Fact]
    public async Task A_waiting_caller_can_cancel_without_cancelling_the_shared_refresh()
    {
        var fees = CreateEstimator();
        _counter.CloseGate("eth_feeHistory");
        using var cancel = new CancellationTokenSource();

        var impatient = fees.GetQuoteAsync(cancel.Token).AsTask();
        await _counter.GatedRequestArrived.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var patient = fees.GetQuoteAsync(TestContext.Current.CancellationToken).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        _counter.OpenGate();

        var quote = await patient;
        Assert.Equal(await chain.BlockNumberAsync(), quote.BlockNumber);
        Assert.Equal(1, _counter.Count("eth_feeHistory"));
    }

    [Fact]
    public async Task Legacy_chains_quote_at_least_the_node_gas_price()
    {
        var quote = await CreateEstimator(eip1559: false).GetQuoteAsync(TestContext.Current.CancellationToken);

        var nodeGasPrice = ChainAnvilFixture.Wei(await chain.Anvil.RequestAsync("eth_gasPrice"));
        Assert.Equal(UInt256.Max(nodeGasPrice, quote.BaseFeePerGas + quote.MaxPriorityFeePerGas), quote.GasPrice);
        Assert.Equal(1, _counter.Count("eth_gasPrice"));
    }

    [Fact]
    public async Task A_failed_refresh_reaches_the_caller_and_the_next_call_tries_again()
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort.GetLoopbackPort()}/");
        _http = new HttpClient(_counter) { Timeout = Timeout.InfiniteTimeSpan };
        var fees = new FeeEstimator(new EthRpcClient(_http, new RpcClientOptions(dead) { Timeout = TimeSpan.FromSeconds(5) }), new ChainOptions { ChainId = 31337 }, _time,
            new FeeEstimatorOptions { ServeStaleFor = TimeSpan.Zero });

        var first = await Assert.ThrowsAsync<RpcException>(async () => await fees.GetQuoteAsync(TestContext.Current.CancellationToken));
        var second = await Assert.ThrowsAsync<RpcException>(async () => await fees.GetQuoteAsync(TestContext.Current.CancellationToken));

        Assert.Equal(RpcErrorKind.ServerUnavailable, first.Kind);
        Assert.Equal(RpcErrorKind.ServerUnavailable, second.Kind);
        Assert.Equal(2, _counter.Count("eth_feeHistory"));
    }

    /// <summary>Asks until a refresh behind a served quote has landed a quote of a later block than <paramref name="served"/>.</summary>
    private static async Task<FeeQuote> NextBlockQuoteAsync(FeeEstimator fees, FeeQuote served)
    {
        var next = served;
        await Eventually.HoldsAsync(
            async () => (next = await fees.GetQuoteAsync(TestContext.Current.CancellationToken)).BlockNumber != served.BlockNumber,
            TimeSpan.FromSeconds(20), "a quote of a later block", TestContext.Current.CancellationToken);
        return next;
    }

    /// <summary>An estimator whose callers always wait for a due refresh, unless <paramref name="serveStaleFor"/> says otherwise.</summary>
    private FeeEstimator CreateEstimator(bool eip1559 = true, TimeSpan serveStaleFor = default)
    {
        _http = new HttpClient(_counter) { Timeout = Timeout.InfiniteTimeSpan };
        var rpc = new EthRpcClient(_http, new RpcClientOptions(chain.RpcUrl) { Timeout = TimeSpan.FromSeconds(10) });
        return new FeeEstimator(rpc, new ChainOptions { ChainId = chain.Anvil.ChainId, Eip1559 = eip1559 }, _time,
            new FeeEstimatorOptions { ServeStaleFor = serveStaleFor });
    }

    private async Task SendWithTipAsync(UInt256 tip)
    {
        var from = chain.Anvil.Accounts[0].Address;
        _ = await chain.Anvil.RequestAsync("eth_sendTransaction", new JsonObject
        {
            ["from"] = from,
            ["to"] = chain.Anvil.Accounts[1].Address,
            ["value"] = "0x1",
            ["maxPriorityFeePerGas"] = tip.ToHexQuantity(),
            // Far above the base fee, so the whole tip is paid.
            ["maxFeePerGas"] = ((UInt256)1_000_000_000_000).ToHexQuantity(),
        });
    }
}
