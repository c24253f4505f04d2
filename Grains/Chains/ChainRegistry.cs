using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Telemetry;

namespace WalletGrains.Grains.Chains;

/// <summary>
/// The configured chains at run time: per chain an <see cref="EthRpcClient"/> (on the first RPC URL, the
/// others as fallbacks) and a <see cref="FeeEstimator"/>. Construction makes no calls;
/// <see cref="VerifyAsync"/> (run at host start by <see cref="ChainServiceCollectionExtensions.AddWalletChains"/>)
/// checks that every endpoint serves the configured chain id.
/// </summary>
/// <remarks>
/// With one URL a call has the chain's <c>RpcTimeout</c>. With several, each attempt has <c>RpcTimeout</c>
/// and a call may try every URL once (see <see cref="RpcFailoverHandler"/>), so a call is bounded by
/// <c>RpcTimeout</c> × the number of URLs.
/// </remarks>
public sealed class ChainRegistry : IChainRegistry, IDisposable
{
    private readonly Func<HttpMessageHandler> _createTransport;
    private readonly WalletMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly List<(ChainContext Context, HttpClient Http)> _chains = [];
    private readonly Dictionary<ulong, ChainContext> _byId = [];

    /// <summary>
    /// Builds a context per configured chain. <paramref name="createTransport"/> (default: a pooled
    /// <see cref="SocketsHttpHandler"/>) is called for each HTTP client this registry creates, and the
    /// handler it returns is disposed with that client; tests use it to observe or fake traffic. With
    /// <paramref name="metrics"/>, each transport is wrapped in an <see cref="RpcMetricsHandler"/> (inside the
    /// failover handler, so every attempt on every URL is measured).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="WalletOptionsValidator"/>).</exception>
    public ChainRegistry(
        WalletOptions options,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null,
        Func<HttpMessageHandler>? createTransport = null,
        FeeEstimatorOptions? feeOptions = null,
        WalletMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var problems = WalletOptionsValidator.FindProblems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Wallet options: " + string.Join(" ", problems), nameof(options));
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<ChainRegistry>();
        _createTransport = createTransport ?? CreateDefaultTransport;
        _metrics = metrics;
        try
        {
            foreach (var chain in options.Chains)
            {
                var urls = chain.RpcUrls.Select(u => new Uri(u, UriKind.Absolute)).ToList();
                var handler = CreateTransport(chain.ChainId);
                var timeout = chain.RpcTimeout;
                if (urls.Count > 1)
                {
                    handler = new RpcFailoverHandler(urls, chain.RpcTimeout, _logger, Label(chain), handler);
                    timeout = chain.RpcTimeout * urls.Count;
                }

                var http = CreateHttpClient(handler);
                var rpc = new EthRpcClient(http, new RpcClientOptions(urls[0])
                {
                    Timeout = timeout,
                    MaxConcurrentRequests = chain.MaxConcurrentRpcRequests,
                    MaxRequestBytes = chain.MaxRpcRequestBytes,
                });
                // Broadcasts queue on a client of their own (MaxConcurrentBroadcasts), on the same connections.
                var broadcasts = chain.MaxConcurrentBroadcasts == 0 ? null : new EthRpcClient(http, new RpcClientOptions(urls[0])
                {
                    Timeout = timeout,
                    MaxConcurrentRequests = chain.MaxConcurrentBroadcasts,
                    MaxRequestBytes = chain.MaxRpcRequestBytes,
                });
                var context = new ChainContext(chain, rpc, new FeeEstimator(rpc, chain, time, feeOptions), broadcasts);
                _chains.Add((context, http));
                _byId.Add(chain.ChainId, context);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Chains = _chains.Select(c => c.Context).ToList().AsReadOnly();
    }

    /// <inheritdoc />
    public IReadOnlyList<ChainContext> Chains { get; }

    /// <inheritdoc />
    public bool TryGet(ulong chainId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChainContext? chain) =>
        _byId.TryGetValue(chainId, out chain);

    /// <summary>
    /// Asks every RPC URL of every chain for <c>eth_chainId</c>. Throws <see cref="ChainVerificationException"/>
    /// listing each URL that reports another chain id and each chain none of whose URLs answered; a URL
    /// that does not answer while another of its chain does is only logged (it stays a fallback).
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var perChain = await Task.WhenAll(Chains.Select(c => Task.WhenAll(
            c.Options.RpcUrls.Select(url => AskChainIdAsync(c.Options, url, cancellationToken)))));
        var problems = new List<string>();
        for (var i = 0; i < Chains.Count; i++)
        {
            var chain = Chains[i].Options;
            var answers = perChain[i];
            var answered = 0;
            for (var u = 0; u < answers.Length; u++)
            {
                var (chainId, error) = answers[u];
                if (error is not null)
                {
                    continue;
                }

                answered++;
                if (chainId != chain.ChainId)
                {
                    problems.Add($"{Label(chain)} is configured with ChainId {I(chain.ChainId)}, but Wallet:Chains:{I(i)}:RpcUrls:{I(u)} ({WalletOptionsValidator.Redact(chain.RpcUrls[u])}) serves chain id {I(chainId)}.");
                }
            }

            if (answered == 0)
            {
                problems.Add($"{Label(chain)}: none of its {I(answers.Length)} RPC URL(s) answered eth_chainId: "
                    + string.Join("; ", answers.Select((a, u) => $"{WalletOptionsValidator.Redact(chain.RpcUrls[u])}: {a.Error!.Message}")));
                continue;
            }

            for (var u = 0; u < answers.Length; u++)
            {
                if (answers[u].Error is { } error)
                {
                    ChainLog.EndpointUnreachable(_logger, error, chain.ChainId, chain.Name, WalletOptionsValidator.Redact(chain.RpcUrls[u]));
                }
            }

            ChainLog.ChainVerified(_logger, chain.ChainId, chain.Name, answered, answers.Length);
        }

        if (problems.Count > 0)
        {
            throw new ChainVerificationException(problems);
        }
    }

    /// <summary>Disposes the RPC clients and their HTTP handlers.</summary>
    public void Dispose()
    {
        foreach (var (context, http) in _chains)
        {
            context.Rpc.Dispose();
            context.Broadcasts.Dispose();
            http.Dispose();
        }

        _chains.Clear();
    }

    private static string Label(ChainOptions chain) =>
        string.IsNullOrWhiteSpace(chain.Name)
            ? $"chain {I(chain.ChainId)}"
            : $"chain {I(chain.ChainId)} ({chain.Name})";

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static HttpClient CreateHttpClient(HttpMessageHandler handler) =>
        new(handler, disposeHandler: true)
        {
            // EthRpcClient enforces each call's timeout; HttpClient's own would only race with it.
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static SocketsHttpHandler CreateDefaultTransport() => new()
    {
        // Re-resolve DNS now and then: the clients live as long as the process.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private HttpMessageHandler CreateTransport(ulong chainId) =>
        _metrics is null ? _createTransport() : new RpcMetricsHandler(_metrics, chainId, _createTransport());

    private async Task<(ulong ChainId, Exception? Error)> AskChainIdAsync(ChainOptions chain, string url, CancellationToken cancellationToken)
    {
        // A client straight to this URL (no failover), so each endpoint answers for itself.
        using var http = CreateHttpClient(CreateTransport(chain.ChainId));
        using var rpc = new EthRpcClient(http, new RpcClientOptions(new Uri(url, UriKind.Absolute)) { Timeout = chain.RpcTimeout });
        try
        {
            return (await rpc.ChainIdAsync(cancellationToken), null);
        }
        catch (RpcException e)
        {
            return (0, e);
        }
    }
}
