using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Balances;

/// <summary><see cref="IBalanceStore"/> in process memory, for tests and the memory provider.</summary>
public sealed class MemoryBalanceStore : IBalanceStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, ulong> _heads = [];
    private readonly Dictionary<ulong, Dictionary<BalanceKey, BalanceEntry>> _rows = [];

    /// <summary>How many refreshes were written, for tests.</summary>
    public int Writes { get; private set; }

    /// <inheritdoc />
    public Task<BalanceSnapshot?> LoadAsync(ulong chainId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_heads.TryGetValue(chainId, out var block)
                ? new BalanceSnapshot(chainId, block, [.. Rows(chainId).Values])
                : null);
        }
    }

    /// <inheritdoc />
    public Task WriteAsync(BalanceWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            var rows = Rows(write.ChainId);
            foreach (var key in write.Removals)
            {
                rows.Remove(key);
            }

            foreach (var entry in write.Upserts)
            {
                rows[entry.Key] = entry;
            }

            _heads[write.ChainId] = write.BlockNumber;
            Writes++;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AddressBalances?> GetAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_heads.TryGetValue(chainId, out var block)
                ? new AddressBalances(chainId, address, block, [.. Rows(chainId).Values.Where(e => e.Key.Address == address).OrderBy(e => BalanceRow.Token(e.Key.Token), StringComparer.Ordinal)])
                : null);
        }
    }

    private Dictionary<BalanceKey, BalanceEntry> Rows(ulong chainId)
    {
        if (!_rows.TryGetValue(chainId, out var rows))
        {
            rows = [];
            _rows.Add(chainId, rows);
        }

        return rows;
    }
}
