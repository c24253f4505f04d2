namespace WalletGrains.Runtime;

/// <summary>Reminders in process memory (one silo, lost on restart); same rules as the database tables.</summary>
internal sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string, string), ReminderRow> _rows = [];

    public Task UpsertAsync(ReminderRow row, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = (row.GrainType, row.GrainKey, row.Name);
            var version = _rows.TryGetValue(key, out var existing) ? existing.Version + 1 : 1;
            _rows[key] = row with { Version = version };
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.Remove((grainType, grainKey, name)));
        }
    }

    public Task<ReminderRow?> ReadAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.GetValueOrDefault((grainType, grainKey, name)));
        }
    }

    public Task<IReadOnlyList<ReminderRow>> ReadForGrainAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReminderRow> rows = _rows.Values.Where(r => r.GrainType == grainType && r.GrainKey == grainKey).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<ReminderRow>> ReadDueAsync(long nowMs, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReminderRow> rows = _rows.Values.Where(r => r.NextDueMs <= nowMs).OrderBy(r => r.NextDueMs).Take(limit).ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<bool> TryClaimAsync(ReminderRow row, long nextDueMs, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = (row.GrainType, row.GrainKey, row.Name);
            if (!_rows.TryGetValue(key, out var current) || current.Version != row.Version)
            {
                return Task.FromResult(false);
            }

            _rows[key] = current with { NextDueMs = nextDueMs, Version = current.Version + 1 };
            return Task.FromResult(true);
        }
    }
}
