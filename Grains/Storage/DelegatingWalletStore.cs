using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Storage;

/// <summary>
/// A wallet store that hands every call to another one; a decorator overrides only the calls it changes, as a
/// <see cref="System.Net.Http.DelegatingHandler"/> does for HTTP. Disposing it disposes the inner store when it owns it.
/// </summary>
public abstract class DelegatingWalletStore(IWalletStore inner, bool ownsInner = true) : IWalletStore, IAsyncDisposable
{
    /// <summary>The wrapped store.</summary>
    public IWalletStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        Inner.GetAccountAsync(chainId, address, cancellationToken);

    public virtual Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        Inner.ListAccountsAsync(cancellationToken);

    public virtual Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default) =>
        Inner.CommitAsync(write, cancellationToken);

    public virtual Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) =>
        Inner.GetLiveTransactionsAsync(chainId, from, cancellationToken);

    public virtual Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        Inner.GetAccountSnapshotAsync(chainId, address, cancellationToken);

    public virtual Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default) =>
        Inner.GetTransactionAsync(id, cancellationToken);

    public virtual Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default) =>
        Inner.ListTransactionsAsync(query, cancellationToken);

    public virtual Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default) =>
        Inner.FindIdempotencyKeysAsync(keys, cancellationToken);

    public virtual Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default) =>
        Inner.FindSignedAttemptsAsync(hashes, cancellationToken);

    public virtual Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default) =>
        Inner.InsertApiKeyAsync(apiKey, cancellationToken);

    public virtual Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default) =>
        Inner.FindApiKeyByHashAsync(keyHash, cancellationToken);

    public virtual Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default) =>
        Inner.AppendEventsAsync(events, cancellationToken);

    public virtual Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default) =>
        Inner.ReadEventsAsync(afterId, limit, cancellationToken);

    public virtual Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) =>
        Inner.CountAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (ownsInner)
        {
            switch (Inner)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        GC.SuppressFinalize(this);
    }
}
