using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Chain I/O that the account's turns do not wait for. The timer's receipt lookups and the outbox's broadcasts
/// read or send over the network outside any turn; what they bring back is applied in a turn of its own. A send
/// batch that arrives meanwhile runs at once instead of queueing behind a node's answer.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>Results of off-turn I/O, applied in the next turn in the order they arrived.</summary>
    private readonly ConcurrentQueue<Func<CancellationToken, Task>> _completions = new();

    private IGrainTimer? _completionTimer;

    /// <summary>
    /// Starts <paramref name="io"/> outside the turn (it must not touch the grain's state) and applies its
    /// result, or its exception, in a later turn of this activation. After a deactivation the result is dropped:
    /// the next activation reads storage and the chain again.
    /// </summary>
    private void RunOffTurn<T>(Func<CancellationToken, Task<T>> io, Func<T?, Exception?, CancellationToken, Task> apply)
    {
        _completionTimer ??= RegisterGrainTimer(ApplyCompletionsAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var timer = _completionTimer;
        Task work;

        // The turn's context (call chain, request context) must not follow the I/O out of the turn.
        using (ExecutionContext.SuppressFlow())
        {
            work = Task.Run(async () =>
            {
                T? result = default;
                Exception? error = null;
                try
                {
                    result = await io(CancellationToken.None);
                }
                catch (Exception e)
                {
                    error = e;
                }

                _completions.Enqueue(ct => apply(result, error, ct));
                try
                {
                    timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                    // Deactivated meanwhile; nothing to apply to.
                }
            });
        }

        _ = work;
    }

    /// <summary>Applies what off-turn I/O brought back (one timer tick; a completion arriving mid-tick gets the next).</summary>
    private async Task ApplyCompletionsAsync(CancellationToken ct)
    {
        while (_completions.TryDequeue(out var apply))
        {
            try
            {
                await apply(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The silo is stopping; the rest is dropped with the activation (the next one reads storage and the chain).
                return;
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                LogOffTurnApplyFailed(_logger, _chain.ChainId, _address, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: applying a poll or broadcast result failed: {Reason}")]
    private static partial void LogOffTurnApplyFailed(ILogger logger, ulong chainId, Address address, string reason);
}
