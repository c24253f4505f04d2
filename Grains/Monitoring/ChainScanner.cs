using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Storage;

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
/// addresses as topic OR-lists (in topic 1 and in topic 2, across every contract), the blocks themselves (hash chain),
/// and for native transfers each block's receipts, with the values of the candidates from the service's own signed
/// attempts or from the node (only successful transfers count). A node without <c>eth_getBlockReceipts</c> is read
/// with full blocks and the candidates' receipts instead. Every answer must belong to the same chain: each block's
/// parent is the previous block (the first's is the anchor), and each log and receipt names the block hash read;
/// otherwise the step reports <see cref="ScanResult.ChainMoved"/>.
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
    private readonly IWalletStore? _store;
    private int _addressesPerQuery;
    private bool? _blockReceipts;

    /// <summary>Creates a scanner with the chain's monitor limits.</summary>
    /// <param name="store">Where the values of the service's own transactions are read from (their signed bytes); null reads every value from the node.</param>
    public ChainScanner(EthRpcClient rpc, ulong chainId, ChainMonitorOptions options, ILogger logger, IWalletStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _rpc = rpc;
        _chainId = chainId;
        _logger = logger;
        _store = store;
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

        // Native transfers need each transaction's value. With receipts per block the blocks are read as hashes and
        // only the candidates' values are looked up; a node without eth_getBlockReceipts serves the blocks in full.
        var receiptsPerBlock = addresses.Count > 0 && _blockReceipts != false;
        var blocks = new List<ScannedBlock>((int)(to - from + 1));
        var read = new List<RpcBlock>((int)(to - from + 1));
        for (var start = from; start <= to; start += BlocksPerBatch)
        {
            var end = Math.Min(to, start + BlocksPerBatch - 1);
            var batch = new RpcBatch();
            var items = new List<RpcBatchItem<RpcBlock?>>();
            for (var n = start; n <= end; n++)
            {
                items.Add(batch.Add(EthRequests.GetBlockByNumber(n, fullTransactions: addresses.Count > 0 && !receiptsPerBlock)));
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

                blocks.Add(new ScannedBlock(block.Number, block.Hash, block.ParentHash));
                read.Add(block);
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

        string? moved;
        if (!receiptsPerBlock)
        {
            moved = await AddNativeTransfersAsync(FullBlockCandidates(read, blocks, watched), watched, events, cancellationToken);
        }
        else
        {
            var fromReceipts = await AddNativeTransfersFromReceiptsAsync(read, blocks, watched, events, cancellationToken);
            if (fromReceipts.Unsupported is { } refusal)
            {
                _blockReceipts = false;
                MonitorLog.BlockReceiptsUnsupported(_logger, _chainId, refusal);
                return await ScanAsync(from, target, anchor, watched, cancellationToken);
            }

            moved = fromReceipts.Moved;
        }

        if (moved is not null)
        {
            return ScanResult.Moved(moved);
        }

        // Block order; within a transaction its native value moves before its logs (OrderBy is stable for the rest).
        IReadOnlyList<ActivityEvent> ordered = [.. events.OrderBy(e => e.BlockNumber).ThenBy(e => e.TransactionIndex).ThenBy(e => e.LogIndex is { } i ? i + 1 : 0)];
        return new ScanResult(to, blocks, ordered, null);
    }

    /// <summary>The value-moving transactions of full blocks that a followed address sent or receives.</summary>
    private static List<(RpcTransaction Tx, ScannedBlock Block)> FullBlockCandidates(List<RpcBlock> read, List<ScannedBlock> blocks, IReadOnlySet<Address> watched)
    {
        var candidates = new List<(RpcTransaction Tx, ScannedBlock Block)>();
        for (var i = 0; i < read.Count; i++)
        {
            foreach (var tx in read[i].Transactions ?? [])
            {
                // Creations count only as outgoing: the new contract's address is known from the receipt alone.
                if (!tx.Value.IsZero && (watched.Contains(tx.From) || (tx.To is { } recipient && watched.Contains(recipient))))
                {
                    candidates.Add((tx, blocks[i]));
                }
            }
        }

        return candidates;
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

    /// <summary>
    /// Native transfers from each block's receipts (<c>eth_getBlockReceipts</c>): the successful transactions a followed
    /// address sent or receives are the candidates. Their values come from this service's own signed attempts where
    /// it sent them (the bytes whose hash the receipt names), otherwise from <c>eth_getTransactionByHash</c>.
    /// Answers why the step is void when an answer belongs to another chain, or why the node cannot serve receipts per block.
    /// </summary>
    private async Task<(string? Moved, string? Unsupported)> AddNativeTransfersFromReceiptsAsync(
        List<RpcBlock> read, List<ScannedBlock> blocks, IReadOnlySet<Address> watched, List<ActivityEvent> events, CancellationToken cancellationToken)
    {
        var candidates = new List<(RpcReceipt Receipt, ScannedBlock Block)>();
        for (var start = 0; start < read.Count; start += BlocksPerBatch)
        {
            var batch = new RpcBatch();
            var items = new List<(int Index, RpcBatchItem<IReadOnlyList<RpcReceipt>?> Item)>();
            for (var i = start; i < Math.Min(read.Count, start + BlocksPerBatch); i++)
            {
                if (read[i].TransactionHashes.Count > 0)
                {
                    items.Add((i, batch.Add(EthRequests.GetBlockReceipts(read[i].Hash))));
                }
            }

            if (items.Count == 0)
            {
                continue;
            }

            await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
            foreach (var (i, item) in items)
            {
                if (item.Error is { } error && _blockReceipts != true && error.IsMethodUnsupported)
                {
                    return (null, error.RpcMessage ?? error.Message);
                }

                var block = blocks[i];
                var hashes = read[i].TransactionHashes;
                var receipts = item.Value;
                _blockReceipts = true;
                if (receipts is null)
                {
                    return ($"the receipts of block {block.Number} ({block.Hash}) are gone", null);
                }

                if (receipts.Count != hashes.Count)
                {
                    return ($"block {block.Number} ({block.Hash}) has {hashes.Count} transactions but {receipts.Count} receipts", null);
                }

                foreach (var receipt in receipts)
                {
                    if (receipt.BlockHash != block.Hash || receipt.TransactionIndex >= (ulong)hashes.Count || hashes[(int)receipt.TransactionIndex] != receipt.TransactionHash)
                    {
                        return ($"the receipt of {receipt.TransactionHash} is not in block {block.Number} ({block.Hash})", null);
                    }

                    // EIP-658 status 0: reverted, no value moved. Creations count only as outgoing, as with full blocks.
                    if (receipt.Status != 0 && (watched.Contains(receipt.From) || (receipt.To is { } recipient && watched.Contains(recipient))))
                    {
                        candidates.Add((receipt, block));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            return (null, null);
        }

        var values = await SignedValuesAsync(candidates.Select(c => c.Receipt.TransactionHash).ToList(), cancellationToken);
        var lookups = new RpcBatch();
        var looked = new Dictionary<Bytes32, RpcBatchItem<RpcTransaction?>>();
        foreach (var (receipt, _) in candidates)
        {
            if (!values.ContainsKey(receipt.TransactionHash) && !looked.ContainsKey(receipt.TransactionHash))
            {
                looked[receipt.TransactionHash] = lookups.Add(EthRequests.GetTransactionByHash(receipt.TransactionHash));
            }
        }

        if (lookups.Count > 0)
        {
            await _rpc.SendBatchAsync(lookups, cancellationToken: cancellationToken);
        }

        foreach (var (receipt, block) in candidates)
        {
            if (!values.TryGetValue(receipt.TransactionHash, out var value))
            {
                if (looked[receipt.TransactionHash].Value is not { } tx || tx.BlockHash != block.Hash)
                {
                    return ($"the transaction {receipt.TransactionHash} is not in block {block.Number} ({block.Hash})", null);
                }

                value = tx.Value;
            }

            if (value.IsZero || (receipt.To ?? receipt.ContractAddress) is not { } to)
            {
                continue;
            }

            events.AddRange(ActivityEvents.FromNativeTransfer(receipt.TransactionHash, receipt.TransactionIndex, block.Number, block.Hash, receipt.From, to, value, watched));
        }

        return (null, null);
    }

    /// <summary>
    /// Values of the transactions among <paramref name="hashes"/> that this service signed, read from their stored
    /// bytes (which hash to exactly the transaction the receipt names). Without a store, none.
    /// </summary>
    private async Task<Dictionary<Bytes32, UInt256>> SignedValuesAsync(List<Bytes32> hashes, CancellationToken cancellationToken)
    {
        var values = new Dictionary<Bytes32, UInt256>();
        if (_store is null)
        {
            return values;
        }

        foreach (var (hash, raw) in await _store.FindSignedAttemptsAsync(hashes, cancellationToken))
        {
            if (TryReadValue(hash, raw, out var value))
            {
                values[hash] = value;
            }
        }

        return values;
    }

    /// <summary>The value of the signed transaction <paramref name="raw"/>, when its bytes hash to <paramref name="hash"/> and parse.</summary>
    private static bool TryReadValue(Bytes32 hash, byte[] raw, out UInt256 value)
    {
        value = default;
        Span<byte> digest = stackalloc byte[Bytes32.Length];
        Keccak256.Hash(raw, digest);
        if (Bytes32.FromBytes(digest) != hash || !TransactionEncoding.TryDecodeSigned(raw, out var tx, out _, out _))
        {
            return false;
        }

        value = tx.Value;
        return true;
    }
}
