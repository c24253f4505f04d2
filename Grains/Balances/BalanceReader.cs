using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// Reads many (address, token) balances pinned to one block. Through Multicall3: <c>aggregate3</c> with
/// <c>allowFailure = true</c> (<c>getEthBalance</c> for the native coin, <c>balanceOf</c> for tokens), <see cref="ChunkSize"/>
/// reads per <c>eth_call</c>, the chunks as one JSON-RPC batch — split into several POSTs, sent a few at once, only where
/// the batch would exceed <see cref="MaxRequestBytes"/> (nodes cap request bodies) or the client's batch size. Without a
/// multicall: JSON-RPC batches of <c>eth_getBalance</c> and <c>eth_call balanceOf</c>. A read that fails (a token that
/// reverts or is not a contract) is reported as failed and never affects the others.
/// </summary>
public sealed class BalanceReader
{
    /// <summary>POSTs in flight at once (a node serves them in parallel).</summary>
    private const int Concurrency = 4;

    /// <summary>JSON-RPC envelope and block tag around an eth_call's calldata, in bytes (generous).</summary>
    private const int EnvelopeBytes = 200;

    private readonly EthRpcClient _rpc;

    public BalanceReader(EthRpcClient rpc, Address multicall, int chunkSize, int maxRequestBytes = 1_500_000)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequestBytes, 1);
        _rpc = rpc;
        Multicall = multicall;
        ChunkSize = chunkSize;
        MaxRequestBytes = maxRequestBytes;
    }

    /// <summary>The Multicall3 contract.</summary>
    public Address Multicall { get; }

    /// <summary>Reads per <c>aggregate3</c>.</summary>
    public int ChunkSize { get; }

    /// <summary>Largest request body of one POST, in bytes (estimated from the calldata; one chunk alone may exceed it).</summary>
    public int MaxRequestBytes { get; }

    /// <summary>True when the multicall address holds code at the latest block (<c>eth_getCode</c>).</summary>
    public async Task<bool> HasMulticallAsync(CancellationToken cancellationToken = default) =>
        (await _rpc.GetCodeAsync(Multicall, BlockParameter.Latest, cancellationToken)).Length > 0;

    /// <summary>
    /// Reads every key at <paramref name="blockNumber"/>. Throws <see cref="RpcException"/> when the node cannot be
    /// reached (nothing is half-read then); per-read failures are in the result.
    /// </summary>
    public async Task<BalanceReadResult> ReadAsync(IReadOnlyList<BalanceKey> keys, ulong blockNumber, bool useMulticall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var values = new UInt256?[keys.Count];
        var counts = new Counts();
        var block = BlockParameter.FromNumber(blockNumber);
        if (useMulticall)
        {
            await ReadWithMulticallAsync(keys, block, values, counts, cancellationToken);
        }
        else
        {
            await ReadSinglyAsync(keys, Enumerable.Range(0, keys.Count).ToList(), block, values, counts, cancellationToken);
        }

        return new BalanceReadResult(values, useMulticall, counts.EthCalls, counts.GetBalances, values.Count(v => v is null));
    }

    private async Task ReadWithMulticallAsync(IReadOnlyList<BalanceKey> keys, BlockParameter block, UInt256?[] values, Counts counts, CancellationToken cancellationToken)
    {
        var chunks = new List<(int Start, int Count)>();
        for (var start = 0; start < keys.Count; start += ChunkSize)
        {
            chunks.Add((start, Math.Min(ChunkSize, keys.Count - start)));
        }

        // One batch, cut into POSTs of at most MaxRequestBytes: calldata travels as hex, two characters a byte.
        var batches = new List<RpcBatch>();
        var items = new List<RpcBatchItem<byte[]>>(chunks.Count);
        var bytes = 0L;
        foreach (var (start, count) in chunks)
        {
            var (request, size) = Aggregate3(keys, start, count, block);
            if (batches.Count == 0 || bytes + size > MaxRequestBytes)
            {
                batches.Add(new RpcBatch());
                bytes = 0;
            }

            items.Add(batches[^1].Add(request));
            bytes += size;
        }

        counts.EthCalls += items.Count;
        await SendAllAsync(batches, cancellationToken);

        var retry = new List<int>();
        for (var i = 0; i < chunks.Count; i++)
        {
            if (!items[i].TryGetValue(out var data) || !TryTake(data, chunks[i].Start, chunks[i].Count, values))
            {
                retry.Add(i);
            }
        }

        // A chunk whose aggregate3 failed as a whole (the node refused the batch, or the call ran out of gas) is tried
        // once more on its own, and its reads then one by one, so one bad chunk never costs the others.
        var single = new List<int>();
        using var gate = new SemaphoreSlim(Concurrency);
        await Task.WhenAll(retry.Select(async i =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var (start, count) = chunks[i];
                byte[] data;
                try
                {
                    Interlocked.Increment(ref counts.EthCalls);
                    data = await _rpc.SendAsync(Aggregate3(keys, start, count, block).Request, cancellationToken);
                }
                catch (RpcException e) when (e.Kind is not (RpcErrorKind.ServerUnavailable or RpcErrorKind.Timeout or RpcErrorKind.RateLimited))
                {
                    data = [];
                }

                if (!TryTake(data, start, count, values))
                {
                    lock (single)
                    {
                        single.AddRange(Enumerable.Range(start, count));
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        if (single.Count > 0)
        {
            single.Sort();
            await ReadSinglyAsync(keys, single, block, values, counts, cancellationToken);
        }
    }

    /// <summary>The aggregate3 eth_call of one chunk, and the size of its JSON-RPC request in bytes.</summary>
    private (RpcRequest<byte[]> Request, long Bytes) Aggregate3(IReadOnlyList<BalanceKey> keys, int start, int count, BlockParameter block)
    {
        var calls = new Multicall3Call[count];
        for (var i = 0; i < count; i++)
        {
            var key = keys[start + i];
            calls[i] = key.Token is { } token
                ? new Multicall3Call(token, AllowFailure: true, Erc20.EncodeBalanceOf(key.Address))
                : new Multicall3Call(Multicall, AllowFailure: true, Multicall3.EncodeGetEthBalance(key.Address));
        }

        var data = Multicall3.EncodeAggregate3(calls);
        return (EthRequests.Call(new RpcCallRequest { To = Multicall, Data = data }, block), (2L * data.Length) + EnvelopeBytes);
    }

    /// <summary>Sends the batches, <see cref="Concurrency"/> POSTs at a time; a transport failure of any is thrown.</summary>
    private async Task SendAllAsync(List<RpcBatch> batches, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Concurrency);
        await Task.WhenAll(batches.Select(async batch =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Takes the values of one chunk's results; false when the return data is not one result per call.</summary>
    private static bool TryTake(byte[] returnData, int start, int count, UInt256?[] values)
    {
        if (returnData.Length == 0 || !Multicall3.TryDecodeAggregate3(returnData, out var results, out _) || results.Count != count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            // A call to an address without code "succeeds" with no data; only one uint256 word is a balance.
            values[start + i] = results[i].Success && Erc20.TryDecodeUInt256(results[i].ReturnData, out var value) ? value : null;
        }

        return true;
    }

    /// <summary>eth_getBalance / eth_call balanceOf per key, in JSON-RPC batches of the client's batch size, a few at once.</summary>
    private async Task ReadSinglyAsync(IReadOnlyList<BalanceKey> keys, List<int> indexes, BlockParameter block, UInt256?[] values, Counts counts, CancellationToken cancellationToken)
    {
        var perBatch = _rpc.Options.MaxBatchSize;
        using var gate = new SemaphoreSlim(Concurrency);
        var tasks = new List<Task>();
        for (var start = 0; start < indexes.Count; start += perBatch)
        {
            var slice = indexes.GetRange(start, Math.Min(perBatch, indexes.Count - start));
            tasks.Add(ReadBatchAsync(slice));
        }

        await Task.WhenAll(tasks);

        async Task ReadBatchAsync(List<int> slice)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var batch = new RpcBatch();
                var reads = new List<(int Index, RpcBatchItem<UInt256>? Native, RpcBatchItem<byte[]>? Token)>(slice.Count);
                foreach (var index in slice)
                {
                    var key = keys[index];
                    if (key.Token is { } token)
                    {
                        Interlocked.Increment(ref counts.EthCalls);
                        reads.Add((index, null, batch.Add(EthRequests.Call(new RpcCallRequest { To = token, Data = Erc20.EncodeBalanceOf(key.Address) }, block))));
                    }
                    else
                    {
                        Interlocked.Increment(ref counts.GetBalances);
                        reads.Add((index, batch.Add(EthRequests.GetBalance(key.Address, block)), null));
                    }
                }

                await _rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
                foreach (var (index, native, token) in reads)
                {
                    values[index] = native is not null
                        ? native.TryGetValue(out var balance) ? balance : null
                        : token!.TryGetValue(out var data) && Erc20.TryDecodeUInt256(data, out var value) ? value : null;
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private sealed class Counts
    {
        public int EthCalls;
        public int GetBalances;
    }
}

/// <summary>What one <see cref="BalanceReader.ReadAsync"/> found: a value per key (null where the read failed) and the requests it took.</summary>
/// <param name="Values">In the order of the keys.</param>
/// <param name="EthCalls"><c>eth_call</c> requests sent (each aggregate3 is one).</param>
/// <param name="GetBalances"><c>eth_getBalance</c> requests sent.</param>
public sealed record BalanceReadResult(IReadOnlyList<UInt256?> Values, bool Multicall, int EthCalls, int GetBalances, int Failed);
