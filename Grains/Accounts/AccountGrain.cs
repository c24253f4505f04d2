using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Owns one custodied account's nonce counter and pending set (DESIGN.md §4). Not reentrant: every
/// send batch, poll and cancel is one turn, so nonce assignment needs no locks. Durable state lives
/// in the wallet tables; the account row's version guards against a second activation elsewhere.
/// </summary>
public sealed partial class AccountGrain : Grain, IAccountGrain, IRemindable
{
    private const string PollReminderName = "poll";

    private readonly IWalletStore _store;
    private readonly IChainRegistry _chains;
    private readonly IKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;

    /// <summary>Non-terminal transactions in nonce order (a failed one may share a nonce with its successor).</summary>
    private readonly List<WalletTransaction> _live = [];

    private ChainContext _chain = null!;
    private Address _address;
    private AccountRecord _account = null!;
    private bool _nonceSynced;
    private bool _rebroadcastDue;
    private ulong _chainNonce;
    private UInt256? _balance;
    private IGrainTimer? _pollTimer;
    private bool _reminderRegistered;

    public AccountGrain(IWalletStore store, IChainRegistry chains, IKeyStore keys, TimeProvider time, ILogger<AccountGrain> logger)
    {
        _store = store;
        _chains = chains;
        _keys = keys;
        _time = time;
        _logger = logger;
    }

    private long ExpectedVersion => _account.Version;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !ulong.TryParse(key.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var chainId)
            || !Address.TryParse(key[(colon + 1)..], out var address))
        {
            throw new ArgumentException($"Account grain key '{key}' is not '{{chainId}}:{{address}}'.");
        }

        if (!_chains.TryGet(chainId, out var chain))
        {
            throw new InvalidOperationException($"Account grain '{key}': chain {chainId} is not configured.");
        }

        if (!_keys.Contains(address))
        {
            throw new InvalidOperationException($"Account grain '{key}': address {address} is not custodied here.");
        }

        _chain = chain;
        _address = address;
        _account = await _store.GetAccountAsync(chainId, address, cancellationToken)
            ?? new AccountRecord(chainId, address, NextNonce: 0, Version: 0, PausedReason: null, _time.GetUtcNow());
        _live.AddRange(await _store.GetLiveTransactionsAsync(chainId, address, cancellationToken));

        // After a restart every stored attempt of a pending transaction may be unknown to the node
        // (invariant 2): the first poll sends them again; "already known" is an expected answer.
        _rebroadcastDue = _live.Count > 0;
        if (_live.Count > 0)
        {
            await EnsurePollingAsync();
        }
    }

    public async Task<AccountView> GetAsync()
    {
        try
        {
            await SyncNonceAsync(CancellationToken.None);
        }
        catch (WalletGrains.Ethereum.Rpc.RpcException e)
        {
            // The view still answers from storage while the chain is unreachable.
            LogPollFailed(_logger, _chain.ChainId, _address, e.Message);
        }

        var pending = _live.Where(t => t.Status is TransactionStatus.Submitted or TransactionStatus.Mined).ToList();
        var oldest = pending.Count == 0 ? (DateTimeOffset?)null : pending.Min(t => t.CreatedAt);
        return new AccountView(
            _chain.ChainId,
            _address,
            _account.NextNonce,
            _chainNonce,
            pending.Count,
            _live.Count(t => t.Status == TransactionStatus.Queued),
            _balance,
            oldest,
            _live.Sum(t => t.Attempts.Count(a => a.Kind == TransactionAttempt.Bump)),
            _account.PausedReason);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == PollReminderName)
        {
            await PollCoreAsync(CancellationToken.None);
        }
    }

    public Task PollAsync() => PollCoreAsync(CancellationToken.None);

    public Task<SendOutcome> CancelAsync(string transactionId) =>
        Task.FromResult(SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotCancellable,
            $"Cancelling transaction '{transactionId}' is not supported yet (it arrives with the transaction lifecycle work).")));

    /// <summary>
    /// Invariant 1: the local counter only moves forward and never below the chain's pending count,
    /// read once per activation before the first nonce is handed out.
    /// </summary>
    private async Task SyncNonceAsync(CancellationToken cancellationToken)
    {
        if (_nonceSynced)
        {
            return;
        }

        var chainPending = await _chain.Rpc.GetTransactionCountAsync(_address, BlockParameter.Pending, cancellationToken);
        if (chainPending > _account.NextNonce)
        {
            // Only nonces used outside this service can put the chain ahead of our counter.
            LogNonceAdvanced(_logger, _chain.ChainId, _address, _account.NextNonce, chainPending);
            _account = _account with { NextNonce = chainPending };
        }

        _nonceSynced = true;
    }

    private async Task EnsurePollingAsync()
    {
        _pollTimer ??= RegisterGrainTimer(ct => PollCoreAsync(ct), _chain.Options.PollInterval, _chain.Options.PollInterval);
        if (!_reminderRegistered)
        {
            // The reminder only brings the account back after a restart or idle collection; the timer
            // does the frequent work while the activation lives.
            var period = TimeSpan.FromTicks(Math.Max(_chain.Options.PollInterval.Ticks * 10, TimeSpan.FromSeconds(10).Ticks));
            await RegisterOrUpdateReminder(PollReminderName, period, period);
            _reminderRegistered = true;
        }
    }

    private async Task StopPollingIfIdleAsync()
    {
        if (_live.Count > 0)
        {
            return;
        }

        _pollTimer?.Dispose();
        _pollTimer = null;
        if (_reminderRegistered && await GetReminder(PollReminderName) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }

    /// <summary>Commits one change of this account; a version conflict drops the activation so the next call reloads.</summary>
    private async Task CommitAsync(
        ImmutableArray<WalletTransaction> inserted,
        ImmutableArray<WalletTransaction> updated,
        ImmutableArray<IdempotencyRecord> idempotencyKeys,
        CancellationToken cancellationToken)
    {
        var write = new AccountWrite(
            _account with { UpdatedAt = _time.GetUtcNow() },
            ExpectedVersion,
            inserted,
            updated,
            [],
            idempotencyKeys);
        try
        {
            _account = await _store.CommitAsync(write, cancellationToken);
        }
        catch (InconsistentStateException e)
        {
            LogVersionConflict(_logger, _chain.ChainId, _address, e.Message);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Now, at the millisecond precision the stores keep, so what a send returns equals what a read returns.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private static string NewTransactionId() => "tx_" + Guid.CreateVersion7().ToString("N");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Account {ChainId}:{Address}: next nonce moved from {Local} to the chain's pending count {Chain}")]
    private static partial void LogNonceAdvanced(ILogger logger, ulong chainId, Address address, ulong local, ulong chain);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Account {ChainId}:{Address}: version conflict, another activation wrote first ({Detail}); deactivating")]
    private static partial void LogVersionConflict(ILogger logger, ulong chainId, Address address, string detail);
}
