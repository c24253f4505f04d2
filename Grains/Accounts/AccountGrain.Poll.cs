using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Accounts;

/// <summary>The confirmation loop of <see cref="AccountGrain"/>: receipts, promotions from the queue, re-broadcasts.</summary>
public sealed partial class AccountGrain
{
    /// <summary>
    /// One pass: looks up receipts for every attempt of every pending transaction (invariant 3),
    /// moves submitted → mined → confirmed, fills free in-flight slots from the queue, and sends
    /// stored attempts again after a restart.
    /// </summary>
    private async Task PollCoreAsync(CancellationToken ct)
    {
        if (_live.Count == 0)
        {
            await StopPollingIfIdleAsync();
            return;
        }

        var pending = _live.Where(t => t.Status is TransactionStatus.Submitted or TransactionStatus.Mined).ToList();
        var batch = new RpcBatch();
        var head = batch.Add(EthRequests.BlockNumber());
        var latestNonce = batch.Add(EthRequests.GetTransactionCount(_address, BlockParameter.Latest));
        var balance = batch.Add(EthRequests.GetBalance(_address, BlockParameter.Latest));
        var receipts = new List<(WalletTransaction Tx, TransactionAttempt Attempt, RpcBatchItem<RpcReceipt?> Item)>();
        foreach (var tx in pending)
        {
            foreach (var attempt in tx.Attempts)
            {
                if (attempt.SubmittedAt is not null)
                {
                    receipts.Add((tx, attempt, batch.Add(EthRequests.GetTransactionReceipt(attempt.Hash))));
                }
            }
        }

        try
        {
            await _chain.Rpc.SendBatchAsync(batch, cancellationToken: ct);
        }
        catch (RpcException e)
        {
            LogPollFailed(_logger, _chain.ChainId, _address, e.Message);
            return;
        }

        if (!head.TryGetValue(out var headBlock))
        {
            LogPollFailed(_logger, _chain.ChainId, _address, head.Error?.Message ?? "no head");
            return;
        }

        if (latestNonce.TryGetValue(out var nonce))
        {
            _chainNonce = nonce;
        }

        if (balance.TryGetValue(out var wei))
        {
            _balance = wei;
        }

        var now = Now();
        var changed = new Dictionary<string, WalletTransaction>();
        foreach (var group in receipts.GroupBy(r => r.Tx.Id))
        {
            var tx = group.First().Tx;
            var found = group.Select(r => r.Item.TryGetValue(out var receipt) ? receipt : null).FirstOrDefault(r => r is not null);
            var updated = found is null ? WithoutReceipt(tx, now) : WithReceipt(tx, found, headBlock, now);
            if (!ReferenceEquals(updated, tx))
            {
                changed[tx.Id] = updated;
            }
        }

        ReplaceLive(changed.Values);

        // Fill free in-flight slots from the queue, lowest nonce first.
        var inFlight = _live.Count(t => t.Status is TransactionStatus.Submitted or TransactionStatus.Mined);
        var toBroadcast = new List<TransactionAttempt>();
        foreach (var tx in _live.Where(t => t.Status == TransactionStatus.Queued).OrderBy(t => t.Nonce).ToList())
        {
            if (inFlight >= _chain.Options.MaxInFlight)
            {
                break;
            }

            var attempts = tx.Attempts.SetItem(tx.Attempts.Length - 1, tx.Attempts[^1] with { SubmittedAt = now });
            var promoted = (tx with { Attempts = attempts }).WithStatus(TransactionStatus.Submitted, now);
            changed[tx.Id] = promoted;
            ReplaceLive([promoted]);
            toBroadcast.Add(promoted.Attempts[^1]);
            inFlight++;
        }

        if (_rebroadcastDue)
        {
            // After activation, send every pending attempt again: the node may have lost them.
            toBroadcast.AddRange(_live.Where(t => t.Status == TransactionStatus.Submitted && !changed.ContainsKey(t.Id)).Select(t => t.Attempts[^1]));
            _rebroadcastDue = false;
        }

        if (changed.Count > 0)
        {
            await CommitAsync([], [.. changed.Values], [], ct);
        }

        await BroadcastAsync(toBroadcast, ct);
        _live.RemoveAll(t => t.IsTerminal);
        await StopPollingIfIdleAsync();
    }

    private WalletTransaction WithReceipt(WalletTransaction tx, RpcReceipt receipt, ulong headBlock, DateTimeOffset now)
    {
        var depth = headBlock >= receipt.BlockNumber ? headBlock - receipt.BlockNumber + 1 : 0;
        var confirmed = depth >= (ulong)_chain.Options.Confirmations;
        var sameBlock = tx.Receipt is { } known && known.BlockHash == receipt.BlockHash && known.TransactionHash == receipt.TransactionHash;
        var result = tx;
        if (!sameBlock)
        {
            result = result with
            {
                Hash = receipt.TransactionHash,
                Receipt = new TransactionReceipt(receipt.TransactionHash, receipt.BlockNumber, receipt.BlockHash, receipt.GasUsed, receipt.EffectiveGasPrice, receipt.Succeeded),
                UpdatedAt = now,
            };
            if (tx.Status != TransactionStatus.Mined)
            {
                result = result.WithStatus(TransactionStatus.Mined, now, $"block {receipt.BlockNumber}");
            }
        }

        return confirmed ? result.WithStatus(TransactionStatus.Confirmed, now, $"{depth} confirmation(s)") : result;
    }

    /// <summary>A mined transaction whose receipt vanished was reorged out: back to submitted.</summary>
    private static WalletTransaction WithoutReceipt(WalletTransaction tx, DateTimeOffset now) =>
        tx.Status == TransactionStatus.Mined
            ? (tx with { Receipt = null }).WithStatus(TransactionStatus.Submitted, now, "receipt disappeared (reorg)")
            : tx;

    private void ReplaceLive(IEnumerable<WalletTransaction> updates)
    {
        foreach (var u in updates)
        {
            var index = _live.FindIndex(t => t.Id == u.Id);
            if (index >= 0)
            {
                _live[index] = u;
            }
        }
    }

    /// <summary>
    /// Sends attempts in nonce order as one JSON-RPC batch. "Already known" and "nonce too low" are
    /// expected answers (invariant 6): the poll's receipt lookup settles what happened.
    /// </summary>
    private async Task BroadcastAsync(List<TransactionAttempt> attempts, CancellationToken ct)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        var batch = new RpcBatch();
        var items = attempts.Select(a => (Attempt: a, Item: batch.Add(EthRequests.SendRawTransaction(a.Raw.Span)))).ToList();
        try
        {
            await _chain.Rpc.SendBatchAsync(batch, cancellationToken: ct);
        }
        catch (RpcException e)
        {
            // Stored attempts are sent again by a later poll; nothing is lost.
            LogBroadcastFailed(_logger, _chain.ChainId, _address, attempts.Count, e.Message);
            _rebroadcastDue = true;
            return;
        }

        foreach (var (attempt, item) in items)
        {
            if (item.Error is { } error && error.Kind is not (RpcErrorKind.AlreadyKnown or RpcErrorKind.NonceTooLow))
            {
                LogBroadcastRejected(_logger, _chain.ChainId, _address, attempt.Hash, error.Kind, error.RpcMessage ?? error.Message);
                _rebroadcastDue = true;
            }
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2003, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Account {ChainId}:{Address}: poll failed: {Reason}")]
    private static partial void LogPollFailed(Microsoft.Extensions.Logging.ILogger logger, ulong chainId, Address address, string reason);

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2004, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Account {ChainId}:{Address}: broadcast of {Count} attempt(s) failed: {Reason}")]
    private static partial void LogBroadcastFailed(Microsoft.Extensions.Logging.ILogger logger, ulong chainId, Address address, int count, string reason);

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2005, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Account {ChainId}:{Address}: node rejected attempt {Hash}: {Kind} {Reason}")]
    private static partial void LogBroadcastRejected(Microsoft.Extensions.Logging.ILogger logger, ulong chainId, Address address, Bytes32 hash, RpcErrorKind kind, string reason);
}
