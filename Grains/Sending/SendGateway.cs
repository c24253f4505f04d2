using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Sending;

/// <summary>
/// Group commit in front of the account grains: while one <see cref="IAccountGrain.SubmitAsync"/>
/// call for an account is running, later sends for that account wait in its lane and go together in
/// the next call. One lane drains at a time per account, so the grain sees few large batches instead
/// of many single sends — one durable write per batch, and the grain stays non-reentrant.
/// </summary>
public sealed partial class SendGateway(IGrainFactory grains, ILogger<SendGateway> logger) : ISendGateway
{
    /// <summary>The most sends one grain call carries.</summary>
    public const int MaxBatch = 512;

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

            await SubmitBatchAsync(grain, lane.Key, batch);
        }
    }

    private async Task SubmitBatchAsync(IAccountGrain grain, string key, List<PendingSend> batch)
    {
        var commands = batch.Select(p => p.Command).ToImmutableArray();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcomes = await grain.SubmitAsync(commands);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }

                return;
            }
            catch (InconsistentStateException e) when (attempt == 1)
            {
                // Another activation wrote this account first; this one deactivates and the retry
                // reaches a fresh activation that reloads. Nothing of the failed batch was written.
                LogRetryAfterConflict(logger, key, e.Message);
            }
            catch (RpcException e)
            {
                var error = new WalletError(WalletErrorCodes.ChainUnavailable, $"The chain's RPC endpoint failed: {e.Message}");
                foreach (var p in batch)
                {
                    p.Completion.TrySetResult(SendOutcome.Rejected(error));
                }

                return;
            }
            catch (Exception e)
            {
                foreach (var p in batch)
                {
                    p.Completion.TrySetException(e);
                }

                return;
            }
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Account {Key}: version conflict on submit, retrying once on a fresh activation ({Detail})")]
    private static partial void LogRetryAfterConflict(ILogger logger, string key, string detail);

    private sealed class Lane(string key)
    {
        public string Key { get; } = key;

        public List<PendingSend> Queue { get; } = [];

        public bool Draining { get; set; }
    }

    private sealed class PendingSend(SendCommand command)
    {
        public SendCommand Command { get; } = command;

        public TaskCompletionSource<SendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
