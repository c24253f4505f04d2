using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Monitoring;

/// <summary>A block as the monitor links it: number, hash and parent hash.</summary>
public sealed record ScannedBlock(ulong Number, Bytes32 Hash, Bytes32 ParentHash);

/// <summary>
/// One scanned step: the blocks <c>from..To</c> (linked to each other and to the anchor) and their events in block
/// order; or, when <see cref="ChainMoved"/> is set, nothing usable because the chain changed while it was read.
/// </summary>
public sealed record ScanResult(ulong To, IReadOnlyList<ScannedBlock> Blocks, IReadOnlyList<ActivityEvent> Events, string? ChainMoved)
{
    /// <summary>A step abandoned because the answers did not describe one chain.</summary>
    public static ScanResult Moved(string reason) => new(0, [], [], reason);
}

/// <summary>
/// Reads one step of blocks for an event monitor: <c>eth_getLogs</c> for Transfer and Approval with the followed
/// addresses as topic OR-lists (in topic 1 and in topic 2, across every contract), the blocks themselves (hash chain,
/// and with full transactions the native transfers), and receipts of candidate native transfers (only successful
/// ones count). Every answer must belong to the same chain: each block's parent is the previous block (the first's is
/// the anchor), and each log and receipt names the block hash read; otherwise the step reports <see cref="ScanResult.ChainMoved"/>.
/// The block range adapts to what the node accepts (<see cref="BlockRangeSizer"/>, <see cref="LogQueryRefusal"/>).
/// </summary>
public sealed class ChainScanner
{
    /// <summary>Blocks per JSON-RPC batch when reading full blocks, so a wide step never holds one huge response.</summary>
    public const int BlocksPerBatch = 20;

    private readonly EthRpcClient _rpc;
    private readonly ILogger _logger;
    private readonly ulong _chainId;
    private readonly BlockRangeSizer _range;
    private int _addressesPerQuery;

    /// <summary>Creates a scanner with the chain's monitor limits.</summary>
    public ChainScanner(EthRpcClient rpc, ulong chainId, ChainMonitorOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _rpc = rpc;
        _chainId = chainId;
        _logger = logger;
        _range = new BlockRangeSizer(options.MaxBlockRange);
        _addressesPerQuery = options.AddressesPerQuery;
    }

    /// <summary>The block range of the next log query.</summary>
    public int BlockRange => _range.Current;

    /// <summary>Followed addresses per topic OR-list in the next log query.</summary>
    public int AddressesPerQuery => _addressesPerQuery;

    /// <summary>
    /// Scans from <paramref name="from"/> up to at most <paramref name="target"/> (fewer blocks when the range is
    /// smaller). <paramref name="anchor"/> is the processed block just below <paramref name="from"/>, when known.
    /// </summary>
    /// <exception cref="RpcException">A call failed for a reason other than the query's size, or the node refuses even one block for one address.</exception>
    public async Task<ScanResult> ScanAsync(ulong from, ulong target, ScannedBlock? anchor, IReadOnlySet<Address> watched, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watched);
        ArgumentOutOfRangeException.ThrowIfLessThan(target, from);
        var addresses = watched.OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal).ToList();
        var (to, logs) = await ReadLogsAsync(from, target, addresses, cancellationToken);

        var blocks = new List<ScannedBlock>((int)(to - from + 1));
        var candidates = new List<(RpcTransaction Tx, ScannedBlock Block)>();
        for (var start = from; start <= to; start += BlocksPerBatch)
        {
            var end = Math.Min(to, start + BlocksPerBatch - 1);
            var batch = new RpcBatch();
            var items = new List<RpcBatchItem<RpcBlock?>>();
            for (var n = start; n <= end; n++)
            {
                items.Add(batch.Add(EthRequests.GetBlockByNumber(n, fullTransactions: addresses.Count > 0)));
            }

            await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Value is not { } block)
                {
                    return ScanResult.Moved($"block {start + (ulong)i} is gone (the chain got shorter)");
                }

                var previous = blocks.Count > 0 ? blocks[^1] : anchor?.Number + 1 == from ? anchor : null;
                if (previous is not null && block.ParentHash != previous.Hash)
                {
                    return ScanResult.Moved($"block {block.Number} ({block.Hash}) has parent {block.ParentHash}, not {previous.Hash}");
                }

                var scanned = new ScannedBlock(block.Number, block.Hash, block.ParentHash);
                blocks.Add(scanned);
                foreach (var tx in block.Transactions ?? [])
                {
                    // Creations count only as outgoing: the new contract's address is known from the receipt alone.
                    if (!tx.Value.IsZero && (watched.Contains(tx.From) || (tx.To is { } recipient && watched.Contains(recipient))))
                    {
                        candidates.Add((tx, scanned));
                    }
                }
            }
        }

        var events = new List<ActivityEvent>();
        foreach (var log in logs)
        {
            if (log.Removed || log.BlockNumber is not { } n || n < from || n > to || log.BlockHash != blocks[(int)(n - from)].Hash)
            {
                return ScanResult.Moved($"a log of block {log.BlockNumber} names block {log.BlockHash}, not the block read");
            }

            events.AddRange(ActivityEvents.FromLog(log, watched));
        }

        var moved = await AddNativeTransfersAsync(candidates, watched, events, cancellationToken);
        if (moved is not null)
        {
            return ScanResult.Moved(moved);
        }

        // Block order; within a transaction its native value moves before its logs (OrderBy is stable for the rest).
        IReadOnlyList<ActivityEvent> ordered = [.. events.OrderBy(e => e.BlockNumber).ThenBy(e => e.TransactionIndex).ThenBy(e => e.LogIndex is { } i ? i + 1 : 0)];
        return new ScanResult(to, blocks, ordered, null);
    }

    /// <summary>
    /// The logs of <c>from..to</c>, where <c>to</c> is as far toward <paramref name="target"/> as the current range allows:
    /// on a refusal for size the range halves (then the address lists do) and the query is sent again.
    /// </summary>
    private async Task<(ulong To, List<RpcLog> Logs)> ReadLogsAsync(ulong from, ulong target, List<Address> addresses, CancellationToken cancellationToken)
    {
        while (true)
        {
            var to = from + Math.Min(target - from, (ulong)_range.Current - 1);
            if (addresses.Count == 0)
            {
                return (to, []);
            }

            try
            {
                var logs = await QueryLogsAsync(from, to, addresses, cancellationToken);
                _range.Accepted(to - from + 1);
                return (to, logs);
            }
            catch (RpcException e)
            {
                var refusal = LogQueryRefusal.Classify(e);
                if (refusal == LogQueryRefusalKind.TooLarge && _range.TryShrink())
                {
                    MonitorLog.RangeShrunk(_logger, _chainId, from, to, _range.Current, e.RpcMessage ?? e.Message);
                    continue;
                }

                if (refusal != LogQueryRefusalKind.None && _addressesPerQuery > 1)
                {
                    _addressesPerQuery = Math.Max(1, _addressesPerQuery / 2);
                    MonitorLog.AddressListShrunk(_logger, _chainId, _addressesPerQuery, e.RpcMessage ?? e.Message);
                    continue;
                }

                throw;
            }
        }
    }

    /// <summary>
    /// One batch: per chunk of addresses, Transfer/Approval with a followed address in topic 1 (sender, owner) and in
    /// topic 2 (receiver, spender). A log matching both (a transfer between two followed addresses) comes back twice
    /// and is kept once.
    /// </summary>
    private async Task<List<RpcLog>> QueryLogsAsync(ulong from, ulong to, List<Address> addresses, CancellationToken cancellationToken)
    {
        var batch = new RpcBatch();
        var items = new List<RpcBatchItem<IReadOnlyList<RpcLog>>>();
        foreach (var chunk in addresses.Chunk(_addressesPerQuery))
        {
            IReadOnlyList<Bytes32> alternatives = [.. chunk.Select(Bytes32.FromAddress)];
            items.Add(batch.Add(EthRequests.GetLogs(new RpcLogFilter { FromBlock = from, ToBlock = to, Topics = [ActivityEvents.EventTopics, alternatives] })));
            items.Add(batch.Add(EthRequests.GetLogs(new RpcLogFilter { FromBlock = from, ToBlock = to, Topics = [ActivityEvents.EventTopics, null, alternatives] })));
        }

        await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
        var seen = new HashSet<(Bytes32?, ulong?)>();
        var logs = new List<RpcLog>();
        foreach (var item in items)
        {
            foreach (var log in item.Value)
            {
                if (seen.Add((log.BlockHash, log.LogIndex)))
                {
                    logs.Add(log);
                }
            }
        }

        return logs;
    }

    /// <summary>Adds the native transfers whose receipts say success; returns why the step is void when a receipt names another block.</summary>
    private async Task<string?> AddNativeTransfersAsync(List<(RpcTransaction Tx, ScannedBlock Block)> candidates, IReadOnlySet<Address> watched, List<ActivityEvent> events, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var batch = new RpcBatch();
        var receipts = candidates.Select(c => batch.Add(EthRequests.GetTransactionReceipt(c.Tx.Hash))).ToList();
        await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
        for (var i = 0; i < candidates.Count; i++)
        {
            var (tx, block) = candidates[i];
            if (receipts[i].Value is not { } receipt || receipt.BlockHash != block.Hash)
            {
                return $"the receipt of {tx.Hash} is not in block {block.Number} ({block.Hash})";
            }

            // EIP-658 status 0: reverted, no value moved. Pre-Byzantium receipts carry no status; they are taken as success.
            if (receipt.Status == 0 || (tx.To ?? receipt.ContractAddress) is not { } to)
            {
                continue;
            }

            events.AddRange(ActivityEvents.FromNativeTransfer(tx.Hash, receipt.TransactionIndex, block.Number, block.Hash, tx.From, to, tx.Value, watched));
        }

        return null;
    }
}
