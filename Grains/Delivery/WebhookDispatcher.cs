using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>Lets the API tell the dispatcher that webhooks changed in this process.</summary>
public interface IWebhookDispatcher
{
    /// <summary>Re-reads the webhooks now: starts delivery to created or re-enabled ones, stops it for deleted or disabled ones.</summary>
    void Wake();
}

/// <summary>
/// Delivers the event log to every enabled webhook (DESIGN.md §6): one worker per webhook, each running a
/// <see cref="WebhookDelivery"/> loop, so webhooks progress independently and each one strictly in event-id order.
/// The outbox is durable without copies: the log plus each webhook's cursor. The dispatcher re-reads the list of
/// webhooks when woken and every <see cref="WebhookOptions.ScanInterval"/>; workers wait on the
/// <see cref="IEventNotifier"/> and poll every <see cref="EventFeedOptions.PollInterval"/>. Several processes on one
/// database share the work through each webhook's lease.
/// </summary>
public sealed class WebhookDispatcher : BackgroundService, IWebhookDispatcher
{
    /// <summary>Longest wait after an unexpected worker error (the wait doubles from the poll interval up to this).</summary>
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(30);

    private readonly Services _services;
    private readonly AsyncSignal _wake;
    private readonly TimeSpan _scanInterval;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private CancellationToken _stopping;

    public WebhookDispatcher(
        IWebhookStore webhooks,
        IWalletStore events,
        IEventNotifier notifier,
        WebhookSender sender,
        TimeProvider time,
        IOptions<WebhookOptions> options,
        IOptions<EventFeedOptions> feedOptions,
        ILogger<WebhookDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(feedOptions);
        var webhookOptions = options.Value;
        var poll = feedOptions.Value.PollInterval;
        _services = new Services(
            webhooks,
            events,
            notifier,
            sender,
            time,
            logger,
            new WebhookBackoff(webhookOptions.InitialBackoff, webhookOptions.MaxBackoff, Random.Shared),
            // Unique per process and start, so a restarted process does not mistake its predecessor's lease for its own.
            $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}",
            poll,
            webhookOptions.LeaseDuration,
            webhookOptions.RetryFor,
            poll > TimeSpan.FromSeconds(1) ? poll : TimeSpan.FromSeconds(1));
        _wake = new AsyncSignal(time);
        _scanInterval = webhookOptions.ScanInterval;
    }

    /// <summary>The ids of the webhooks this dispatcher has a worker for (for tests and diagnostics).</summary>
    public IReadOnlyList<string> ActiveWebhooks
    {
        get
        {
            lock (_gate)
            {
                return [.. _workers.Keys];
            }
        }
    }

    /// <inheritdoc />
    public void Wake() => _wake.Set();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var generation = _wake.Generation;
                await ScanAsync(stoppingToken);
                await _wake.WaitAsync(generation, _scanInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the workers see the same token.
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _workers.Values.Select(w => w.Task)];
        }

        await Task.WhenAll(running);
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<Webhook> webhooks;
        try
        {
            webhooks = await _services.Webhooks.ListAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            DeliveryLog.ScanFailed(_services.Logger, ex);
            return;
        }

        var enabled = webhooks.Where(w => w.IsEnabled).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (id, worker) in _workers)
            {
                if (!enabled.Contains(id))
                {
                    worker.Cancellation.Cancel();
                }
            }

            foreach (var id in enabled)
            {
                if (!_workers.ContainsKey(id))
                {
                    var worker = new Worker(CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
                    _workers.Add(id, worker);
                    worker.Task = Task.Run(() => RunWorkerAsync(id, worker), CancellationToken.None);
                }
            }
        }
    }

    private async Task RunWorkerAsync(string id, Worker worker)
    {
        var token = worker.Cancellation.Token;
        var delivery = new WebhookDelivery(id, _services);
        var errorDelay = _services.PollInterval;
        try
        {
            while (true)
            {
                try
                {
                    if (!await delivery.StepAsync(token))
                    {
                        return;
                    }

                    errorDelay = _services.PollInterval;
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    DeliveryLog.WorkerFailed(_services.Logger, ex, id, errorDelay);
                    delivery.Reset();
                    await Waits.ForAsync(_services.Time, errorDelay, token);
                    errorDelay = errorDelay * 2 < MaxErrorDelay ? errorDelay * 2 : MaxErrorDelay;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancelled by a scan (deleted or disabled) or by stopping.
        }
        finally
        {
            lock (_gate)
            {
                if (_workers.TryGetValue(id, out var current) && current == worker)
                {
                    _workers.Remove(id);
                }

                worker.Cancellation.Dispose();
            }

            // The webhook may have been enabled again while this worker was finishing: look at once.
            if (!_stopping.IsCancellationRequested)
            {
                _wake.Set();
            }
        }
    }

    /// <summary>What every <see cref="WebhookDelivery"/> of this dispatcher works with.</summary>
    /// <param name="Owner">This dispatcher's lease owner name.</param>
    /// <param name="LeaseRecheck">How often to look at a webhook another process holds.</param>
    internal sealed record Services(
        IWebhookStore Webhooks,
        IWalletStore Events,
        IEventNotifier Notifier,
        WebhookSender Sender,
        TimeProvider Time,
        ILogger Logger,
        WebhookBackoff Backoff,
        string Owner,
        TimeSpan PollInterval,
        TimeSpan LeaseDuration,
        TimeSpan RetryFor,
        TimeSpan LeaseRecheck);

    private sealed class Worker(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
