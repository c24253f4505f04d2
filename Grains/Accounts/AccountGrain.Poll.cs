using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// The lifecycle loop of <see cref="AccountGrain"/>: receipts for every attempt, confirmation depth,
/// reorgs, nonces consumed elsewhere, fee bumps of stuck transactions, promotion from the queue,
/// re-broadcasts, and pausing on insufficient funds.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>Receipt lookups in one poll turn.</summary>
    private const int MaxReceiptsPerPoll = 256;

    /// <summary>When each pending transaction's newest attempt was last sent (memory only; a restart re-sends all).</summary>
    private readonly Dictionary<string, DateTimeOffset> _lastBroadcast = new(StringComparer.Ordinal);

    /// <summary>Transactions of which a node accepted at least one attempt (memory only; after a restart assume yes).</summary>
    private readonly HashSet<string> _accepted = new(StringComparer.Ordinal);

    /// <summary>Transactions whose nonce the chain passed without any of their attempts; failed only when a second poll agrees.</summary>
    private readonly HashSet<string> _suspectedExternal = new(StringComparer.Ordinal);

    /// <summary>Polls started in this activation, and the newest one applied: an older poll's readings are stale.</summary>
    private long _pollsStarted;
    private long _pollsApplied;

    /// <summary>An off-turn poll lookup is on its way; the timer does not start another.</summary>
    private bool _pollFetchInFlight;

    /// <summary>
    /// The poll timer: starts the next lookup outside the turn (<see cref="FetchPollAsync"/>); its readings are
    /// applied in a turn of their own (<see cref="ApplyPollAsync"/>). Sends keep running while the node answers.
    /// </summary>
    private async Task PollTickAsync(CancellationToken ct)
    {
        _pollTimer?.Change(PollPhases.UntilFollowing(_time.GetUtcNow(), _chain.Options.PollInterval, _pollPhase), Timeout.InfiniteTimeSpan);
        if (_pollFetchInFlight)
        {
            return;
        }

        if (_live.Count == 0)
        {
            await StopPollingIfIdleAsync();
            return;
        }

        await EnsurePollReminderAsync();
        var snapshot = PollSnapshot();
        var started = ++_pollsStarted;
        _pollFetchInFlight = true;
        RunOffTurn(
            io => FetchPollAsync(snapshot, io),
            async (readings, error, turn) =>
            {
                _pollFetchInFlight = false;
                if (error is not null)
                {
                    LogPollFailed(_logger, _chain.ChainId, _address, error.Message);
                }
                else if (readings is not null)
                {
                    await ApplyPollAsync(readings, started, turn);
                }
            });
    }

    /// <summary>One whole poll inside the turn (the reminder after a restart, <see cref="IAccountGrain.PollAsync"/>).</summary>
    private async Task PollCoreAsync(CancellationToken ct)
    {
        if (_live.Count == 0)
        {
            await StopPollingIfIdleAsync();
            return;
        }

        var started = ++_pollsStarted;
        var readings = await FetchPollAsync(PollSnapshot(), ct);
        if (readings is not null)
        {
            await ApplyPollAsync(readings, started, ct);
        }
    }

    /// <summary>What a poll needs to know of the sent transactions, taken in the turn.</summary>
    private List<PollTarget> PollSnapshot() =>
        [.. _live.Sent
            .Where(t => t.Status is TransactionStatus.Submitted or TransactionStatus.Mined)
            .Select(t => new PollTarget(t.Id, t.Nonce, t.Status == TransactionStatus.Mined, t.Attempts.Length,
                [.. t.Attempts.Where(a => a.SubmittedAt is not null).Select(a => a.Hash)]))];

    /// <summary>
    /// The chain side of a poll; touches no grain state, so it may run outside the turn. First the account's
    /// nonces: a transaction whose nonce the chain has not reached cannot be mined yet, so receipts are looked
    /// up only for nonces below the chain's count (every attempt of each, invariant 3) and for mined ones that
    /// may yet be reorganised away. Null when the node did not answer.
    /// </summary>
    private async Task<PollReadings?> FetchPollAsync(List<PollTarget> targets, CancellationToken ct)
    {
        var heads = new RpcBatch();
        var head = heads.Add(EthRequests.BlockNumber());
        var latestNonce = heads.Add(EthRequests.GetTransactionCount(_address, BlockParameter.Latest));
        var pendingNonce = heads.Add(EthRequests.GetTransactionCount(_address, BlockParameter.Pending));
        var balance = heads.Add(EthRequests.GetBalance(_address, BlockParameter.Latest));
        try
        {
            await _chain.Rpc.SendBatchAsync(heads, cancellationToken: ct);
        }
        catch (RpcException e)
        {
            LogPollFailed(_logger, _chain.ChainId, _address, e.Message);
            return null;
        }

        if (!head.TryGetValue(out var headBlock) || !latestNonce.TryGetValue(out var chainLatest))
        {
            LogPollFailed(_logger, _chain.ChainId, _address, head.Error?.Message ?? latestNonce.Error?.Message ?? "no head");
            return null;
        }

        // At most MaxReceiptsPerPoll lookups a poll, lowest nonces first: after a block that mined thousands of
        // this account's transactions the work spreads over a few polls instead of one long apply turn.
        var batch = new RpcBatch();
        var lookups = new List<(PollTarget Target, List<(Bytes32 Hash, RpcBatchItem<RpcReceipt?> Item)> Items)>();
        var count = 0;
        foreach (var target in targets.Where(t => t.SubmittedHashes.Count > 0 && (t.Mined || t.Nonce < chainLatest)))
        {
            if (count >= MaxReceiptsPerPoll)
            {
                break;
            }

            var items = target.SubmittedHashes.Select(h => (h, batch.Add(EthRequests.GetTransactionReceipt(h)))).ToList();
            count += items.Count;
            lookups.Add((target, items));
        }

        if (batch.Count > 0)
        {
            try
            {
                await _chain.Rpc.SendBatchAsync(batch, cancellationToken: ct);
            }
            catch (RpcException e)
            {
                LogPollFailed(_logger, _chain.ChainId, _address, e.Message);
                return null;
            }
        }

        var found = lookups.Select(l =>
        {
            var hit = l.Items
                .Select(i => i.Item.TryGetValue(out var receipt) && receipt is not null ? (Receipt: receipt, Attempt: i.Hash) : default)
                .FirstOrDefault(r => r.Receipt is not null);
            return new ReceiptReading(l.Target, hit.Receipt, hit.Attempt, l.Items.All(i => i.Item.IsSuccess));
        }).ToList();
        return new PollReadings(
            headBlock, chainLatest, pendingNonce.TryGetValue(out var p) ? p : null, balance.TryGetValue(out var wei) ? wei : null, found);
    }

    /// <summary>
    /// The state side of a poll, in a turn: moves submitted → mined → confirmed/cancelled, detects nonces
    /// consumed outside the service, bumps what blocks the account first, fills free in-flight slots from the
    /// queue, and re-sends attempts the node may have lost. The transactions may have changed since the
    /// readings were taken; each reading is applied to the current version, and the readings of a poll
    /// started before one already applied are dropped.
    /// </summary>
    private async Task ApplyPollAsync(PollReadings readings, long started, CancellationToken ct)
    {
        if (started < _pollsApplied)
        {
            return;
        }

        _pollsApplied = started;
        var chainLatest = readings.ChainLatest;
        _chainNonce = chainLatest;
        if (readings.Balance is { } wei)
        {
            _balance = wei;
            _balanceReadAt = _time.GetUtcNow();
        }

        var now = Now();
        var changes = new AccountChanges();
        foreach (var reading in readings.Receipts)
        {
            if (!_live.TryGet(reading.Target.Id, out var tx) || tx.IsTerminal)
            {
                continue;
            }

            WalletTransaction updated;
            if (reading.Receipt is { } receipt && tx.Attempts.FirstOrDefault(a => a.Hash == reading.Attempt) is { } attempt)
            {
                updated = WithReceipt(tx, receipt, attempt, readings.HeadBlock, now);
            }
            else if (tx.Attempts.Length != reading.Target.Attempts)
            {
                // A cancel added an attempt after the lookup; the next poll looks it up too.
                continue;
            }
            else if (tx.Status == TransactionStatus.Submitted && tx.Nonce < chainLatest && reading.AllLookedUp && !_suspectedExternal.Add(tx.Id))
            {
                // The chain has mined this nonce and none of our attempts is that transaction: another
                // signer used the key. Reported, terminal; the counter resyncs past it (invariant 1).
                updated = (tx with
                {
                    Error = new WalletError(WalletErrorCodes.NonceConsumedExternally,
                        $"Nonce {tx.Nonce} of {_address} was used on chain {_chain.ChainId} by a transaction this service did not send."),
                }).WithStatus(TransactionStatus.Failed, now, "nonce consumed externally");
                _nonceSynced = false;
            }
            else
            {
                updated = WithoutReceipt(tx, now);
            }

            changes.Update(updated, tx);
        }

        ReplaceLive(changes.Updated.Values);
        ResumeIfFunded(changes, now);
        await BumpStuckAsync(changes, now, ct);
        PromoteQueued(changes, now);
        ResendLost(changes, now);

        await CommitChangesAsync(changes, ct);
        QueueBroadcast(changes.ToBroadcast);
        if (!_nonceSynced && readings.PendingNonce is { } chainPending && chainPending > _account.NextNonce)
        {
            // Move the counter past nonces used elsewhere; it is written with the next commit.
            LogNonceAdvanced(_logger, _chain.ChainId, _address, _account.NextNonce, chainPending);
            _account = _account with { NextNonce = chainPending };
        }

        _nonceSynced = true;
        _live.RemoveTerminal();
        await StopPollingIfIdleAsync();
    }

    /// <summary>A sent transaction as a poll sees it: which attempts to look up.</summary>
    private sealed record PollTarget(string Id, ulong Nonce, bool Mined, int Attempts, List<Bytes32> SubmittedHashes);

    /// <summary>The receipt found for one target (null: none of its attempts is included), and whether every lookup was answered.</summary>
    private sealed record ReceiptReading(PollTarget Target, RpcReceipt? Receipt, Bytes32 Attempt, bool AllLookedUp);

    /// <summary>What one poll read from the chain.</summary>
    private sealed record PollReadings(ulong HeadBlock, ulong ChainLatest, ulong? PendingNonce, UInt256? Balance, List<ReceiptReading> Receipts);

    private WalletTransaction WithReceipt(WalletTransaction tx, RpcReceipt receipt, TransactionAttempt attempt, ulong headBlock, DateTimeOffset now)
    {
        var depth = headBlock >= receipt.BlockNumber ? headBlock - receipt.BlockNumber + 1 : 0;
        var buried = depth >= (ulong)_chain.Options.Confirmations;
        var sameBlock = tx.Receipt is { } known && known.BlockHash == receipt.BlockHash && known.TransactionHash == receipt.TransactionHash;
        var result = tx;
        if (!sameBlock)
        {
            result = result with
            {
                Hash = receipt.TransactionHash,
                Receipt = new TransactionReceipt(receipt.TransactionHash, receipt.BlockNumber, receipt.BlockHash, receipt.GasUsed, receipt.EffectiveGasPrice, receipt.Succeeded),
                Error = null,
                UpdatedAt = now,
            };
            if (tx.Status != TransactionStatus.Mined)
            {
                result = result.WithStatus(TransactionStatus.Mined, now, $"block {receipt.BlockNumber}, attempt {attempt.Seq}");
            }
        }

        if (!buried)
        {
            return result;
        }

        // Invariant 4: the cancel replacement included means cancelled; any other attempt means confirmed.
        return attempt.Kind == TransactionAttempt.Cancel
            ? result.WithStatus(TransactionStatus.Cancelled, now, $"cancel replacement included, {depth} confirmation(s)")
            : result.WithStatus(TransactionStatus.Confirmed, now, $"{depth} confirmation(s)");
    }

    /// <summary>A mined transaction whose receipt vanished was reorged out: back to submitted, and sent again.</summary>
    private WalletTransaction WithoutReceipt(WalletTransaction tx, DateTimeOffset now)
    {
        if (tx.Status != TransactionStatus.Mined)
        {
            return tx;
        }

        _lastBroadcast.Remove(tx.Id);
        return (tx with { Receipt = null }).WithStatus(TransactionStatus.Submitted, now, "receipt disappeared (reorg)");
    }

    /// <summary>
    /// Stuck transactions (no inclusion for BumpAfter) get a replacement with both fees raised
    /// (invariant 5), lowest nonce first, since the lowest pending nonce blocks every later one. At
    /// the cap the transaction reports fee_cap_reached and its newest attempt keeps being re-sent.
    /// </summary>
    private async Task BumpStuckAsync(AccountChanges changes, DateTimeOffset now, CancellationToken ct)
    {
        var stuck = _live.Sent
            .Where(t => t.Status == TransactionStatus.Submitted && t.Nonce >= _chainNonce && t.LatestAttempt?.SubmittedAt is { } at && now - at >= _chain.Options.BumpAfter)
            .OrderBy(t => t.Nonce)
            .Take(_chain.Options.BumpDepth)
            .ToList();
        if (stuck.Count == 0 || _account.PausedReason is not null)
        {
            return;
        }

        FeeQuote quote;
        try
        {
            quote = await _chain.Fees.GetQuoteAsync(ct);
        }
        catch (RpcException e)
        {
            LogPollFailed(_logger, _chain.ChainId, _address, $"fee quote for bumps: {e.Message}");
            return;
        }

        foreach (var tx in stuck)
        {
            var latest = tx.LatestAttempt!;
            var bump = BumpPolicy.Next(new TransactionFees(latest.MaxFeePerGas, latest.MaxPriorityFeePerGas, latest.GasPrice), quote, _chain.Options, tx);
            if (bump.AtCap)
            {
                if (tx.Error?.Code != WalletErrorCodes.FeeCapReached)
                {
                    var atCap = tx with { Error = new WalletError(WalletErrorCodes.FeeCapReached, bump.AtCapReason), UpdatedAt = now };
                    changes.Update(atCap, tx);
                    ReplaceLive([atCap]);
                    LogFeeCapReached(_logger, _chain.ChainId, _address, tx.Nonce, bump.AtCapReason);
                }

                continue;
            }

            var current = changes.Current(tx);
            var kind = latest.Kind == TransactionAttempt.Cancel ? TransactionAttempt.Cancel : TransactionAttempt.Bump;
            var fees = bump.Fees;
            var attempt = await SignAttemptAsync(current, kind, fees, now, ct);
            var bumped = (current with { Attempts = current.Attempts.Add(attempt), Hash = attempt.Hash, Error = null, UpdatedAt = now })
                .WithNote(now, $"fee bump {attempt.Seq}: maxFeePerGas {fees.MaxFeePerGas?.ToString() ?? "-"}, gasPrice {fees.GasPrice?.ToString() ?? "-"}");
            changes.Update(bumped, tx);
            changes.NewAttempts.Add((tx.Id, attempt));
            changes.ToBroadcast.Add(attempt);
            changes.Event(WalletEventTypes.TransactionFeeBumped, bumped);
            _lastBroadcast[tx.Id] = now;
            ReplaceLive([bumped]);
        }
    }

    /// <summary>Fills free in-flight slots from the queue, lowest nonce first, unless the account is paused.</summary>
    private void PromoteQueued(AccountChanges changes, DateTimeOffset now)
    {
        if (_account.PausedReason is not null)
        {
            return;
        }

        var free = _chain.Options.MaxInFlight - _live.InFlightCount;
        foreach (var tx in _live.Queued.Take(Math.Max(free, 0)).ToList())
        {
            var current = changes.Current(tx);
            var attempts = current.Attempts.SetItem(current.Attempts.Length - 1, current.Attempts[^1] with { SubmittedAt = now });
            var promoted = (current with { Attempts = attempts }).WithStatus(TransactionStatus.Submitted, now);
            changes.Update(promoted, tx);
            changes.ToBroadcast.Add(promoted.Attempts[^1]);
            _lastBroadcast[tx.Id] = now;
            ReplaceLive([promoted]);
        }
    }

    /// <summary>
    /// Sends the newest attempt of every pending transaction again when it has not been sent for half
    /// of BumpAfter, or at all since this activation: nodes drop transactions and restart, and anvil
    /// can leave a transaction in its queued pool. "Already known" is the usual, harmless answer.
    /// </summary>
    private void ResendLost(AccountChanges changes, DateTimeOffset now)
    {
        if (_account.PausedReason is not null)
        {
            return;
        }

        var interval = _chain.Options.BumpAfter / 2;
        // Nonces below the chain's count are mined already (their receipts are on the way).
        foreach (var tx in _live.Sent.Where(t => t.Status == TransactionStatus.Submitted && t.Nonce >= _chainNonce))
        {
            var latest = tx.LatestAttempt!;
            if (changes.ToBroadcast.Contains(latest))
            {
                continue;
            }

            if (_rebroadcastDue || !_lastBroadcast.TryGetValue(tx.Id, out var last) || now - last >= interval)
            {
                changes.ToBroadcast.Add(latest);
                _lastBroadcast[tx.Id] = now;
            }
        }

        _rebroadcastDue = false;
    }

    /// <summary>A paused account (insufficient funds at broadcast) resumes once the balance covers its lowest pending transaction.</summary>
    private void ResumeIfFunded(AccountChanges changes, DateTimeOffset now)
    {
        if (_account.PausedReason is null || _balance is not { } balance)
        {
            return;
        }

        var lowest = _live.LowestUnmined;
        if (lowest is null || balance >= LiveSet.MaxCost(lowest))
        {
            LogResumed(_logger, _chain.ChainId, _address, balance);
            _account = _account with { PausedReason = null, UpdatedAt = now };
            changes.AccountChanged = true;
            _rebroadcastDue = true;
        }
    }

    private void ReplaceLive(IEnumerable<WalletTransaction> updates)
    {
        foreach (var u in updates)
        {
            _live.Replace(u);
        }
    }

    /// <summary>
    /// Sends attempts in nonce order as one JSON-RPC batch. "Already known" and "nonce too low" are
    /// expected answers (invariant 6): the receipt lookup settles what happened. Insufficient funds
    /// pauses the queue instead of burning nonces; a transaction no node would ever accept (intrinsic
    /// gas, block gas limit) fails and hands its nonce to a zero-value self-transfer (invariant 4).
    /// </summary>
    private async Task BroadcastAsync(List<TransactionAttempt> attempts, CancellationToken ct)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        await ApplyBroadcastAsync(attempts, await SendAttemptsAsync(attempts, ct), ct);
    }

    /// <summary>The node's answer to each attempt (null: accepted), or null when the request failed; touches no grain state.</summary>
    private async Task<List<RpcException?>?> SendAttemptsAsync(List<TransactionAttempt> attempts, CancellationToken ct)
    {
        var batch = new RpcBatch();
        var items = attempts.Select(a => batch.Add(EthRequests.SendRawTransaction(a.Raw.Span))).ToList();
        try
        {
            await _chain.Broadcasts.SendBatchAsync(batch, cancellationToken: ct);
        }
        catch (RpcException e)
        {
            LogBroadcastFailed(_logger, _chain.ChainId, _address, attempts.Count, e.Message);
            return null;
        }

        return [.. items.Select(i => i.Error)];
    }

    /// <summary>Acts on the node's answers to a broadcast, in a turn: pauses, fails hopeless transactions, fills their nonces.</summary>
    private async Task ApplyBroadcastAsync(List<TransactionAttempt> attempts, List<RpcException?>? answers, CancellationToken ct)
    {
        if (answers is null)
        {
            // Stored attempts are sent again by a later poll; nothing is lost.
            _rebroadcastDue = true;
            return;
        }

        var now = Now();
        var changes = new AccountChanges();
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            if (!_live.TryGetByAttempt(attempt.Hash, out var tx) || tx.IsTerminal)
            {
                continue;
            }

            if (answers[i] is not { } error || error.Kind is RpcErrorKind.AlreadyKnown or RpcErrorKind.NonceTooLow)
            {
                _accepted.Add(tx.Id);
                continue;
            }

            LogBroadcastRejected(_logger, _chain.ChainId, _address, attempt.Hash, error.Kind, error.RpcMessage ?? error.Message);
            if (error.Kind == RpcErrorKind.InsufficientFunds && _account.PausedReason is null)
            {
                _account = _account with { PausedReason = $"insufficient funds to broadcast nonce {tx.Nonce}: {error.RpcMessage}", UpdatedAt = now };
                changes.AccountChanged = true;
            }
            else if (error.Kind is RpcErrorKind.IntrinsicGasTooLow or RpcErrorKind.ExceedsBlockGasLimit && !_accepted.Contains(tx.Id)
                && tx.Status == TransactionStatus.Submitted)
            {
                var failed = (tx with { Error = new WalletError(WalletErrorCodes.BroadcastRejected, $"The node rejected every attempt: {error.RpcMessage}") })
                    .WithStatus(TransactionStatus.Failed, now, error.Kind.ToString());
                changes.Update(failed, tx);
                ReplaceLive([failed]);
                await FillNonceAsync(changes, tx.Nonce, TransactionStatus.Submitted, now, ct);
            }
        }

        if (changes.HasWrites)
        {
            await CommitChangesAsync(changes, ct);
            QueueBroadcast(changes.ToBroadcast);
            _live.RemoveTerminal();
        }
    }

    /// <summary>
    /// Invariant 4: a nonce whose transaction will never be mined is taken by a zero-value
    /// self-transfer, so later nonces are never blocked.
    /// </summary>
    private async Task FillNonceAsync(AccountChanges changes, ulong nonce, string status, DateTimeOffset now, CancellationToken ct)
    {
        var quote = await _chain.Fees.GetQuoteAsync(ct);
        var command = new SendCommand(_chain.ChainId, _address, _address, UInt256.Zero, ReadOnlyMemory<byte>.Empty, 21_000, null, null, null, null, null, "");
        var (fees, error) = FeePolicy.ForNewTransaction(command, quote, _chain.Options);
        if (fees is null)
        {
            LogFeeCapReached(_logger, _chain.ChainId, _address, nonce, error!.Message);
            return;
        }

        var tx = BuildTransaction(command, nonce, 21_000, fees);
        var signed = await SignAsync(tx, ct);
        if (_account.PausedReason is not null || _live.LowestQueuedNonce < nonce)
        {
            status = TransactionStatus.Queued;
        }

        var attempt = new TransactionAttempt(0, TransactionAttempt.Original, signed.Hash, signed.Raw, fees.MaxFeePerGas, fees.MaxPriorityFeePerGas, fees.GasPrice,
            now, status == TransactionStatus.Submitted ? now : null);
        var filler = new WalletTransaction(
            NewTransactionId(), _chain.ChainId, _address, _address, UInt256.Zero, ReadOnlyMemory<byte>.Empty, nonce, 21_000,
            null, null, null, status, signed.Hash, [attempt], null, null, false, now, now,
            [new StatusChange(status, now, $"zero-value self-transfer filling nonce {nonce}")], null, null, null);
        changes.Inserted.Add(filler);
        changes.Event(WalletEventTypes.TransactionSubmitted, filler);
        _live.Add(filler);
        if (status == TransactionStatus.Submitted)
        {
            changes.ToBroadcast.Add(attempt);
            _lastBroadcast[filler.Id] = now;
        }
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: poll failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, ulong chainId, Address address, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: broadcast of {Count} attempt(s) failed: {Reason}")]
    private static partial void LogBroadcastFailed(ILogger logger, ulong chainId, Address address, int count, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: node rejected attempt {Hash}: {Kind} {Reason}")]
    private static partial void LogBroadcastRejected(ILogger logger, ulong chainId, Address address, Bytes32 hash, RpcErrorKind kind, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: nonce {Nonce} held at the fee cap: {Reason}")]
    private static partial void LogFeeCapReached(ILogger logger, ulong chainId, Address address, ulong nonce, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Account {ChainId}:{Address}: funded again (balance {Balance}); queue resumed")]
    private static partial void LogResumed(ILogger logger, ulong chainId, Address address, UInt256 balance);
}
