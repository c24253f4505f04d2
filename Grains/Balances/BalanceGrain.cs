using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// Follows the balances of one chain (DESIGN.md §4). A grain timer asks <c>eth_blockNumber</c> every
/// <see cref="ChainOptions.BalancePollInterval"/>; on each new head it reads every followed pair (custodied accounts and
/// watches, from <see cref="IWatchedAddresses"/>) pinned to that block through <see cref="BalanceReader"/>, appends a
/// <c>balance.changed</c> event per changed pair, then writes the snapshot's changed rows and head. Events are appended
/// before the snapshot is written: a crash in between re-reads the same differences and appends them again (at least
/// once, never lost). The first read of a pair is its baseline and emits no event. Whether the chain has code at
/// <see cref="ChainOptions.MulticallAddress"/> is asked once per activation (<c>eth_getCode</c>) and kept; it is asked
/// again when the multicall path had to fall back for whole chunks, and at each reminder tick while it is missing. A durable reminder
/// (<see cref="ChainOptions.BalanceRefreshInterval"/>) refreshes when no refresh succeeded for that long and keeps the
/// grain active (the timer alone does not).
/// </summary>
public sealed class BalanceGrain : Grain, IBalanceGrain, IRemindable
{
    private const string ReminderName = "balances";

    private readonly IWatchedAddresses _watched;
    private readonly IBalanceStore _balances;
    private readonly IWalletStore _events;
    private readonly IChainRegistry _chains;
    private readonly TimeProvider _time;
    private readonly ILogger<BalanceGrain> _logger;
    private readonly Dictionary<BalanceKey, BalanceEntry> _snapshot = [];

    private ChainContext? _chain;
    private ulong _chainId;
    private BalanceReader _reader = null!;
    private ulong? _block;
    private bool? _multicall;
    private bool _failing;
    private BalanceRefreshReport? _last;
    private IGrainTimer? _headTimer;

    public BalanceGrain(IWatchedAddresses watched, IBalanceStore balances, IWalletStore events, IChainRegistry chains, TimeProvider time, ILogger<BalanceGrain> logger)
    {
        _watched = watched;
        _balances = balances;
        _events = events;
        _chains = chains;
        _time = time;
        _logger = logger;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        if (!ulong.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var chainId))
        {
            throw new ArgumentException($"Balance grain key '{key}' is not a decimal chain id.");
        }

        if (!_chains.TryGet(chainId, out var chain))
        {
            // A chain removed from configuration: stop the reminder that would wake this grain every interval.
            BalanceLog.ChainNotConfigured(_logger, key);
            if (await GetReminder(ReminderName) is { } stale)
            {
                await UnregisterReminder(stale);
            }

            DeactivateOnIdle();
            return;
        }

        _chain = chain;
        _chainId = chainId;
        _reader = new BalanceReader(chain.Rpc, Address.Parse(chain.Options.MulticallAddress), chain.Options.MulticallChunkSize, chain.Options.MaxRpcRequestBytes);
        if (await _balances.LoadAsync(chainId, cancellationToken) is { } snapshot)
        {
            _block = snapshot.BlockNumber;
            foreach (var entry in snapshot.Entries)
            {
                _snapshot[entry.Key] = entry;
            }
        }

        _headTimer = RegisterGrainTimer(PollHeadAsync, TimeSpan.Zero, chain.Options.BalancePollInterval);
        await RegisterOrUpdateReminder(ReminderName, chain.Options.BalanceRefreshInterval, chain.Options.BalanceRefreshInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _headTimer?.Dispose();
        _headTimer = null;
        return Task.CompletedTask;
    }

    public Task EnsureActiveAsync() => Task.CompletedTask;

    public async Task<BalanceRefreshReport> RefreshAsync()
    {
        var chain = Chain();
        var head = await chain.Rpc.BlockNumberAsync();
        return await RefreshAtAsync(head, CancellationToken.None);
    }

    public Task<BalanceRefreshReport?> GetLastRefreshAsync() => Task.FromResult(_last);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName || _chain is null)
        {
            return;
        }

        // Without a multicall, look for it again once an interval (it may have been deployed since).
        if (_multicall == false)
        {
            _multicall = null;
        }

        // Nothing succeeded for a whole interval: read at the current head even if it has not moved (watches added on
        // a quiet chain, heads missed).
        var interval = _chain.Options.BalanceRefreshInterval;
        if (_last is not null && _time.GetUtcNow() - _last.At < interval)
        {
            return;
        }

        await GuardAsync(async ct => await RefreshAtAsync(await _chain.Rpc.BlockNumberAsync(ct), ct), CancellationToken.None);
    }

    /// <summary>The timer tick: a refresh when the head moved (or went back, after a reorg or a revert).</summary>
    private Task PollHeadAsync(CancellationToken cancellationToken) =>
        GuardAsync(
            async ct =>
            {
                var head = await Chain().Rpc.BlockNumberAsync(ct);
                if (head != _block)
                {
                    await RefreshAtAsync(head, ct);
                }
            },
            cancellationToken);

    /// <summary>Runs a timer or reminder refresh; failures are logged (once per failing spell) and retried on the next tick.</summary>
    private async Task GuardAsync(Func<CancellationToken, Task> refresh, CancellationToken cancellationToken)
    {
        try
        {
            await refresh(cancellationToken);
            if (_failing)
            {
                _failing = false;
                BalanceLog.RefreshRecovered(_logger, _chainId, _block ?? 0);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_failing)
            {
                BalanceLog.RefreshStillFailing(_logger, _chainId, e.Message);
            }
            else
            {
                _failing = true;
                BalanceLog.RefreshFailed(_logger, _chainId, e.Message);
            }
        }
    }

    private async Task<BalanceRefreshReport> RefreshAtAsync(ulong blockNumber, CancellationToken cancellationToken)
    {
        var chain = Chain();
        var started = Stopwatch.GetTimestamp();
        var set = await _watched.GetAsync(chain.ChainId, cancellationToken);
        var keys = new List<BalanceKey>(set.Entries.Length * 2);
        foreach (var entry in set.Entries)
        {
            keys.Add(new BalanceKey(entry.Address, null));
            if (!entry.Tokens.IsDefault)
            {
                keys.AddRange(entry.Tokens.Select(t => new BalanceKey(entry.Address, t)));
            }
        }

        if (_multicall is null)
        {
            _multicall = await _reader.HasMulticallAsync(cancellationToken);
            if (_multicall.Value)
            {
                BalanceLog.MulticallFound(_logger, chain.ChainId, _reader.Multicall);
            }
            else
            {
                BalanceLog.MulticallMissing(_logger, chain.ChainId, _reader.Multicall);
            }
        }

        var read = await _reader.ReadAsync(keys, blockNumber, _multicall.Value, cancellationToken);
        if (read.Multicall && read.GetBalances > 0)
        {
            // Native balances read one by one on the multicall path: whole chunks failed. Look at the code again next time.
            _multicall = null;
        }

        var diff = BalanceDiff.Compute(_snapshot, keys, read.Values, blockNumber);
        var now = _time.GetUtcNow();
        if (diff.Changes.Count > 0)
        {
            await _events.AppendEventsAsync([.. diff.Changes.Select(c => BalanceChangedData.ToEvent(c, chain.ChainId, now))], cancellationToken);
        }

        await _balances.WriteAsync(new BalanceWrite(chain.ChainId, blockNumber, now, diff.Upserts, diff.Removals), cancellationToken);

        // Memory follows storage only once both writes succeeded; a failure leaves the differences to be found again.
        foreach (var key in diff.Removals)
        {
            _snapshot.Remove(key);
        }

        foreach (var entry in diff.Upserts)
        {
            _snapshot[entry.Key] = entry;
        }

        _block = blockNumber;
        var elapsed = Stopwatch.GetElapsedTime(started);
        _last = new BalanceRefreshReport(
            chain.ChainId, blockNumber, now, elapsed, set.Entries.Length, keys.Count, read.Failed, diff.Changes.Count, read.Multicall, read.EthCalls, read.GetBalances);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            BalanceLog.Refreshed(_logger, chain.ChainId, blockNumber, keys.Count, read.Failed, diff.Changes.Count, (long)elapsed.TotalMilliseconds, read.EthCalls, read.GetBalances);
        }
        return _last;
    }

    private ChainContext Chain() =>
        _chain ?? throw new InvalidOperationException($"Balance grain '{GetPrimaryKeyString()}': chain {GetPrimaryKeyString()} is not configured.");
}
