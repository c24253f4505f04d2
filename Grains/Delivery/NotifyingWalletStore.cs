using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Wraps the host's <see cref="IWalletStore"/> so that every commit or append that carried events signals the
/// <see cref="IEventNotifier"/> once it has returned (the events are then visible to readers). It hooks the event
/// appenders without touching the stores; everything else passes through unchanged.
/// </summary>
internal sealed class NotifyingWalletStore(IWalletStore inner, IEventNotifier notifier, bool ownsInner) : IWalletStore, IAsyncDisposable
{
    /// <summary>The wrapped store.</summary>
    public IWalletStore Inner => inner;

    public Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        inner.GetAccountAsync(chainId, address, cancellationToken);

    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        inner.ListAccountsAsync(cancellationToken);

    public async Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var written = await inner.CommitAsync(write, cancellationToken);
        if (!write.NewEvents.IsDefaultOrEmpty)
        {
            notifier.NotifyAppended();
        }

        return written;
    }

    public Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) =>
        inner.GetLiveTransactionsAsync(chainId, from, cancellationToken);

    public Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default) =>
        inner.GetTransactionAsync(id, cancellationToken);

    public Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default) =>
        inner.ListTransactionsAsync(query, cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyKeyAsync(string apiKeyId, string key, CancellationToken cancellationToken = default) =>
        inner.FindIdempotencyKeyAsync(apiKeyId, key, cancellationToken);

    public Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default) =>
        inner.InsertApiKeyAsync(apiKey, cancellationToken);

    public Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default) =>
        inner.FindApiKeyByHashAsync(keyHash, cancellationToken);

    public async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        var appended = await inner.AppendEventsAsync(events, cancellationToken);
        if (appended.Count > 0)
        {
            notifier.NotifyAppended();
        }

        return appended;
    }

    public Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadEventsAsync(afterId, limit, cancellationToken);

    public Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) =>
        inner.CountAsync(cancellationToken);

    /// <summary>Disposes the wrapped store when the container created it for this wrapper.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!ownsInner)
        {
            return;
        }

        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
