using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Send writes the turn does not wait for. A send batch's turn reserves nonces, signs, queues the write in the store
/// and ends; the next batch of the account is checked and signed while the write commits, and its own write queues
/// right behind. The store writes an account's commits in the order they were queued, each swapping the version the
/// one before it wrote: if one fails, every write queued behind it misses its version and writes nothing too.
/// The callers wait for the write that carries their sends (<see cref="AcceptedSends.Durable"/>); the attempts are
/// broadcast only in a turn after it has landed, in queue order (invariant 2). A failed write leaves this activation
/// ahead of storage: it takes no more sends and makes way for a fresh one, which waits for the writes still queued
/// (<see cref="OnDeactivateAsync"/>) before it reads storage.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>Send writes queued and not yet settled, oldest first.</summary>
    private readonly Queue<UnsettledSend> _unsettled = new();

    /// <summary>The Idempotency-Keys of the unsettled writes, with the transaction each created.</summary>
    private readonly Dictionary<(string ApiKeyId, string Key), WalletTransaction> _unsettledKeys = [];

    /// <summary>
    /// Hashes of the attempts in unsettled writes, and in failed ones: the outbox takes none of them (invariant 2),
    /// whatever a poll's resend or a promotion asks; a landed write's attempts are queued when it settles.
    /// </summary>
    private readonly HashSet<Bytes32> _unwrittenAttempts = [];

    /// <summary>The latest send write queued (completed once every earlier one has).</summary>
    private Task _lastSendCommit = Task.CompletedTask;

    /// <summary>The first send write that failed; from then on this activation takes no sends and writes nothing.</summary>
    private Exception? _sendCommitFailure;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The next activation reads storage: not before the writes this one queued have landed or failed.
        if (_unsettled.Count > 0)
        {
            try
            {
                await Task.WhenAll(_unsettled.Select(u => u.Commit)).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Failures are answered to their callers, below.
            }
        }

        foreach (var send in _unsettled)
        {
            send.Settled.TrySetResult();
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Queues the batch's write and moves the activation's state past it, as if it had landed.</summary>
    private void QueueSendCommit(AccountChanges changes)
    {
        var write = NewWrite(changes);
        Task<AccountRecord> commit;
        try
        {
            commit = _store.CommitAsync(write, CancellationToken.None);
        }
        catch (Exception e)
        {
            commit = Task.FromException<AccountRecord>(e);
        }

        _account = write.Account with { Version = write.ExpectedVersion + 1 };
        _live.AddRange(changes.Inserted);
        foreach (var attempt in changes.Inserted.SelectMany(t => t.Attempts))
        {
            _unwrittenAttempts.Add(attempt.Hash);
        }

        foreach (var key in changes.IdempotencyKeys)
        {
            _unsettledKeys[(key.ApiKeyId, key.Key)] = changes.Inserted.First(t => t.Id == key.TransactionId);
        }

        var send = new UnsettledSend(commit, changes);
        _unsettled.Enqueue(send);
        _lastSendCommit = send.DurableAsync();
        RunOffTurn(_ => commit, (_, _, _) =>
        {
            SettleSendCommits();
            return Task.CompletedTask;
        });
    }

    /// <summary>Completes once every send write queued so far has landed; faults as the first that failed.</summary>
    private Task SendCommitsDurable() => _lastSendCommit;

    /// <summary>
    /// Takes the landed writes off the front of the queue, in order: their attempts go to the outbox; a failed one
    /// marks the activation stale.
    /// </summary>
    private void SettleSendCommits()
    {
        while (_unsettled.TryPeek(out var head) && head.Commit.IsCompleted)
        {
            _unsettled.Dequeue();
            foreach (var key in head.Changes.IdempotencyKeys)
            {
                _unsettledKeys.Remove((key.ApiKeyId, key.Key));
            }

            if (head.Commit.IsCompletedSuccessfully)
            {
                foreach (var attempt in head.Changes.Inserted.SelectMany(t => t.Attempts))
                {
                    _unwrittenAttempts.Remove(attempt.Hash);
                }

                RecordMetrics(head.Changes);
                QueueBroadcast(head.Changes.ToBroadcast);
                continue;
            }

            // The first failure retires the activation; the writes queued behind it miss their version and write nothing.
            if (_sendCommitFailure is null)
            {
                var error = head.Commit.Exception!.GetBaseException();
                _sendCommitFailure = error;
                if (error is InconsistentStateException)
                {
                    LogVersionConflict(_logger, _chain.ChainId, _address, error.Message);
                }
                else
                {
                    LogCommitFailed(_logger, _chain.ChainId, _address, error.Message);
                }

                DeactivateOnIdle();
            }

            head.Settled.TrySetResult();
        }
    }

    /// <summary>Waits for the queued send writes and settles them, so a write that follows sees storage as the activation does.</summary>
    private async Task WhenSendCommitsSettledAsync()
    {
        if (_unsettled.Count > 0)
        {
            try
            {
                await Task.WhenAll(_unsettled.Select(u => u.Commit));
            }
            catch (Exception)
            {
                // Settled below.
            }
        }

        ThrowIfSendCommitFailed();
    }

    /// <summary>After a failed send write this activation is ahead of storage; the call goes to a fresh one.</summary>
    private void ThrowIfSendCommitFailed()
    {
        SettleSendCommits();
        if (_sendCommitFailure is { } failure)
        {
            DeactivateOnIdle();
            throw new InconsistentStateException(
                $"A send write of {_chain.ChainId}:{_address} failed ({failure.Message}); the next activation reloads from storage.");
        }
    }

    /// <summary>A queued send write; <see cref="Settled"/> completes once a failure of it has been taken in (the activation retired).</summary>
    private sealed record UnsettledSend(Task<AccountRecord> Commit, AccountChanges Changes)
    {
        public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>
        /// Completes when the write has landed. A failure is passed on only after this activation has taken it in and
        /// retired, so a caller that retries reaches a fresh activation.
        /// </summary>
        public async Task DurableAsync()
        {
            try
            {
                await Commit;
            }
            catch (Exception)
            {
                await Settled.Task;
                throw;
            }
        }
    }
}
