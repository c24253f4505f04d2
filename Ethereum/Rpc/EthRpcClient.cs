using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// JSON-RPC 2.0 client over HTTP for Ethereum nodes: single calls, batches, typed <c>eth_*</c>
/// methods (see the other part of this class) and a generic call for node-specific methods.
/// Every call has a timeout; every failure is an <see cref="RpcException"/> with a classified kind,
/// except cancellation by the caller's token, which stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class EthRpcClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string _endpointLabel;
    private long _nextId;

    /// <summary>Uses a caller-owned HttpClient (e.g. from IHttpClientFactory); it is not disposed here.</summary>
    public EthRpcClient(HttpClient http, RpcClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "The RPC timeout must be positive.");
        }

        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (options.MaxConcurrentRequests < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrentRequests, "MaxConcurrentRequests must be 0 (no limit) or more.");
        }

        _http = http;
        Options = options;
        _endpointLabel = options.Endpoint.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
    }

    /// <summary>Creates its own HttpClient for <paramref name="endpoint"/>; disposed with this client.</summary>
    public EthRpcClient(Uri endpoint, TimeSpan? timeout = null)
        : this(CreateHttpClient(), new RpcClientOptions(endpoint) { Timeout = timeout ?? TimeSpan.FromSeconds(10) })
    {
        _ownsHttp = true;
    }

    /// <summary>Endpoint and limits.</summary>
    public RpcClientOptions Options { get; }

    /// <summary>Sends one request with the default timeout.</summary>
    public Task<T> SendAsync<T>(RpcRequest<T> request, CancellationToken cancellationToken = default) =>
        SendAsync(request, null, cancellationToken);

    /// <summary>Sends one request; <paramref name="timeout"/> overrides the default when given.</summary>
    public async Task<T> SendAsync<T>(RpcRequest<T> request, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Interlocked.Increment(ref _nextId);
        var body = Write(w => request.WriteTo(w, id));
        if (Options.MaxConcurrentRequests > 0)
        {
            var item = new RpcBatchItem<T>(request);
            await SendQueuedAsync(new QueuedPost([item], id, body, single: true, request.Method), timeout, cancellationToken);
            return item.Value;
        }

        var (document, status) = await PostAsync(body, request.Method, timeout, cancellationToken);
        using (document)
        {
            return ReadResponse(document.RootElement, request, status, id);
        }
    }

    /// <summary>
    /// Calls any method with parameters converted by <see cref="RpcJson.ToParam"/> (e.g.
    /// <c>anvil_mine</c>, <c>evm_setAutomine</c>) and returns the raw result (JSON null included).
    /// </summary>
    public Task<JsonElement> CallAsync(string method, IReadOnlyList<object?>? parameters = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CallAsync<JsonElement>(method, parameters, timeout, cancellationToken);

    /// <summary>Calls any method and converts the result with <see cref="RpcJson.ConvertResult{T}"/>.</summary>
    public Task<T> CallAsync<T>(string method, IReadOnlyList<object?>? parameters = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var request = new RpcRequest<T>(method, (parameters ?? []).Select(RpcJson.ToParam), RpcJson.ConvertResult<T>);
        return SendAsync(request, timeout, cancellationToken);
    }

    /// <summary>
    /// Sends all requests of a batch, <see cref="RpcClientOptions.MaxBatchSize"/> per POST, and
    /// matches answers to requests by id. Per-item errors land on the items; a transport failure
    /// (timeout, unreachable) fails every unanswered item and is thrown.
    /// </summary>
    public async Task SendBatchAsync(RpcBatch batch, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entries = batch.Entries;
        for (var start = 0; start < entries.Count; start += Options.MaxBatchSize)
        {
            var chunk = entries.Skip(start).Take(Options.MaxBatchSize).ToArray();
            try
            {
                await SendChunkAsync(chunk, timeout, cancellationToken);
            }
            catch (RpcException e)
            {
                foreach (var entry in entries.Skip(start))
                {
                    entry.Fail(e);
                }

                throw;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    internal static T ReadResponse<T>(JsonElement response, RpcRequest<T> request, int httpStatus, long? expectedId)
    {
        if (response.ValueKind != JsonValueKind.Object)
        {
            throw new RpcException(request.Method, RpcErrorKind.Unknown, $"{request.Method} got a response that is not a JSON object: {RpcJson.Show(response)}.", httpStatus: httpStatus);
        }

        if (RpcJson.TryGetOptional(response, "error", out var error))
        {
            throw RpcException.FromErrorObject(request.Method, error, httpStatus);
        }

        if (expectedId is { } id && (!response.TryGetProperty("id", out var gotId) || gotId.ValueKind != JsonValueKind.Number || !gotId.TryGetInt64(out var got) || got != id))
        {
            throw new RpcException(request.Method, RpcErrorKind.Unknown, $"{request.Method} got an answer for another request (id {RpcJson.Show(response.TryGetProperty("id", out var x) ? x : default)}, expected {id}).", httpStatus: httpStatus);
        }

        if (!response.TryGetProperty("result", out var result))
        {
            throw new RpcException(request.Method, RpcErrorKind.Unknown, $"{request.Method} got a response with neither result nor error.", httpStatus: httpStatus);
        }

        try
        {
            return request.Parse(result);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or ArgumentException or KeyNotFoundException or NotSupportedException)
        {
            throw new RpcException(request.Method, RpcErrorKind.Unknown, $"{request.Method} returned a malformed result: {e.Message} Result: {RpcJson.Show(result)}", httpStatus: httpStatus, innerException: e);
        }
    }

    private async Task SendChunkAsync(IRpcBatchEntry[] chunk, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var firstId = Interlocked.Add(ref _nextId, chunk.Length) - chunk.Length + 1;
        var body = Write(w =>
        {
            w.WriteStartArray();
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].WriteTo(w, firstId + i);
            }

            w.WriteEndArray();
        });

        var label = BatchLabel(chunk.Length, chunk[0].Method);
        if (Options.MaxConcurrentRequests > 0)
        {
            await SendQueuedAsync(new QueuedPost(chunk, firstId, body, single: false, label), timeout, cancellationToken);
            return;
        }

        var (document, status) = await PostAsync(body, label, timeout, cancellationToken);
        using (document)
        {
            CompleteBatch(document.RootElement, status, label, [(chunk, firstId)]);
        }
    }

    private static string BatchLabel(int count, string firstMethod) =>
        "batch of " + count.ToString(CultureInfo.InvariantCulture) + " (" + firstMethod + ", ...)";

    /// <summary>
    /// Hands a batch answer to its items: <paramref name="parts"/> are runs of entries whose ids count up from a first
    /// id (one per caller when several callers' requests went in one POST).
    /// </summary>
    private static void CompleteBatch(JsonElement root, int status, string label, IReadOnlyList<(IRpcBatchEntry[] Entries, long FirstId)> parts)
    {
        if (root.ValueKind == JsonValueKind.Object && RpcJson.TryGetOptional(root, "error", out var error))
        {
            // The node rejected the batch as a whole (too large, batches disabled, ...).
            foreach (var (entries, _) in parts)
            {
                foreach (var entry in entries)
                {
                    entry.Fail(RpcException.FromErrorObject(entry.Method, error, status));
                }
            }

            return;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new RpcException(label, RpcErrorKind.Unknown, $"The {label} got a response that is not a JSON array: {RpcJson.Show(root)}.", httpStatus: status);
        }

        var byId = new Dictionary<long, JsonElement>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var n))
            {
                byId.TryAdd(n, item);
            }
        }

        foreach (var (entries, firstId) in parts)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (byId.TryGetValue(firstId + i, out var response))
                {
                    entries[i].Complete(response, status);
                }
                else
                {
                    entries[i].Fail(new RpcException(entries[i].Method, RpcErrorKind.Unknown, $"{entries[i].Method} got no answer in the batch response (id {firstId + i}).", httpStatus: status));
                }
            }
        }
    }

    private async Task<(JsonDocument Document, int Status)> PostAsync(byte[] body, string method, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = timeout ?? Options.Timeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        int status;
        byte[] bytes;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Options.Endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonContentType;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            status = (int)response.StatusCode;
            bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(method, RpcErrorKind.Timeout, $"{method} to {_endpointLabel} got no answer within {limit.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.", innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new RpcException(method, RpcErrorKind.ServerUnavailable, $"{method} to {_endpointLabel} failed: {e.Message}", httpStatus: (int?)e.StatusCode, innerException: e);
        }

        if (status == 429)
        {
            throw new RpcException(method, RpcErrorKind.RateLimited, $"{method} to {_endpointLabel} was rate limited (HTTP 429).", httpStatus: status);
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the status-based classification below.
        }

        var isRpcAnswer = document is not null && document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array;
        if (status is >= 200 and < 300 && isRpcAnswer)
        {
            return (document!, status);
        }

        // Some nodes send JSON-RPC errors with a non-2xx status; those carry the real reason.
        if (isRpcAnswer && document!.RootElement.ValueKind == JsonValueKind.Object && RpcJson.TryGetOptional(document.RootElement, "error", out _))
        {
            return (document, status);
        }

        document?.Dispose();
        var kind = RpcErrorClassifier.ClassifyHttpStatus(status);
        var snippet = bytes.Length == 0 ? "empty body" : System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 200));
        throw new RpcException(method, kind, $"{method} to {_endpointLabel} got HTTP {status.ToString(CultureInfo.InvariantCulture)} without a JSON-RPC answer: {snippet}", httpStatus: status);
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            // Each call enforces its own timeout; HttpClient's would only race with it.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
}
