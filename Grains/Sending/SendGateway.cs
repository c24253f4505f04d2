using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Sending;

/// <summary>
/// Group commit in front of the account grains: while one <see cref="IAccountGrain.AcceptAsync"/>
/// call for an account is running, later sends for that account wait in its lane and go together in
/// the next call. One lane drains at a time per account, so the grain sees few large batches instead
/// of many single sends — one durable write per batch, and the grain stays non-reentrant. The lane
/// does not wait for a batch's write to land before it hands the grain the next batch: the grain
/// queues the writes in order, and each send is answered once the write that carries it has landed.
/// </summary>
public sealed partial class SendGateway(IGrainFactory grains, ILogger<SendGateway> logger) : ISendGateway
{
    /// <summary>The most sends one grain call carries.</summary>
    public const int MaxBatch = 512;

    /// <summary>
    /// An account's accepted batches whose writes have not landed yet, at most: one being written and one queued
    /// behind it, so a send that arrives while a write is under way joins the store's next group.
    /// </summary>
    public const int MaxUnsettled = 2;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new();

    public Task<SendOutcome> SendAsync(SendCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = GrainKeys.Account(command.ChainId, command.From);
        var lane = _lanes.GetOrAdd(key, static k => new Lane(k));
        var pending = new PendingSend(command);
        bool start;
        lock (lane)
        {
            lane.Queue.Add(pending);
            start = !lane.Draining;
            lane.Draining = true;
        }

        if (start)
        {
            _ = DrainAsync(lane);
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(Lane lane)
    {
        var grain = grains.GetGrain<IAccountGrain>(lane.Key);
        while (true)
        {
            // Wait for the oldest write while the account has MaxUnsettled in the store: sends that arrive meanwhile
            // go together in one batch, as they would behind a turn, instead of a write each.
            while (lane.Unsettled.Count >= MaxUnsettled)
            {
                await lane.Unsettled.Dequeue();
            }

            List<PendingSend> batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Draining = false;
                    return;
                }

                var take = Math.Min(lane.Queue.Count, MaxBatch);
                batch = lane.Queue.GetRange(0, take);
                lane.Queue.RemoveRange(0, take);
            }

            lane.Unsettled.Enqueue(await AcceptBatchAsync(grain, lane.Key, batch, attempt: 1));
            while (lane.Unsettled.TryPeek(out var oldest) && oldest.IsCompleted)
            {
                _ = lane.Unsettled.Dequeue();
            }
        }
    }

    /// <summary>
    /// Hands the batch to the grain and returns once the grain has queued its write; the sends are answered when the
    /// write lands. A write that failed because the activation was stale (or an Idempotency-Key was taken meanwhile)
    /// wrote nothing: the batch goes once more to a fresh activation.
    /// </summary>
    /// <returns>A task that completes once the sends are answered (it never faults).</returns>
    private async Task<Task> AcceptBatchAsync(IAccountGrain grain, string key, List<PendingSend> batch, int attempt)
    {
        var commands = batch.Select(p => p.Command).ToImmutableArray();
        AcceptedSends accepted;
        try
        {
            accepted = await grain.AcceptAsync(commands);
        }
        catch (Exception e)
        {
            await FailedAsync(grain, key, batch, attempt, e);
            return Task.CompletedTask;
        }

        return AnswerWhenDurableAsync(grain, key, batch, attempt, accepted);
    }

    private async Task AnswerWhenDurableAsync(IAccountGrain grain, string key, List<PendingSend> batch, int attempt, AcceptedSends accepted)
    {
        try
        {
            await accepted.Durable;
        }
        catch (Exception e)
        {
            await FailedAsync(grain, key, batch, attempt, e);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(accepted.Outcomes[i]);
        }
    }

    private async Task FailedAsync(IAccountGrain grain, string key, List<PendingSend> batch, int attempt, Exception e)
    {
        switch (e)
        {
            case InconsistentStateException or IdempotencyKeyTakenException when attempt == 1:
                // Another activation wrote this account first, an earlier write of this one failed, or another
                // account's batch took one of these Idempotency-Keys: nothing of the batch was written. The
                // activation makes way for a fresh one, whose reload (and key lookup) the retry reaches.
                LogRetryAfterConflict(logger, key, e.Message);
                await await AcceptBatchAsync(grain, key, batch, attempt + 1);
                return;
            case RpcException:
                var error = new WalletError(WalletErrorCodes.ChainUnavailable, $"The chain's RPC endpoint failed: {e.Message}");
                foreach (var p in batch)
                {
                    p.Completion.TrySetResult(SendOutcome.Rejected(error));
                }

                return;
            default:
                foreach (var p in batch)
                {
                    p.Completion.TrySetException(e);
                }

                return;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Account {Key}: version conflict on submit, retrying once on a fresh activation ({Detail})")]
    private static partial void LogRetryAfterConflict(ILogger logger, string key, string detail);

    private sealed class Lane(string key)
    {
        public string Key { get; } = key;

        public List<PendingSend> Queue { get; } = [];

        public bool Draining { get; set; }

        /// <summary>Answers of accepted batches still waiting for their writes, oldest first (the draining loop's own).</summary>
        public Queue<Task> Unsettled { get; } = new();
    }

    private sealed class PendingSend(SendCommand command)
    {
        public SendCommand Command { get; } = command;

        public TaskCompletionSource<SendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
