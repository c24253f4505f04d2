using System.Collections.Concurrent;
using System.Text.Json;

namespace WalletGrains.Testing;

/// <summary>
/// Counts JSON-RPC traffic at the HTTP boundary: each POST, and each request inside it by method (the entries of a
/// batch array are counted one by one). Put it in front of a node's transport (<c>ChainRegistry</c>'s
/// <c>createTransport</c>), so what is counted is exactly what the node receives. Thread-safe.
/// </summary>
public sealed class RpcTrafficCounter
{
    private readonly ConcurrentDictionary<string, int> _methods = new(StringComparer.Ordinal);
    private int _posts;

    /// <summary>HTTP POSTs seen.</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>Requests of <paramref name="method"/> seen, single or inside batches.</summary>
    public int Count(string method) => _methods.GetValueOrDefault(method);

    /// <summary>Requests per method seen so far.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_methods, StringComparer.Ordinal);

    /// <summary>Forgets everything counted so far.</summary>
    public void Reset()
    {
        _methods.Clear();
        Interlocked.Exchange(ref _posts, 0);
    }

    /// <summary>A handler that counts and passes requests on to <paramref name="inner"/> (default: a new <see cref="SocketsHttpHandler"/>).</summary>
    public DelegatingHandler CreateHandler(HttpMessageHandler? inner = null) => new CountingHandler(this, inner ?? new SocketsHttpHandler());

    private void Record(ReadOnlySpan<byte> body)
    {
        Interlocked.Increment(ref _posts);
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                {
                    RecordOne(item);
                }
            }
            else
            {
                RecordOne(root);
            }
        }
        catch (JsonException)
        {
            _methods.AddOrUpdate("(not json)", 1, (_, n) => n + 1);
        }
    }

    private void RecordOne(JsonElement request)
    {
        var method = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : "(no method)";
        _methods.AddOrUpdate(method, 1, (_, n) => n + 1);
    }

    private sealed class CountingHandler(RpcTrafficCounter counter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                // Buffered, so the inner handler can still send it.
                await content.LoadIntoBufferAsync(cancellationToken);
                var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
                counter.Record(bytes);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
