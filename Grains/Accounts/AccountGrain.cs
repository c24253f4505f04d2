using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Resources;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Telemetry;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Owns one custodied account's nonce counter and pending set (DESIGN.md §4). Not reentrant: every
/// send batch, poll and cancel is one turn, so nonce assignment needs no locks. The poll timer's receipt
/// lookups and the outbox's broadcasts talk to the node outside any turn and hand their results to a
/// turn of their own, so a send batch never waits on the node's answers. Durable state lives in the
/// wallet tables; the account row's version guards against a second activation elsewhere.
/// </summary>
public sealed partial class AccountGrain : Grain, IAccountGrain, IRemindable
{
    private const string PollReminderName = "poll";

    private readonly IWalletStore _store;
    private readonly IChainRegistry _chains;
    private readonly IKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;
    private readonly WalletMetrics? _metrics;

    /// <summary>Non-terminal transactions (a failed one may share a nonce with its successor until the turn ends).</summary>
    private readonly LiveSet _live = new();

    private ChainContext _chain = null!;
    private Address _address;
    private AccountRecord _account = null!;
    private bool _nonceSynced;
    private bool _rebroadcastDue;
    private ulong _chainNonce;
    private UInt256? _balance;
    private DateTimeOffset _balanceReadAt;
    private IGrainTimer? _pollTimer;

    /// <summary>The node's answer to the activation's own read (<see cref="StartActivationReading"/>); null once taken.</summary>
    private Task<ChainReading?>? _activationReading;

    /// <summary>Where in each poll interval this activation polls (<see cref="PollPhases"/>).</summary>
    private double _pollPhase;
    private IGrainTimer? _flushTimer;
    private readonly List<TransactionAttempt> _outbox = [];
    private bool _broadcastInFlight;
    private bool _reminderRegistered;

    public AccountGrain(IWalletStore store, IChainRegistry chains, IKeyStore keys, TimeProvider time, ILogger<AccountGrain> logger, WalletMetrics? metrics = null)
    {
        _metrics = metrics;
        _store = store;
        _chains = chains;
        _keys = keys;
        _time = time;
        _logger = logger;
    }

    private long ExpectedVersion => _account.Version;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !ulong.TryParse(key.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var chainId)
            || !Address.TryParse(key[(colon + 1)..], out var address))
        {
            throw new ArgumentException($"Account grain key '{key}' is not '{{chainId}}:{{address}}'.");
        }

        if (!_chains.TryGet(chainId, out var chain))
        {
            throw new InvalidOperationException($"Account grain '{key}': chain {chainId} is not configured.");
        }

        if (!_keys.Contains(address))
        {
            throw new InvalidOperationException($"Account grain '{key}': address {address} is not custodied here.");
        }

        _chain = chain;
        _address = address;
        _activationReading = StartActivationReading(chain, address, _time, _logger);

        // The store's read, at once with the node's (above): the first send after an activation waits for both.
        var snapshot = await _store.GetAccountSnapshotAsync(chainId, address, cancellationToken);
        _account = snapshot.Account
            ?? new AccountRecord(chainId, address, NextNonce: 0, Version: 0, PausedReason: null, _time.GetUtcNow());
        _live.AddRange(snapshot.Live);

        // After a restart every stored attempt of a pending transaction may be unknown to the node
        // (invariant 2): the first poll sends them again; "already known" is an expected answer.
        _rebroadcastDue = _live.Count > 0;
        if (_live.Count > 0)
        {
            EnsurePolling();
        }
    }

    public async Task<AccountView> GetAsync()
    {
        try
        {
            await SyncNonceAsync(CancellationToken.None);
        }
        catch (WalletGrains.Ethereum.Rpc.RpcException e)
        {
            // The view still answers from storage while the chain is unreachable.
            LogPollFailed(_logger, _chain.ChainId, _address, e.Message);
        }

        return new AccountView(
            _chain.ChainId,
            _address,
            _account.NextNonce,
            _chainNonce,
            _live.InFlightCount,
            _live.QueuedCount,
            _balance,
            _live.OldestInFlight,
            _live.Bumps,
            _account.PausedReason);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == PollReminderName)
        {
            await PollCoreAsync(CancellationToken.None);
        }
    }

    public Task PollAsync() => PollCoreAsync(CancellationToken.None);

    public async Task<SendOutcome> CancelAsync(string transactionId)
    {
        var ct = CancellationToken.None;
        if (!_live.TryGet(transactionId, out var tx))
        {
            var stored = await _store.GetTransactionAsync(transactionId, ct);
            return stored is null || stored.ChainId != _chain.ChainId || stored.From != _address
                ? SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotFound, $"No transaction '{transactionId}' from {_address} on chain {_chain.ChainId}."))
                : SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotCancellable, $"Transaction '{transactionId}' is already {stored.Status}."));
        }

        if (tx.CancelRequested)
        {
            return SendOutcome.Accepted(tx, replayed: true);
        }

        var now = Now();
        var changes = new AccountChanges();
        switch (tx.Status)
        {
            case TransactionStatus.Mined:
                return SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotCancellable,
                    $"Transaction '{transactionId}' is already included in block {tx.Receipt?.BlockNumber}; it can no longer be replaced."));

            case TransactionStatus.Queued:
            {
                // Never broadcast: cancelled at once; a zero-value self-transfer takes its place in the queue.
                var cancelled = (tx with { CancelRequested = true })
                    .WithStatus(TransactionStatus.Cancelled, now, $"cancelled before broadcast; nonce {tx.Nonce} goes to a zero-value self-transfer");
                changes.Update(cancelled, tx);
                ReplaceLive([cancelled]);
                await FillNonceAsync(changes, tx.Nonce, TransactionStatus.Queued, now, ct);
                await CommitChangesAsync(changes, ct);
                _live.RemoveTerminal();
                return SendOutcome.Accepted(cancelled);
            }

            default:
            {
                var quote = await _chain.Fees.GetQuoteAsync(ct);
                var latest = tx.LatestAttempt!;
                var bump = BumpPolicy.Next(new TransactionFees(latest.MaxFeePerGas, latest.MaxPriorityFeePerGas, latest.GasPrice), quote, _chain.Options, tx);
                if (bump.AtCap)
                {
                    return SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotCancellable,
                        $"Transaction '{transactionId}' cannot be replaced by a cancel: {bump.AtCapReason}"));
                }

                var fees = bump.Fees;
                var attempt = await SignAttemptAsync(tx, TransactionAttempt.Cancel, fees, now, ct);
                var requested = (tx with { CancelRequested = true, Attempts = tx.Attempts.Add(attempt), Hash = attempt.Hash, UpdatedAt = now })
                    .WithNote(now, $"cancel requested: zero-value self-transfer at nonce {tx.Nonce}");
                changes.Update(requested, tx);
                changes.NewAttempts.Add((tx.Id, attempt));
                changes.ToBroadcast.Add(attempt);
                ReplaceLive([requested]);
                _lastBroadcast[tx.Id] = now;
                await CommitChangesAsync(changes, ct);
                await BroadcastAsync(changes.ToBroadcast, ct);
                return SendOutcome.Accepted(requested);
            }
        }
    }

    /// <summary>
    /// Invariant 1: the local counter only moves forward and never below the chain's pending count,
    /// read once per activation before the first nonce is handed out.
    /// </summary>
    private async Task SyncNonceAsync(CancellationToken cancellationToken)
    {
        await TakeActivationReadingAsync();
        if (_nonceSynced)
        {
            return;
        }

        ApplyChainNonce(await _chain.Rpc.GetTransactionCountAsync(_address, BlockParameter.Pending, cancellationToken));
    }

    /// <summary>
    /// Asks the node for the account's pending count and balance as the activation starts, while storage is read,
    /// and has the chain's fee quote refreshed if it is due: a cold account's first send would otherwise wait for
    /// storage, then for the quote, then for the node. The read runs outside the turn and touches no grain state; the
    /// first turn that needs the nonce takes its answer (<see cref="TakeActivationReadingAsync"/>), and the quote is
    /// the chain's, shared by every caller. Any failure is "no answer": that turn asks the node itself, as it did
    /// before, and reports what goes wrong then.
    /// </summary>
    private static Task<ChainReading?> StartActivationReading(ChainContext chain, Address address, TimeProvider time, ILogger logger)
    {
        // The activation's context (call chain, request context) must not follow the I/O out of the turn.
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(async () =>
            {
                var readAt = time.GetUtcNow();
                var quote = chain.Fees.GetQuoteAsync(CancellationToken.None).AsTask();
                var batch = new RpcBatch();
                var nonce = batch.Add(EthRequests.GetTransactionCount(address, BlockParameter.Pending));
                var balance = batch.Add(EthRequests.GetBalance(address, BlockParameter.Latest));
                try
                {
                    await chain.Rpc.SendBatchAsync(batch, cancellationToken: CancellationToken.None);
                }
                catch (RpcException e)
                {
                    LogActivationReadFailed(logger, chain.ChainId, address, e.Message);
                }

                try
                {
                    await quote;
                }
                catch (RpcException e)
                {
                    LogActivationReadFailed(logger, chain.ChainId, address, e.Message);
                }

                return nonce.TryGetValue(out var pending) && balance.TryGetValue(out var wei) ? new ChainReading(pending, wei, readAt) : (ChainReading?)null;
            });
        }
    }

    /// <summary>
    /// Applies the activation's reading once (invariant 1: the counter never falls below the chain's pending count).
    /// A reading older than <see cref="BalanceMaxAge"/> (an activation that sent nothing for a while) is dropped,
    /// and so is the nonce once a poll has synced it.
    /// </summary>
    private async Task TakeActivationReadingAsync()
    {
        if (_activationReading is not { } pending)
        {
            return;
        }

        _activationReading = null;
        if (await pending is not { } reading || _time.GetUtcNow() - reading.ReadAt > BalanceMaxAge)
        {
            return;
        }

        if (!_nonceSynced)
        {
            ApplyChainNonce(reading.PendingNonce);
        }

        if (_balance is null || _balanceReadAt < reading.ReadAt)
        {
            _balance = reading.Balance;
            _balanceReadAt = reading.ReadAt;
        }
    }

    /// <summary>The node's pending count and balance for this account, and when they were asked for.</summary>
    private readonly record struct ChainReading(ulong PendingNonce, UInt256 Balance, DateTimeOffset ReadAt);

    /// <summary>Applies the chain's pending count read for <see cref="SyncNonceAsync"/> (or with a send batch's checks).</summary>
    private void ApplyChainNonce(ulong chainPending)
    {
        if (chainPending > _account.NextNonce)
        {
            // Only nonces used outside this service can put the chain ahead of our counter.
            LogNonceAdvanced(_logger, _chain.ChainId, _address, _account.NextNonce, chainPending);
            _account = _account with { NextNonce = chainPending };
        }

        _nonceSynced = true;
    }

    /// <summary>
    /// Starts the poll timer if it is not running. The poll reminder is written by the first tick
    /// (<see cref="EnsurePollReminderAsync"/>), not here: a send that started polling is answered after its own commit
    /// and not after a second write. Until the reminder is written, a restart resumes the account through
    /// <see cref="PendingAccountsResumer"/>, and the timer does the polling while the activation lives.
    /// </summary>
    private void EnsurePolling()
    {
        if (_pollTimer is null)
        {
            // A one-shot timer each tick sets again (PollTickAsync), so the account keeps its phase.
            _pollPhase = _chain.PollPhases.Next();
            _pollTimer = RegisterGrainTimer(
                PollTickAsync, PollPhases.UntilFirst(_time.GetUtcNow(), _chain.Options.PollInterval, _pollPhase), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The reminder only brings the account back after a restart or idle collection; the timer does the frequent work
    /// while the activation lives. A failed write is logged and tried again on the next tick.
    /// </summary>
    private async Task EnsurePollReminderAsync()
    {
        if (_reminderRegistered)
        {
            return;
        }

        var period = TimeSpan.FromTicks(Math.Max(_chain.Options.PollInterval.Ticks * 10, TimeSpan.FromSeconds(10).Ticks));
        try
        {
            await RegisterOrUpdateReminder(PollReminderName, period, period);
            _reminderRegistered = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPollReminderFailed(_logger, _chain.ChainId, _address, e.Message);
        }
    }

    private async Task StopPollingIfIdleAsync()
    {
        if (_live.Count > 0)
        {
            return;
        }

        _pollTimer?.Dispose();
        _pollTimer = null;
        if (_reminderRegistered && await GetReminder(PollReminderName) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }

    /// <summary>Sends durable attempts in a turn of their own, right after the current one.</summary>
    private void QueueBroadcast(List<TransactionAttempt> attempts)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        _outbox.AddRange(attempts);
        _flushTimer ??= RegisterGrainTimer(FlushOutboxAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _flushTimer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Sends the outbox as one JSON-RPC batch outside the turn, one batch on the wire at a time so attempts reach
    /// the node in nonce order; the answers are handled in a turn of their own.
    /// </summary>
    private Task FlushOutboxAsync(CancellationToken ct)
    {
        if (_outbox.Count == 0 || _broadcastInFlight)
        {
            return Task.CompletedTask;
        }

        // Queued in nonce order by the turns that produced them.
        var attempts = _outbox.ToList();
        _outbox.Clear();
        _broadcastInFlight = true;
        RunOffTurn(
            io => SendAttemptsAsync(attempts, io),
            async (answers, error, turn) =>
            {
                _broadcastInFlight = false;
                if (error is not null)
                {
                    LogBroadcastFailed(_logger, _chain.ChainId, _address, attempts.Count, error.Message);
                }

                await ApplyBroadcastAsync(attempts, error is null ? answers : null, turn);
                await FlushOutboxAsync(turn);
            });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Commits one turn's changes. The turn has already moved this activation's state ahead of storage (the next nonce,
    /// transactions marked mined or promoted), so a commit that fails in any way but a taken idempotency key (which
    /// writes nothing and which the send path redoes) drops the activation: the next call reloads what storage holds
    /// instead of handing out nonces after ones that were never written.
    /// </summary>
    private async Task CommitChangesAsync(AccountChanges changes, CancellationToken cancellationToken)
    {
        if (!changes.HasWrites)
        {
            return;
        }

        var write = new AccountWrite(
            _account with { UpdatedAt = Now() },
            ExpectedVersion,
            [.. changes.Inserted],
            [.. changes.Updated.Values],
            [.. changes.NewAttempts],
            [.. changes.IdempotencyKeys])
        {
            // The transaction.* events are written in the same commit as the change they report.
            NewEvents = [.. changes.Events.Select(e => new NewWalletEvent(e.Type, e.Transaction.UpdatedAt, _chain.ChainId, false, TransactionResource.ToJson(e.Transaction)))],
        };
        try
        {
            _account = await _store.CommitAsync(write, cancellationToken);
        }
        catch (InconsistentStateException e)
        {
            LogVersionConflict(_logger, _chain.ChainId, _address, e.Message);
            DeactivateOnIdle();
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping (a timer's token): an expected end, not a failure. Whatever storage holds is
            // what the next activation reads, as after any failed commit.
            LogCommitCancelled(_logger, _chain.ChainId, _address);
            DeactivateOnIdle();
            throw;
        }
        catch (Exception e) when (e is not IdempotencyKeyTakenException)
        {
            LogCommitFailed(_logger, _chain.ChainId, _address, e.Message);
            DeactivateOnIdle();
            throw;
        }

        RecordMetrics(changes);
    }

    private void RecordMetrics(AccountChanges changes)
    {
        if (_metrics is null)
        {
            return;
        }

        foreach (var tx in changes.Inserted.Where(t => t.Status == TransactionStatus.Queued))
        {
            _metrics.TransactionStatusChanged(_chain.ChainId, TransactionStatus.Queued);
        }

        foreach (var (type, tx) in changes.Events)
        {
            if (type == WalletEventTypes.TransactionFeeBumped)
            {
                _metrics.FeeBumped(_chain.ChainId);
            }
            else
            {
                _metrics.TransactionStatusChanged(_chain.ChainId, tx.Status);
            }
        }

        _metrics.ReportAccount(_chain.ChainId, _address, _live.InFlightCount, _live.OldestInFlight);
    }

    /// <summary>Signs a replacement at the transaction's nonce: a fee bump of the same call, or a cancel (zero-value self-transfer).</summary>
    private async Task<TransactionAttempt> SignAttemptAsync(WalletTransaction tx, string kind, TransactionFees fees, DateTimeOffset now, CancellationToken ct)
    {
        var cancel = kind == TransactionAttempt.Cancel;
        var command = new SendCommand(
            _chain.ChainId, _address, cancel ? _address : tx.To, cancel ? UInt256.Zero : tx.Value, cancel ? ReadOnlyMemory<byte>.Empty : tx.Data,
            null, null, null, null, null, null, "");
        var gasLimit = cancel ? 21_000UL : tx.GasLimit;
        var signed = await SignAsync(BuildTransaction(command, tx.Nonce, gasLimit, fees), ct);
        return new TransactionAttempt(tx.Attempts.Length, kind, signed.Hash, signed.Raw, fees.MaxFeePerGas, fees.MaxPriorityFeePerGas, fees.GasPrice, now, now);
    }

    /// <summary>Now, at the millisecond precision the stores keep, so what a send returns equals what a read returns.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private static string NewTransactionId() => "tx_" + Guid.CreateVersion7().ToString("N");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Account {ChainId}:{Address}: next nonce moved from {Local} to the chain's pending count {Chain}")]
    private static partial void LogNonceAdvanced(ILogger logger, ulong chainId, Address address, ulong local, ulong chain);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: version conflict, another activation wrote first ({Detail}); deactivating")]
    private static partial void LogVersionConflict(ILogger logger, ulong chainId, Address address, string detail);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "Account {ChainId}:{Address}: commit failed ({Reason}); deactivating, the next call reloads from storage")]
    private static partial void LogCommitFailed(ILogger logger, ulong chainId, Address address, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: the poll reminder could not be written ({Reason}); the next poll tries again")]
    private static partial void LogPollReminderFailed(ILogger logger, ulong chainId, Address address, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "Account {ChainId}:{Address}: the activation's read of the pending nonce, balance or fee quote failed ({Reason}); the first send asks again")]
    private static partial void LogActivationReadFailed(ILogger logger, ulong chainId, Address address, string reason);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Account {ChainId}:{Address}: commit cancelled, the silo is stopping; the next activation reloads from storage")]
    private static partial void LogCommitCancelled(ILogger logger, ulong chainId, Address address);
}
