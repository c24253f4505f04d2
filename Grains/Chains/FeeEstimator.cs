using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Chains;

/// <summary>How a <see cref="FeeEstimator"/> samples the market.</summary>
public sealed record FeeEstimatorOptions
{
    /// <summary>Blocks of <c>eth_feeHistory</c> the tip is taken from.</summary>
    public int BlockCount { get; init; } = 5;

    /// <summary>The reward percentile asked per block; the tip is the median of these over the non-empty blocks.</summary>
    public double RewardPercentile { get; init; } = 50;

    /// <summary>How long a quote is served without asking the node whether a new block arrived.</summary>
    public TimeSpan BlockCheckInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long past <see cref="BlockCheckInterval"/> the last quote is still answered at once while a refresh runs
    /// in the background (zero: callers wait for the refresh). A send then never waits on a node that is busy
    /// mining; the quote's headroom (twice the base fee) covers the block it may be behind. Under steady use the
    /// refresh starts at the check interval, so this only needs to cover the node's slowest answers; together with
    /// the interval it stays under a second, so what the dashboard shows trails the node by a block at most.
    /// </summary>
    public TimeSpan ServeStaleFor { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The smallest tip quoted, whatever the node suggests.</summary>
    public UInt256 MinPriorityFeePerGas { get; init; } = UInt256.One;
}

/// <summary>
/// EIP-1559 fee quotes for one chain from <c>eth_feeHistory</c>, cached per block: a call asks
/// <c>eth_blockNumber</c> at most once per <see cref="FeeEstimatorOptions.BlockCheckInterval"/> and
/// reads the fee history again only when the block number changed. Concurrent callers share one
/// refresh; for <see cref="FeeEstimatorOptions.ServeStaleFor"/> after the check interval the last quote is
/// answered while that refresh runs. Past that, callers wait, and the refresh reads the latest block's
/// history in one round trip instead of asking for the block number first. The quote is the market as
/// seen; callers apply the chain's caps.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>BaseFeePerGas</c>: the base fee of the block after <c>BlockNumber</c>, the first a new
/// transaction can enter (the extra last entry of <c>eth_feeHistory</c>'s <c>baseFeePerGas</c>).</item>
/// <item><c>MaxPriorityFeePerGas</c>: the lower median of the per-block reward percentile over the blocks
/// that used gas; when there is none (an idle chain) or it is zero, <c>eth_maxPriorityFeePerGas</c>;
/// never below <see cref="FeeEstimatorOptions.MinPriorityFeePerGas"/>.</item>
/// <item><c>MaxFeePerGas</c> = 2 × base fee + tip: EIP-1559 raises the base fee by at most 12.5 % per
/// block, so the doubled base fee still covers six full blocks in a row (1.125^6 ≈ 2.03).</item>
/// <item><c>GasPrice</c> = base fee + tip; on chains configured for legacy transactions, at least the
/// node's <c>eth_gasPrice</c>.</item>
/// </list>
/// A failed refresh fails every caller that waited on it; the next call tries again.
/// </remarks>
public sealed class FeeEstimator : IFeeEstimator
{
    private readonly EthRpcClient _rpc;
    private readonly bool _eip1559;
    private readonly TimeProvider _time;
    private readonly FeeEstimatorOptions _options;
    private readonly double[] _percentiles;
    private readonly Lock _lock = new();
    private Snapshot? _snapshot;
    private Task<FeeQuote>? _refresh;

    /// <summary>Creates the estimator of a chain; <paramref name="chain"/> decides EIP-1559 or legacy gas price.</summary>
    public FeeEstimator(EthRpcClient rpc, ChainOptions chain, TimeProvider time, FeeEstimatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new FeeEstimatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockCount, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockCheckInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ServeStaleFor, TimeSpan.Zero, nameof(options));
        if (options.RewardPercentile is < 0 or > 100 || double.IsNaN(options.RewardPercentile))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RewardPercentile, "The reward percentile must be between 0 and 100.");
        }

        _rpc = rpc;
        _eip1559 = chain.Eip1559;
        _time = time;
        _options = options;
        _percentiles = [options.RewardPercentile];
    }

    /// <inheritdoc />
    public ValueTask<FeeQuote> GetQuoteAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && IsFresh(snapshot))
        {
            return new ValueTask<FeeQuote>(snapshot.Quote);
        }

        Task<FeeQuote> refresh;
        lock (_lock)
        {
            snapshot = _snapshot;
            if (snapshot is not null && IsFresh(snapshot))
            {
                return new ValueTask<FeeQuote>(snapshot.Quote);
            }

            var servable = snapshot is not null && _time.GetElapsedTime(snapshot.CheckedAt) < _options.BlockCheckInterval + _options.ServeStaleFor;
            refresh = _refresh ??= RefreshAsync(callersWait: !servable);
            if (servable && snapshot is not null)
            {
                // Stale but recent: answered now, the refresh serves the next callers (its failure waits for them too).
                _ = refresh.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return new ValueTask<FeeQuote>(snapshot.Quote);
            }
        }

        // The refresh is shared, so it never takes one caller's token; each caller may stop waiting.
        return new ValueTask<FeeQuote>(refresh.WaitAsync(cancellationToken));
    }

    private bool IsFresh(Snapshot snapshot) => _time.GetElapsedTime(snapshot.CheckedAt) < _options.BlockCheckInterval;

    /// <param name="callersWait">
    /// Callers wait for this refresh (no quote yet, or too old to serve): it reads the latest block's fee history at
    /// once, one round trip instead of eth_blockNumber and then the history, since after that long the block has
    /// usually changed. A refresh behind a served quote asks eth_blockNumber first and reads the history only for a
    /// new block, which keeps a busy chain's refreshes cheap for the node.
    /// </param>
    private async Task<FeeQuote> RefreshAsync(bool callersWait)
    {
        // Leave the caller's lock first, so the finally below always runs after the task is published.
        await Task.Yield();
        try
        {
            var checkedAt = _time.GetTimestamp();
            FeeQuote quote;
            if (callersWait)
            {
                quote = await QuoteAtLatestAsync();
            }
            else
            {
                var block = await _rpc.BlockNumberAsync();
                var previous = Volatile.Read(ref _snapshot);
                quote = previous is not null && previous.Quote.BlockNumber == block
                    ? previous.Quote
                    : await QuoteAsync(await _rpc.FeeHistoryAsync((ulong)_options.BlockCount, block, _percentiles), block, gasPrice: null);
            }

            Volatile.Write(ref _snapshot, new Snapshot(quote, checkedAt));
            return quote;
        }
        finally
        {
            lock (_lock)
            {
                _refresh = null;
            }
        }
    }

    /// <summary>The quote at the latest block, from one JSON-RPC batch: its fee history (and the gas price on legacy chains).</summary>
    private async Task<FeeQuote> QuoteAtLatestAsync()
    {
        var batch = new RpcBatch();
        var history = batch.Add(EthRequests.FeeHistory((ulong)_options.BlockCount, BlockParameter.Latest, _percentiles));
        var gasPrice = _eip1559 ? null : batch.Add(EthRequests.GasPrice());
        await _rpc.SendBatchAsync(batch);

        // The history ends at the latest block: its oldest block plus the blocks it holds, less one.
        var read = history.Value;
        var block = read.OldestBlock + (ulong)Math.Max(read.GasUsedRatio.Count - 1, 0);
        return await QuoteAsync(read, block, gasPrice?.Value);
    }

    /// <summary>The quote from a block's fee history; <paramref name="gasPrice"/> is the node's, on legacy chains (null: asked here).</summary>
    private async Task<FeeQuote> QuoteAsync(RpcFeeHistory history, ulong block, UInt256? gasPrice)
    {
        var nextBaseFee = history.BaseFeePerGas.Count > 0 ? history.BaseFeePerGas[^1] : UInt256.Zero;
        var tip = MedianReward(history);
        if (tip.IsZero)
        {
            tip = await SuggestedTipAsync();
        }

        tip = UInt256.Max(tip, _options.MinPriorityFeePerGas);
        var price = nextBaseFee + tip;
        if (!_eip1559)
        {
            price = UInt256.Max(price, gasPrice ?? await _rpc.GasPriceAsync());
        }

        return new FeeQuote(block, nextBaseFee, tip, nextBaseFee + nextBaseFee + tip, price);
    }

    /// <summary>The lower median of the blocks' reward percentile, over the blocks that used gas (empty blocks report 0).</summary>
    private static UInt256 MedianReward(RpcFeeHistory history)
    {
        var rewards = new List<UInt256>(history.Reward.Count);
        for (var i = 0; i < history.Reward.Count; i++)
        {
            var used = i < history.GasUsedRatio.Count ? history.GasUsedRatio[i] : 0;
            if (used > 0 && history.Reward[i].Count > 0)
            {
                rewards.Add(history.Reward[i][0]);
            }
        }

        if (rewards.Count == 0)
        {
            return UInt256.Zero;
        }

        rewards.Sort();
        return rewards[(rewards.Count - 1) / 2];
    }

    private async Task<UInt256> SuggestedTipAsync()
    {
        try
        {
            return await _rpc.MaxPriorityFeePerGasAsync();
        }
        catch (RpcException e) when (e.IsMethodUnsupported)
        {
            // A node without the method leaves the floor.
            return UInt256.Zero;
        }
    }

    private sealed record Snapshot(FeeQuote Quote, long CheckedAt);
}
