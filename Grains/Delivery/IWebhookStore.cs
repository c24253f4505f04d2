namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The webhooks table (sql/*/0005_webhooks.sql) on SQLite, PostgreSQL or in memory, with the same semantics: times
/// at millisecond precision, and every update a compare-and-swap on <see cref="Webhook.Version"/>.
/// </summary>
public interface IWebhookStore
{
    /// <summary>
    /// Inserts an enabled webhook at version 1 whose cursor is the event log's end, so it receives the events appended
    /// after its creation. Throws <see cref="InvalidOperationException"/> when the id exists already.
    /// </summary>
    Task<Webhook> CreateAsync(NewWebhook webhook, CancellationToken cancellationToken = default);

    /// <summary>The webhook, or null.</summary>
    Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every webhook, oldest first (creation time, then id).</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the delivery state of <paramref name="webhook"/> (state, reason, cursor, attempts, times, error, lease;
    /// never url, events or secret) if the stored version is still <see cref="Webhook.Version"/>. Returns the row as
    /// written (version + 1), or null when another writer changed it first or it was deleted (nothing written).
    /// </summary>
    Task<Webhook?> TryUpdateAsync(Webhook webhook, CancellationToken cancellationToken = default);

    /// <summary>Deletes the webhook; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);
}
