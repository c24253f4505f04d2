using System.Diagnostics;
using System.Text.Json;

namespace WalletGrains.Grains.Telemetry;

/// <summary>
/// Measures JSON-RPC over HTTP for one chain: reads the method(s) from the request body (a single call or a
/// batch), times the POST including the response body, and records <c>wallet.rpc.requests</c> per request item
/// with its outcome and <c>wallet.rpc.duration</c> per POST. The request and response pass through unchanged
/// (the response body is buffered, so the caller can read it as usual).
/// </summary>
/// <remarks>
/// Outcomes: <c>ok</c>; <c>error</c> (a JSON-RPC error object, an item missing from a batch answer, or a 2xx
/// body that is not JSON-RPC); <c>http_&lt;code&gt;</c> for any non-2xx status; <c>timeout</c> when the call is
/// cancelled (the RPC client's and the failover handler's timeouts cancel); <c>unreachable</c> when the
/// connection fails.
/// </remarks>
public sealed class RpcMetricsHandler : DelegatingHandler
{
    /// <summary>Method label used when the body names no method (not JSON-RPC).</summary>
    public const string UnknownMethod = "unknown";

    /// <summary>Method label of a batch POST's duration.</summary>
    public const string BatchMethod = "batch";

    private readonly WalletMetrics _metrics;
    private readonly string _chain;

    /// <summary>Instruments the calls of chain <paramref name="chainId"/> sent through <paramref name="innerHandler"/>.</summary>
    public RpcMetricsHandler(WalletMetrics metrics, ulong chainId, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        _chain = metrics.ChainLabel(chainId);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var calls = request.Content is null ? [] : ReadCalls(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Record(calls, started, RpcOutcomes.Timeout);
            throw;
        }
        catch (HttpRequestException)
        {
            Record(calls, started, RpcOutcomes.Unreachable);
            throw;
        }

        if (!response.IsSuccessStatusCode)
        {
            Record(calls, started, RpcOutcomes.Http((int)response.StatusCode));
            return response;
        }

        var answers = ReadAnswers(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        _metrics.RpcDuration(_chain, DurationMethod(calls), Stopwatch.GetElapsedTime(started));
        foreach (var call in calls)
        {
            var outcome = answers.Whole ?? (call.Id is not null && answers.ById.TryGetValue(call.Id, out var ok) ? (ok ? RpcOutcomes.Ok : RpcOutcomes.Error) : RpcOutcomes.Error);
            _metrics.RpcRequest(_chain, call.Method, outcome);
        }

        return response;
    }

    private void Record(List<RpcCall> calls, long started, string outcome)
    {
        _metrics.RpcDuration(_chain, DurationMethod(calls), Stopwatch.GetElapsedTime(started));
        foreach (var call in calls)
        {
            _metrics.RpcRequest(_chain, call.Method, outcome);
        }
    }

    private static string DurationMethod(List<RpcCall> calls) => calls.Count switch
    {
        0 => UnknownMethod,
        1 when !calls[0].InBatch => calls[0].Method,
        _ => BatchMethod,
    };

    /// <summary>The calls of a JSON-RPC body: one object, or an array of objects (a batch).</summary>
    internal static List<RpcCall> ReadCalls(ReadOnlySpan<byte> body)
    {
        var calls = new List<RpcCall>();
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read())
            {
                return calls;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var (method, id, _) = ReadMembers(ref reader);
                calls.Add(new RpcCall(method ?? UnknownMethod, id, InBatch: false));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var (method, id, _) = ReadMembers(ref reader);
                        calls.Add(new RpcCall(method ?? UnknownMethod, id, InBatch: true));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: whatever was read so far is what the body names.
        }

        if (calls.Count == 0)
        {
            calls.Add(new RpcCall(UnknownMethod, null, InBatch: false));
        }

        return calls;
    }

    /// <summary>
    /// Which answers carry an error: <see cref="Answers.Whole"/> applies to every call (an object answer, or a
    /// body that is not JSON-RPC); otherwise per id, true for a result.
    /// </summary>
    internal static Answers ReadAnswers(ReadOnlySpan<byte> body)
    {
        var byId = new Dictionary<string, bool>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read())
            {
                return new Answers(RpcOutcomes.Error, byId);
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var (_, _, hasError) = ReadMembers(ref reader);
                return new Answers(hasError ? RpcOutcomes.Error : RpcOutcomes.Ok, byId);
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return new Answers(RpcOutcomes.Error, byId);
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var (_, id, hasError) = ReadMembers(ref reader);
                    if (id is not null)
                    {
                        byId[id] = !hasError;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return new Answers(null, byId);
        }
        catch (JsonException)
        {
            return new Answers(RpcOutcomes.Error, byId);
        }
    }

    /// <summary>Reads one object's members (the reader is on its StartObject and ends on its EndObject).</summary>
    private static (string? Method, string? Id, bool HasError) ReadMembers(ref Utf8JsonReader reader)
    {
        string? method = null, id = null;
        var hasError = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                // Ids compare as their JSON text, so 1 and "1" stay different, as JSON-RPC says.
                id = reader.TokenType switch
                {
                    JsonTokenType.Number => "n:" + System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                    JsonTokenType.String => "s:" + reader.GetString(),
                    _ => null,
                };
                reader.Skip();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                hasError = reader.TokenType != JsonTokenType.Null;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (method, id, hasError);
    }

    /// <summary>One call of a request body.</summary>
    internal sealed record RpcCall(string Method, string? Id, bool InBatch);

    /// <summary>The answers of a response body.</summary>
    internal sealed record Answers(string? Whole, Dictionary<string, bool> ById);
}
