namespace WalletGrains.Ethereum.Rpc;

/// <summary>Where and how an <see cref="EthRpcClient"/> talks to a node.</summary>
public sealed record RpcClientOptions
{
    /// <summary>Creates options for an HTTP(S) endpoint.</summary>
    public RpcClientOptions(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The JSON-RPC endpoint must be an absolute http(s) URL, got '{endpoint.GetLeftPart(UriPartial.Authority)}'.", nameof(endpoint));
        }

        Endpoint = endpoint;
    }

    /// <summary>The node's JSON-RPC URL. It may carry a provider key, so messages only show scheme, host and port.</summary>
    public Uri Endpoint { get; }

    /// <summary>Default time a call (or one batch POST) may take before it fails with <see cref="RpcErrorKind.Timeout"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest number of requests per POST; bigger batches are split (providers commonly cap at 100).</summary>
    public int MaxBatchSize { get; init; } = 100;

    /// <summary>
    /// POSTs in flight at once; 0 (the default) sets no limit. With a limit, requests made while that many POSTs are
    /// in flight wait, and those that wait together go out as one batch when a POST comes back (within
    /// <see cref="MaxBatchSize"/> requests and <see cref="MaxRequestBytes"/>), so many callers cost the node few
    /// HTTP requests instead of one each.
    /// </summary>
    public int MaxConcurrentRequests { get; init; }

    /// <summary>Largest body a merged POST grows to (a request bigger than this on its own still goes, alone).</summary>
    public int MaxRequestBytes { get; init; } = 1_000_000;
}
