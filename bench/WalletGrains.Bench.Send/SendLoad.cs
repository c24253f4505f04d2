using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Bench.Send;

/// <summary>One prepared POST /v1/transactions: its JSON body and optional Idempotency-Key.</summary>
internal sealed record SendRequest(byte[] Body, string? IdempotencyKey);

/// <summary>What each request of a run got, and how long the run took.</summary>
/// <param name="LatencyMs">Per request: from its start (burst) or its scheduled time (open loop) to the answer.</param>
/// <param name="Outcomes">Per request: "202", another status with its problem code, or the client-side exception.</param>
/// <param name="Elapsed">From the first request's start (or schedule) to the last answer.</param>
/// <param name="MaxStartLagMs">Open loop only: the latest a request actually started after its scheduled time.</param>
internal sealed record LoadRun(double[] LatencyMs, string[] Outcomes, TimeSpan Elapsed, double MaxStartLagMs)
{
    /// <summary>Per request: when it started (burst) or was due (open loop), in ms after the run began.</summary>
    public double[] StartMs { get; init; } = [];

    public const string Accepted = "202";

    public int AcceptedCount => Outcomes.Count(o => o == Accepted);

    /// <summary>Non-202 outcomes and how often each occurred.</summary>
    public IReadOnlyDictionary<string, int> Errors =>
        Outcomes.Where(o => o != Accepted).GroupBy(o => o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

/// <summary>What drives the scenarios: a client in this process (<see cref="SendLoad"/>) or in a process of its own (<see cref="RemoteLoad"/>).</summary>
internal interface ILoadDriver : IDisposable
{
    /// <summary>Closed loop: <paramref name="concurrency"/> requests outstanding until all are answered.</summary>
    Task<LoadRun> BurstAsync(IReadOnlyList<SendRequest> requests, int concurrency);

    /// <summary>Open loop: request i is due at i / <paramref name="rate"/> seconds after the start; latency counts from the due time.</summary>
    Task<LoadRun> OpenLoopAsync(IReadOnlyList<SendRequest> requests, int rate);
}

/// <summary>Drives POST /v1/transactions over loopback HTTP: closed-loop bursts and an open-loop schedule.</summary>
internal sealed class SendLoad : ILoadDriver
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly RawHttpLoad? _raw;

    /// <param name="rawClient">Send with <see cref="RawHttpLoad"/> (lean keep-alive sockets) instead of <see cref="HttpClient"/>.</param>
    public SendLoad(Uri baseUrl, string apiKey, int maxConnections, bool rawClient)
    {
        _raw = rawClient ? new RawHttpLoad(baseUrl, apiKey, maxConnections) : null;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>Plain value transfers, round-robin over <paramref name="from"/>; each body differs in value so no two are alike.</summary>
    public static IReadOnlyList<SendRequest> Transfers(
        ulong chainId, IReadOnlyList<Address> from, Address to, int count, bool explicitGasLimit, string? idempotencyPrefix)
    {
        var requests = new SendRequest[count];
        for (var i = 0; i < count; i++)
        {
            var gas = explicitGasLimit ? ",\"gasLimit\":21000" : "";
            var body = $"{{\"chainId\":{chainId.ToString(CultureInfo.InvariantCulture)},\"from\":\"{from[i % from.Count].ToChecksumString()}\",\"to\":\"{to.ToChecksumString()}\",\"value\":\"{(1000 + i).ToString(CultureInfo.InvariantCulture)}\",\"data\":\"0x\"{gas}}}";
            requests[i] = new SendRequest(Encoding.UTF8.GetBytes(body), idempotencyPrefix is null ? null : idempotencyPrefix + i.ToString(CultureInfo.InvariantCulture));
        }

        return requests;
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> requests outstanding until all are answered.</summary>
    public async Task<LoadRun> BurstAsync(IReadOnlyList<SendRequest> requests, int concurrency)
    {
        var latency = new double[requests.Count];
        var outcomes = new string[requests.Count];
        var started = new double[requests.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(concurrency, requests.Count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var start = Stopwatch.GetTimestamp();
                started[i] = clock.Elapsed.TotalMilliseconds;
                outcomes[i] = await PostAsync(requests[i]);
                latency[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        await Task.WhenAll(workers);
        return new LoadRun(latency, outcomes, clock.Elapsed, 0) { StartMs = started };
    }

    /// <summary>
    /// Open loop: request i is due at i / rate seconds after the start and is sent then, whether or not
    /// earlier ones were answered; its latency counts from the due time, so queueing anywhere (client
    /// connection pool, server, grain) is included.
    /// </summary>
    public async Task<LoadRun> OpenLoopAsync(IReadOnlyList<SendRequest> requests, int rate)
    {
        var latency = new double[requests.Count];
        var outcomes = new string[requests.Count];

        // Counted, not kept: holding every request's task until the end carried ten thousand of them through the
        // silo's collections, which a client in another process does not add.
        var unanswered = requests.Count;
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var maxLag = 0L;
        var start = Stopwatch.GetTimestamp();

        // A thread of its own issues the requests: every request that has come due goes out, then it sleeps about a
        // millisecond. No spinning: a spinning generator takes a whole core from the silo on this 2-core machine. On
        // the thread pool the wake-ups queued behind the silo's own work items, so requests left up to 15 ms after
        // their due time; a real client is not behind the service's queue. Latency still counts from the due time.
        var issuer = new Thread(() =>
        {
            var i = 0;
            while (i < requests.Count)
            {
                var now = Stopwatch.GetTimestamp();
                for (; i < requests.Count; i++)
                {
                    var due = start + (long)((double)i * Stopwatch.Frequency / rate);
                    if (due > now)
                    {
                        break;
                    }

                    maxLag = Math.Max(maxLag, now - due);
                    _ = SendScheduledAsync(i, due);
                }

                if (i < requests.Count)
                {
                    Thread.Sleep(1);
                }
            }
        })
        { IsBackground = true, Name = "open-loop issuer" };
        issuer.Start();
        await Task.Run(issuer.Join);

        if (requests.Count > 0)
        {
            await allAnswered.Task;
        }

        return new LoadRun(latency, outcomes, Stopwatch.GetElapsedTime(start), maxLag * 1000.0 / Stopwatch.Frequency)
        {
            StartMs = [.. Enumerable.Range(0, requests.Count).Select(i => i * 1000.0 / rate)],
        };

        async Task SendScheduledAsync(int i, long due)
        {
            try
            {
                outcomes[i] = await PostAsync(requests[i]);
            }
            catch (Exception e)
            {
                outcomes[i] = "client " + e.GetType().Name;
            }

            latency[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            if (Interlocked.Decrement(ref unanswered) == 0)
            {
                allAnswered.SetResult();
            }
        }
    }

    private async Task<string> PostAsync(SendRequest send)
    {
        if (_raw is not null)
        {
            try
            {
                var (status, body) = await _raw.SendAsync(_raw.Prepare(send.Body, send.IdempotencyKey));
                return status == 202 ? LoadRun.Accepted : $"{status.ToString(CultureInfo.InvariantCulture)} {ProblemCode(body)}";
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
            {
                return "client " + e.GetType().Name;
            }
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/transactions") { Content = new ByteArrayContent(send.Body) };
            request.Content.Headers.ContentType = Json;
            if (send.IdempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", send.IdempotencyKey);
            }

            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            return status == 202 ? LoadRun.Accepted : $"{status.ToString(CultureInfo.InvariantCulture)} {ProblemCode(body)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "client " + e.GetType().Name;
        }
    }

    private static string ProblemCode(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "(not JSON)";
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _raw?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
