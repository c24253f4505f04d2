using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api;

/// <summary>
/// Resolves a presented API key to its <see cref="ApiCaller"/>: the bootstrap admin key first (constant
/// time), then the stored keys by SHA-256, remembered for <see cref="ApiOptions.ApiKeyCacheDuration"/>
/// (hits and misses) so the hot path stays off the database. Concurrent lookups of one hash share one
/// query. A revoked key may therefore work for up to one cache duration after revocation.
/// </summary>
internal sealed class ApiKeyAuthenticator(
    BootstrapAdminKey bootstrap,
    IWalletStore store,
    IOptions<ApiOptions> options,
    TimeProvider time)
{
    /// <summary>Entries kept before the cache is emptied, bounding memory under a flood of wrong keys.</summary>
    internal const int MaxCacheEntries = 10_000;

    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.ApiKeyCacheDuration;

    private static readonly ApiCaller BootstrapAdmin = new(ApiCaller.BootstrapAdminId, ApiRoles.Admin, []);

    /// <summary>The caller for a presented key, or null when it is unknown or revoked.</summary>
    public async ValueTask<ApiCaller?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (presentedKey.Length is 0 or > ApiKeySecrets.MaxPresentedLength)
        {
            return null;
        }

        var hashBytes = ApiKeySecrets.HashBytes(presentedKey);
        if (bootstrap.Matches(hashBytes))
        {
            return BootstrapAdmin;
        }

        var hash = Convert.ToHexStringLower(hashBytes);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(hash, out var cached) && time.GetElapsedTime(cached.CreatedAt, now) < _ttl)
        {
            return await cached.Lookup.WaitAsync(cancellationToken);
        }

        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        var entry = new CacheEntry(LookupAsync(hash), now);
        _cache[hash] = entry;
        try
        {
            return await entry.Lookup.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed lookup (database down) must not be remembered as a miss.
            _cache.TryRemove(new KeyValuePair<string, CacheEntry>(hash, entry));
            throw;
        }
    }

    /// <summary>Remembers a key just created, so its first use needs no query.</summary>
    public void Remember(string hash, ApiCaller caller) =>
        _cache[hash] = new CacheEntry(Task.FromResult<ApiCaller?>(caller), time.GetTimestamp());

    private async Task<ApiCaller?> LookupAsync(string hash)
    {
        // Not tied to one request's token: other requests may be waiting on the same lookup.
        var record = await store.FindApiKeyByHashAsync(hash, CancellationToken.None);
        return record is null || record.RevokedAt is not null || !ApiRoles.IsValid(record.Role)
            ? null
            : new ApiCaller(record.Id, record.Role, record.AllowedFrom.IsDefault ? [] : record.AllowedFrom);
    }

    private sealed record CacheEntry(Task<ApiCaller?> Lookup, long CreatedAt);
}
