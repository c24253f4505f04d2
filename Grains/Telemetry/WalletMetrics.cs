using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Telemetry;

/// <summary>
/// The wallet's instruments on the meter <c>WalletGrains</c>: transactions by status, fee bumps, pending
/// transactions and the age of the oldest per account, and JSON-RPC requests by chain, method and outcome.
/// One per host (a DI singleton); the account grains and <see cref="RpcMetricsHandler"/> feed it.
/// </summary>
/// <remarks>
/// Instrument names follow OpenTelemetry's dotted style; the Prometheus exporter turns them into
/// <c>wallet_transactions_total</c>, <c>wallet_fee_bumps_total</c>, <c>wallet_pending_transactions</c>,
/// <c>wallet_oldest_pending_seconds</c>, <c>wallet_rpc_requests_total</c> and <c>wallet_rpc_duration_seconds</c>.
/// </remarks>
public sealed class WalletMetrics
{
    /// <summary>Name of the wallet's meter.</summary>
    public const string MeterName = "WalletGrains";

    /// <summary>Tag: chain id in decimal.</summary>
    public const string ChainTag = "chain";

    /// <summary>Tag: transaction status (DESIGN.md §6 values).</summary>
    public const string StatusTag = "status";

    /// <summary>Tag: account address (EIP-55).</summary>
    public const string AccountTag = "account";

    /// <summary>Tag: JSON-RPC method name, or <c>batch</c> for the duration of a batch POST.</summary>
    public const string MethodTag = "method";

    /// <summary>Tag: JSON-RPC outcome (see <see cref="RpcOutcomes"/>).</summary>
    public const string OutcomeTag = "outcome";

    private readonly TimeProvider _time;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _feeBumps;
    private readonly Counter<long> _rpcRequests;
    private readonly Histogram<double> _rpcDuration;
    private readonly ConcurrentDictionary<ulong, string> _chainLabels = new();
    private readonly ConcurrentDictionary<(ulong ChainId, Address Account), AccountReport> _accounts = new();

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (so they live and die with the host).</summary>
    public WalletMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _transactions = meter.CreateCounter<long>("wallet.transactions", "{transaction}", "Transactions entering a status, by chain and status.");
        _feeBumps = meter.CreateCounter<long>("wallet.fee_bumps", "{replacement}", "Fee-bump replacements signed, by chain.");
        meter.CreateObservableGauge("wallet.pending_transactions", ObservePending, "{transaction}", "Transactions of an account not yet in a terminal state, as last reported by its grain.");
        meter.CreateObservableGauge("wallet.oldest_pending", ObserveOldest, "s", "Age of an account's oldest non-terminal transaction; absent when it has none.");
        _rpcRequests = meter.CreateCounter<long>("wallet.rpc.requests", "{request}", "JSON-RPC requests (each item of a batch counts), by chain, method and outcome: ok, error (JSON-RPC error object), http_<code>, timeout, unreachable.");
        _rpcDuration = meter.CreateHistogram<double>("wallet.rpc.duration", "s", "Time of one JSON-RPC HTTP POST, by chain and method (batch for a batch).");
    }

    /// <summary>Counts a transaction entering <paramref name="status"/> (queued, submitted, mined, confirmed, failed, cancelled).</summary>
    public void TransactionStatusChanged(ulong chainId, string status) =>
        _transactions.Add(1, new KeyValuePair<string, object?>(ChainTag, ChainLabel(chainId)), new KeyValuePair<string, object?>(StatusTag, status));

    /// <summary>Counts one fee-bump replacement signed on <paramref name="chainId"/>.</summary>
    public void FeeBumped(ulong chainId) =>
        _feeBumps.Add(1, new KeyValuePair<string, object?>(ChainTag, ChainLabel(chainId)));

    /// <summary>
    /// The latest view of one account: <paramref name="pending"/> non-terminal transactions and, when there are
    /// any, when the oldest of them was created. Observed on each collection.
    /// </summary>
    public void ReportAccount(ulong chainId, Address account, int pending, DateTimeOffset? oldestPendingSince)
    {
        // Called after every commit of the account: its labels are made once.
        var key = (chainId, account);
        _accounts[key] = _accounts.TryGetValue(key, out var previous)
            ? previous with { Pending = pending, OldestPendingSince = pending > 0 ? oldestPendingSince : null }
            : new AccountReport(ChainLabel(chainId), account.ToChecksumString(), pending, pending > 0 ? oldestPendingSince : null);
    }

    /// <summary>Counts one JSON-RPC request item.</summary>
    internal void RpcRequest(string chain, string method, string outcome) =>
        _rpcRequests.Add(
            1,
            new KeyValuePair<string, object?>(ChainTag, chain),
            new KeyValuePair<string, object?>(MethodTag, method),
            new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <summary>Records the time of one JSON-RPC POST.</summary>
    internal void RpcDuration(string chain, string method, TimeSpan elapsed) =>
        _rpcDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(ChainTag, chain), new KeyValuePair<string, object?>(MethodTag, method));

    /// <summary>The chain label (decimal chain id), cached so the hot paths do not format numbers.</summary>
    internal string ChainLabel(ulong chainId) =>
        _chainLabels.GetOrAdd(chainId, static id => id.ToString(CultureInfo.InvariantCulture));

    private IEnumerable<Measurement<long>> ObservePending()
    {
        foreach (var report in _accounts.Values)
        {
            yield return new Measurement<long>(
                report.Pending,
                new KeyValuePair<string, object?>(ChainTag, report.Chain),
                new KeyValuePair<string, object?>(AccountTag, report.Account));
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldest()
    {
        var now = _time.GetUtcNow();
        foreach (var report in _accounts.Values)
        {
            if (report.OldestPendingSince is { } since)
            {
                yield return new Measurement<double>(
                    Math.Max(0, (now - since).TotalSeconds),
                    new KeyValuePair<string, object?>(ChainTag, report.Chain),
                    new KeyValuePair<string, object?>(AccountTag, report.Account));
            }
        }
    }

    private sealed record AccountReport(string Chain, string Account, int Pending, DateTimeOffset? OldestPendingSince);
}

/// <summary>Values of the <c>outcome</c> tag of <c>wallet.rpc.requests</c>.</summary>
public static class RpcOutcomes
{
    /// <summary>HTTP 2xx with a JSON-RPC <c>result</c>.</summary>
    public const string Ok = "ok";

    /// <summary>HTTP 2xx with a JSON-RPC <c>error</c> object, or an answer that is not JSON-RPC.</summary>
    public const string Error = "error";

    /// <summary>No response before the caller's (or the failover attempt's) timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection failed (refused, reset, DNS, TLS).</summary>
    public const string Unreachable = "unreachable";

    /// <summary>A non-2xx HTTP status: <c>http_</c> followed by the code, e.g. <c>http_503</c>.</summary>
    public static string Http(int statusCode) => statusCode switch
    {
        429 => "http_429",
        500 => "http_500",
        502 => "http_502",
        503 => "http_503",
        504 => "http_504",
        _ => "http_" + statusCode.ToString(CultureInfo.InvariantCulture),
    };
}
