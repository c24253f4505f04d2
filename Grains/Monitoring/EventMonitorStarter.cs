using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// Starts the event monitor of every configured chain whose monitor is enabled, once the host has started (so the
/// silo already takes calls, whatever order hosted services were registered in). A monitor that cannot start yet
/// (for example its chain's node is down at activation) is retried until it does or the host stops; after that
/// the monitor's reminder keeps it running across idle collection and restarts.
/// </summary>
public sealed class EventMonitorStarter(
    IChainRegistry chains, IGrainFactory grains, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<EventMonitorStarter> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenRegistration _started;
    private Task _run = Task.CompletedTask;
    private int _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(() => _run = StartMonitorsAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may be stopped again after it was disposed (tests stop and dispose nodes more than once).
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _started.DisposeAsync();
        try
        {
            await _run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping while a monitor was still being started.
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _started.Dispose();
        _stopping.Dispose();
    }

    private async Task StartMonitorsAsync(CancellationToken cancellationToken)
    {
        var pending = chains.Chains.Where(c => c.Options.Monitor.Enabled).Select(c => c.ChainId).ToList();
        var started = 0;
        while (pending.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            foreach (var chainId in pending.ToList())
            {
                try
                {
                    await grains.GetGrain<IEventMonitorGrain>(EventMonitorKeys.For(chainId)).StartAsync();
                    pending.Remove(chainId);
                    started++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One chain failing must not stop the others; its start is retried below.
                    MonitorLog.StartFailed(logger, chainId, e.Message);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }

        MonitorLog.MonitorsStarted(logger, started);
    }
}
