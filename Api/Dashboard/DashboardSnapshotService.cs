using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Dashboard;

/// <summary>
/// Gathers the dashboard's snapshot: runtime statistics, every custodied account on every chain, recent
/// transactions, chain heads and the sends/confirmations series. Several open pages share one gathering:
/// a snapshot younger than <see cref="ReuseFor"/> is served again instead of asking grains and nodes anew.
/// </summary>
public sealed class DashboardSnapshotService : IHostedService, IDisposable
{
    /// <summary>Rows the accounts table shows at most; a wallet with more custodied accounts is marked truncated.</summary>
    public const int MaxAccounts = 500;

    /// <summary>Recent transactions shown, newest first.</summary>
    public const int RecentTransactions = 20;

    /// <summary>Seconds of sends/s and confirmations/s the chart shows.</summary>
    public const int RateWindowSeconds = 60;

    private static readonly TimeSpan ReuseFor = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan ChainReadInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ChainReadTimeout = TimeSpan.FromSeconds(2);

    private readonly ISiloIntrospection _silo;
    private readonly IGrainFactory _grains;
    private readonly IKeyStore _keys;
    private readonly IChainRegistry _chains;
    private readonly IWalletStore _store;
    private readonly TimeProvider _time;
    private readonly IHostEnvironment _environment;
    private readonly string _storage;
    private readonly ILogger _log;
    private readonly EventRateSeries _rates;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<ulong, DashboardChain> _chainCache = [];
    private CallRateSample? _callBase;
    private IReadOnlyDictionary<string, double> _callRates = new Dictionary<string, double>();
    private DashboardSnapshot? _latest;
    private DateTimeOffset _startedAt;

    public DashboardSnapshotService(
        ISiloIntrospection silo,
        IGrainFactory grains,
        IKeyStore keys,
        IChainRegistry chains,
        IWalletStore store,
        TimeProvider time,
        IHostEnvironment environment,
        IConfiguration configuration,
        ILogger<DashboardSnapshotService> log)
    {
        _silo = silo;
        _grains = grains;
        _keys = keys;
        _chains = chains;
        _store = store;
        _time = time;
        _environment = environment;
        // The provider name only (DESIGN.md §7 default sqlite): the connection string can hold a password.
        _storage = configuration["Wallet:Storage:Provider"] is { Length: > 0 } provider ? provider.ToLowerInvariant() : "sqlite";
        _log = log;
        _rates = new EventRateSeries(store, RateWindowSeconds);
        _startedAt = time.GetUtcNow();
    }

    /// <summary>The current snapshot (at most <see cref="ReuseFor"/> old).</summary>
    public async Task<DashboardSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (_latest is not null && now - _latest.Silo.GeneratedAt < ReuseFor)
            {
                return _latest;
            }

            _latest = await GatherAsync(now, cancellationToken);
            return _latest;
        }
        finally
        {
            _gate.Release();
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        _startedAt = _time.GetUtcNow();
        return Task.CompletedTask;
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _gate.Dispose();

    private async Task<DashboardSnapshot> GatherAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var accountsTask = ReadAccountsAsync(now);
        var transactionsTask = _store.ListTransactionsAsync(new TransactionQuery(null, null, null, RecentTransactions, null), cancellationToken);
        var chainsTask = ReadChainsAsync(now, cancellationToken);
        var ratesTask = _rates.AdvanceAsync(now, cancellationToken);

        await Task.WhenAll(accountsTask, transactionsTask, chainsTask, ratesTask);
        var (accounts, truncated) = await accountsTask;
        var transactions = await transactionsTask;
        var chains = await chainsTask;

        // Runtime last, so the account reads of this very snapshot are counted in it.
        var runtime = ReadRuntime(_silo.GetSnapshot());
        var silo = new DashboardSilo(runtime.Name, _environment.EnvironmentName, _storage, _startedAt, Math.Max(0, (now - _startedAt).TotalSeconds), now);
        return new DashboardSnapshot(
            silo,
            runtime.Runtime,
            accounts,
            truncated,
            [.. transactions.Items.Select(ToDashboard)],
            chains,
            new DashboardRates(_rates.WindowSeconds, _rates.Window(now)));
    }

    private (string Name, DashboardRuntime Runtime) ReadRuntime(SiloSnapshot snapshot)
    {
        // Calls/s is the difference of cumulative counters over at least a second, so pages polling at once share one rate.
        if (_callBase is null)
        {
            _callBase = CallRateSample.Of(snapshot);
        }
        else if (snapshot.Timestamp - _callBase.At >= TimeSpan.FromSeconds(1))
        {
            var seconds = (snapshot.Timestamp - _callBase.At).TotalSeconds;
            _callRates = snapshot.GrainTypes.ToDictionary(
                t => t.GrainType,
                t => Math.Max(0, t.Calls - _callBase.Calls.GetValueOrDefault(t.GrainType)) / seconds,
                StringComparer.Ordinal);
            _callBase = CallRateSample.Of(snapshot);
        }

        var types = snapshot.GrainTypes.Select(t => new DashboardGrainType(
            t.GrainType,
            t.Activations,
            t.Calls,
            Math.Round(_callRates.GetValueOrDefault(t.GrainType), 2),
            t.Failures,
            Math.Round(t.MeanLatency.TotalMilliseconds, 3),
            Math.Round(t.P99Latency.TotalMilliseconds, 3),
            t.MailboxDepth)).ToList();
        return (snapshot.SiloName, new DashboardRuntime(snapshot.Activations, types));
    }

    private async Task<(IReadOnlyList<DashboardAccount> Accounts, bool Truncated)> ReadAccountsAsync(DateTimeOffset now)
    {
        var addresses = _keys.Addresses.OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal).ToList();
        var pairs = (from chain in _chains.Chains.OrderBy(c => c.ChainId)
                     from address in addresses
                     select (Chain: chain, Address: address)).ToList();
        var shown = pairs.Take(MaxAccounts).ToList();
        var views = await Task.WhenAll(shown.Select(p => _grains.GetGrain<IAccountGrain>(GrainKeys.Account(p.Chain.ChainId, p.Address)).GetAsync()));
        var rows = views.Select((view, i) => new DashboardAccount(
            view.ChainId,
            shown[i].Chain.Options.Name,
            view.Address.ToChecksumString(),
            view.NextNonce,
            view.ConfirmedNonce,
            view.Pending,
            view.Queued,
            view.OldestPendingSince is { } since ? Math.Max(0, Math.Round((now - since).TotalSeconds, 1)) : null,
            view.FeeBumps,
            view.Balance?.ToString(),
            view.PausedReason)).ToList();
        return (rows, pairs.Count > shown.Count);
    }

    private async Task<IReadOnlyList<DashboardChain>> ReadChainsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<DashboardChain>();
        foreach (var chain in _chains.Chains.OrderBy(c => c.ChainId))
        {
            if (_chainCache.TryGetValue(chain.ChainId, out var cached) && cached.ReadAt is { } at && now - at < ChainReadInterval)
            {
                rows.Add(cached);
                continue;
            }

            var endpoints = chain.Options.RpcUrls.Select(EndpointOrigin).ToList();
            DashboardChain row;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ChainReadTimeout);
                var quote = await chain.Fees.GetQuoteAsync(timeout.Token);
                row = new DashboardChain(chain.ChainId, chain.Options.Name, quote.BlockNumber, quote.BaseFeePerGas.ToString(), endpoints, now, null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A node that is down is what the dashboard must show, not a reason to fail the page.
                DashboardLog.ChainReadFailed(_log, e, chain.ChainId);
                row = new DashboardChain(chain.ChainId, chain.Options.Name, cached?.HeadBlock, cached?.BaseFeePerGas, endpoints, now, $"{e.GetType().Name}: {e.Message}");
            }

            _chainCache[chain.ChainId] = row;
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Scheme, host and port of an RPC URL: paths, queries and user info often carry provider API keys.</summary>
    internal static string EndpointOrigin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}" : "(invalid URL)";

    private static DashboardTransaction ToDashboard(WalletTransaction tx) => new(
        tx.Id,
        tx.ChainId,
        tx.From.ToChecksumString(),
        tx.To?.ToChecksumString(),
        tx.Nonce,
        tx.Status,
        tx.Attempts.IsDefault ? 0 : tx.Attempts.Length,
        tx.Hash?.ToString(),
        tx.Error?.Code,
        tx.CreatedAt,
        tx.UpdatedAt);

    private sealed record CallRateSample(DateTimeOffset At, IReadOnlyDictionary<string, long> Calls)
    {
        public static CallRateSample Of(SiloSnapshot snapshot) =>
            new(snapshot.Timestamp, snapshot.GrainTypes.ToDictionary(t => t.GrainType, t => t.Calls, StringComparer.Ordinal));
    }
}
