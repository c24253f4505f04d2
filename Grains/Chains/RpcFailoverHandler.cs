using System.Net;
using Microsoft.Extensions.Logging;

namespace WalletGrains.Grains.Chains;

/// <summary>
/// Sends each JSON-RPC POST to a chain's preferred endpoint and, when it cannot be reached, answers
/// HTTP 5xx or 429, or gives no response headers within the per-attempt timeout, re-sends it to the next
/// endpoint. The endpoint that answered becomes the preferred one (sticky), so a dead primary costs one
/// failed attempt, not one per call. The last endpoint's failure reaches the caller as it is.
/// </summary>
/// <remarks>
/// Re-sending is safe for the wallet's calls: reads are idempotent, and a signed transaction sent twice
/// is the same transaction (the second node answers "already known" or accepts the same hash).
/// </remarks>
internal sealed class RpcFailoverHandler : DelegatingHandler
{
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly TimeSpan _attemptTimeout;
    private readonly ILogger _logger;
    private readonly string _chain;
    private int _preferred;

    public RpcFailoverHandler(IReadOnlyList<Uri> endpoints, TimeSpan attemptTimeout, ILogger logger, string chain, HttpMessageHandler inner)
        : base(inner)
    {
        _endpoints = endpoints;
        _attemptTimeout = attemptTimeout;
        _logger = logger;
        _chain = chain;
    }

    /// <summary>Index of the endpoint calls go to first.</summary>
    public int Preferred => Volatile.Read(ref _preferred);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var start = Preferred;
        for (var attempt = 0; ; attempt++)
        {
            var index = (start + attempt) % _endpoints.Count;
            var last = attempt == _endpoints.Count - 1;
            using var message = Copy(request, _endpoints[index], body);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_attemptTimeout);
            string reason;
            try
            {
                var response = await base.SendAsync(message, timeout.Token);
                if (last || !IsEndpointFailure(response.StatusCode))
                {
                    Volatile.Write(ref _preferred, index);
                    return response;
                }

                reason = $"HTTP {(int)response.StatusCode}";
                response.Dispose();
            }
            catch (HttpRequestException e) when (!last)
            {
                reason = e.Message;
            }
            catch (OperationCanceledException) when (!last && !cancellationToken.IsCancellationRequested)
            {
                reason = $"no answer within {_attemptTimeout.TotalMilliseconds} ms";
            }

            ChainLog.FailingOver(_logger, _chain, Show(_endpoints[index]), reason, Show(_endpoints[(index + 1) % _endpoints.Count]));
        }
    }

    private static bool IsEndpointFailure(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    private static HttpRequestMessage Copy(HttpRequestMessage request, Uri endpoint, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, endpoint) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        return copy;
    }

    private static string Show(Uri endpoint) => WalletOptionsValidator.Redact(endpoint.OriginalString);
}
