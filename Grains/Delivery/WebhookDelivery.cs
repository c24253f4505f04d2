using Microsoft.Extensions.Logging;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The delivery loop of one webhook, one step per call of <see cref="StepAsync"/>, run by one worker of the
/// <see cref="WebhookDispatcher"/>. It keeps the stored row it last read or wrote and a buffer of the events after its
/// cursor, so a burst costs one event read per page and one row write per event. Order: the first event after the
/// cursor that matches the filter is posted until it is accepted; only then does the cursor pass it (at least once),
/// and events the filter does not match are passed over without a request.
/// </summary>
internal sealed class WebhookDelivery(string id, WebhookDispatcher.Services services)
{
    /// <summary>Events read per page.</summary>
    public const int PageSize = 100;

    private readonly Queue<WalletEvent> _buffer = new();
    private Webhook? _hook;
    private EventTypeFilter? _filter;

    /// <summary>Forgets the row and the buffer, so the next step re-reads both (after a lost update, a wait or an error).</summary>
    public void Reset()
    {
        _hook = null;
        _buffer.Clear();
    }

    /// <summary>Does the next piece of work, or waits for it; false when the webhook is gone or disabled.</summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var time = services.Time;
        if (_hook is null)
        {
            _hook = await services.Webhooks.GetAsync(id, cancellationToken);
            _buffer.Clear();
        }

        if (_hook is not { IsEnabled: true } hook)
        {
            return false;
        }

        _filter ??= EventTypeFilter.FromStored(hook.Events);
        var now = time.GetUtcNow();
        if (hook.LeaseOwner is { } owner && owner != services.Owner && hook.LeaseUntil > now)
        {
            // Another process is delivering; look again when its lease ends, or sooner, since it lets go when idle.
            var wait = hook.LeaseUntil.Value - now;
            await Waits.ForAsync(time, wait < services.LeaseRecheck ? wait : services.LeaseRecheck, cancellationToken);
            Reset();
            return true;
        }

        if (hook.NextAttemptAt is { } due && due > now)
        {
            await Waits.UntilAsync(time, due, cancellationToken);
            Reset();
            return true;
        }

        if (_buffer.Count == 0)
        {
            var generation = services.Notifier.Generation;
            var page = await services.Events.ReadEventsAsync(hook.LastEventId, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                if (hook.LeaseOwner == services.Owner && await WriteAsync(hook with { LeaseOwner = null, LeaseUntil = null }, cancellationToken) is null)
                {
                    return true;
                }

                await services.Notifier.WaitAsync(generation, services.PollInterval, cancellationToken);
                return true;
            }

            foreach (var walletEvent in page)
            {
                _buffer.Enqueue(walletEvent);
            }
        }

        var cursor = hook.LastEventId;
        while (_buffer.TryPeek(out var head) && !_filter.Matches(head.Type))
        {
            cursor = _buffer.Dequeue().Id;
        }

        if (!_buffer.TryPeek(out var next))
        {
            if (await WriteAsync(hook with { LastEventId = cursor }, cancellationToken) is not null)
            {
                DeliveryLog.Skipped(services.Logger, id, cursor);
            }

            return true;
        }

        if (hook.LeaseOwner != services.Owner || hook.LeaseUntil is not { } until || until - now < services.LeaseDuration / 2)
        {
            var claimed = await WriteAsync(hook with { LastEventId = cursor, LeaseOwner = services.Owner, LeaseUntil = now + services.LeaseDuration }, cancellationToken);
            if (claimed is null)
            {
                return true;
            }

            hook = claimed;
        }

        var result = await services.Sender.SendAsync(hook, next, cancellationToken);
        now = time.GetUtcNow();
        if (result.Delivered)
        {
            var delivered = hook with
            {
                LastEventId = next.Id,
                Attempts = 0,
                FailingSince = null,
                NextAttemptAt = null,
                LastError = null,
                LastAttemptAt = now,
                LastDeliveredAt = now,
                LeaseUntil = now + services.LeaseDuration,
            };
            if (await WriteAsync(delivered, cancellationToken) is not null)
            {
                _buffer.Dequeue();
                DeliveryLog.Delivered(services.Logger, id, next.Id, next.Type, result.StatusCode ?? 0);
            }

            return true;
        }

        // A failed attempt lets go of the lease: whichever dispatcher is first after the backoff makes the next one.
        var attempts = hook.Attempts + 1;
        var since = hook.FailingSince ?? now;
        var failed = hook with
        {
            LastEventId = cursor,
            Attempts = attempts,
            FailingSince = since,
            LastError = result.Error,
            LastAttemptAt = now,
            LeaseOwner = null,
            LeaseUntil = null,
        };
        if (now - since >= services.RetryFor)
        {
            var reason = $"Event {next.Id} ({next.Type}) was not accepted for {services.RetryFor} ({attempts} attempts since {since:O}); last error: {result.Error}";
            if (await WriteAsync(failed.Disable(reason, now), cancellationToken) is null)
            {
                return true;
            }

            DeliveryLog.Disabled(services.Logger, id, reason);
            return false;
        }

        var retryAt = now + services.Backoff.Delay(attempts);
        if (await WriteAsync(failed with { NextAttemptAt = retryAt }, cancellationToken) is not null)
        {
            DeliveryLog.AttemptFailed(services.Logger, id, next.Id, attempts, result.Error ?? "?", retryAt);
        }

        return true;
    }

    /// <summary>Writes over the version read; on a lost update (or a deleted row) forgets everything and returns null.</summary>
    private async Task<Webhook?> WriteAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        var written = await services.Webhooks.TryUpdateAsync(webhook, cancellationToken);
        if (written is null)
        {
            DeliveryLog.Stale(services.Logger, id, webhook.Version);
            Reset();
            return null;
        }

        _hook = written;
        return written;
    }
}
