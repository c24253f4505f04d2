using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Monitor.Tests;

/// <summary>
/// The real store, except that the first append of new (not removed) events fails right after the events were
/// written: what a crash between the event log and the cursor write looks like to the monitor.
/// </summary>
public sealed class CrashAfterAppendStore(IWalletStore inner) : IWalletStore, IAsyncDisposable
{
    private int _crashed;

    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        var appended = await inner.AppendEventsAsync(events, cancellationToken);
        if (events.Any(e => !e.Removed) && Interlocked.Exchange(ref _crashed, 1) == 0)
        {
            throw new IOException($"Simulated crash after appending {appended.Count} event(s) (ids {appended[0].Id}..{appended[^1].Id}), before the cursor was written.");
        }

        return appended;
    }

    public Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) => inner.GetAccountAsync(chainId, address, cancellationToken);

    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) => inner.ListAccountsAsync(cancellationToken);

    public Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default) => inner.CommitAsync(write, cancellationToken);

    public Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) => inner.GetLiveTransactionsAsync(chainId, from, cancellationToken);

    public Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default) => inner.GetTransactionAsync(id, cancellationToken);

    public Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default) => inner.ListTransactionsAsync(query, cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyKeyAsync(string apiKeyId, string key, CancellationToken cancellationToken = default) => inner.FindIdempotencyKeyAsync(apiKeyId, key, cancellationToken);

    public Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default) => inner.InsertApiKeyAsync(apiKey, cancellationToken);

    public Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default) => inner.FindApiKeyByHashAsync(keyHash, cancellationToken);

    public Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default) => inner.ReadEventsAsync(afterId, limit, cancellationToken);

    public Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
