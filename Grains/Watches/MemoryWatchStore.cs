using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Watches;

/// <summary>
/// <see cref="IWatchStore"/> in process memory, for tests and the memory provider: the same stored forms as the
/// database stores (times at millisecond precision, tokens each once), nothing survives a restart.
/// </summary>
public sealed class MemoryWatchStore : IWatchStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(long ChainId, string Address), WatchRow> _rows = [];

    /// <inheritdoc />
    public Task<Watch> UpsertAsync(Watch watch, CancellationToken cancellationToken = default)
    {
        try
        {
            var row = WatchRow.Create(watch);
            lock (_gate)
            {
                var key = (row.ChainId, row.Address);
                if (_rows.TryGetValue(key, out var existing))
                {
                    row = row with { CreatedAtMs = existing.CreatedAtMs };
                }

                _rows[key] = row;
            }

            return Task.FromResult(row.ToWatch());
        }
        catch (Exception ex)
        {
            return Task.FromException<Watch>(ex);
        }
    }

    /// <inheritdoc />
    public Task<Watch?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.GetValueOrDefault((WalletColumns.ToInt64(chainId, "chain id"), address.ToLowerHex()))?.ToWatch());
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.Remove((WalletColumns.ToInt64(chainId, "chain id"), address.ToLowerHex())));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Watch>> ListAsync(ulong? chainId, CancellationToken cancellationToken = default)
    {
        long? chain = chainId is { } id ? WalletColumns.ToInt64(id, "chain id") : null;
        lock (_gate)
        {
            IReadOnlyList<Watch> watches =
            [
                .. _rows.Values
                    .Where(r => chain is null || r.ChainId == chain)
                    .OrderBy(r => r.ChainId)
                    .ThenBy(r => r.Address, StringComparer.Ordinal)
                    .Select(r => r.ToWatch()),
            ];
            return Task.FromResult(watches);
        }
    }
}
