using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// <see cref="IWebhookStore"/> in process memory, for tests and the memory storage provider. Same stored forms as
/// the database stores (millisecond times) and the same version compare-and-swap; the cursor of a new webhook is
/// the last id of <paramref name="events"/>, the event log it delivers from.
/// </summary>
public sealed class MemoryWebhookStore(IWalletStore events) : IWebhookStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Webhook> _webhooks = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<Webhook> CreateAsync(NewWebhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookColumns.Check(webhook);
        var end = await EventLogEndAsync(cancellationToken);
        var created = WebhookColumns.Created(webhook, end);
        lock (_gate)
        {
            if (!_webhooks.TryAdd(created.Id, created))
            {
                throw new InvalidOperationException($"A webhook with id '{webhook.Id}' exists already.");
            }
        }

        return created;
    }

    /// <inheritdoc />
    public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return Task.FromResult(_webhooks.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Webhook>>(
                [.. _webhooks.Values.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id, StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public Task<Webhook?> TryUpdateAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookColumns.Check(webhook);
        lock (_gate)
        {
            if (!_webhooks.TryGetValue(webhook.Id, out var stored) || stored.Version != webhook.Version)
            {
                return Task.FromResult<Webhook?>(null);
            }

            // Only the delivery columns change, as the SQL UPDATE does.
            var written = WebhookColumns.Written(webhook) with { Url = stored.Url, Events = stored.Events, Secret = stored.Secret, CreatedAt = stored.CreatedAt, CreatedBy = stored.CreatedBy };
            _webhooks[webhook.Id] = written;
            return Task.FromResult<Webhook?>(written);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return Task.FromResult(_webhooks.Remove(id));
        }
    }

    /// <summary>The id of the newest event (0 for an empty log), found by paging: this store serves tests, not large logs.</summary>
    private async Task<long> EventLogEndAsync(CancellationToken cancellationToken)
    {
        const int page = 1000;
        var end = 0L;
        while (true)
        {
            var read = await events.ReadEventsAsync(end, page, cancellationToken);
            if (read.Count > 0)
            {
                end = read[^1].Id;
            }

            if (read.Count < page)
            {
                return end;
            }
        }
    }
}
