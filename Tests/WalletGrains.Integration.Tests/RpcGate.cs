using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// Sits in front of the silo's chain transport and, for the JSON-RPC methods it is told to hold, keeps
/// every request that carries one (alone or inside a batch) waiting until released: a node that is slow
/// to answer, on demand. It can also fail the next requests carrying a method (HTTP 503, a node that is
/// briefly down) and counts the calls it passes by method and first parameter.
/// </summary>
public sealed class RpcGate
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _toFail = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Method, string Parameters), int> _seen = new();

    private int _failed;

    /// <summary>The next <paramref name="count"/> requests carrying <paramref name="method"/> get HTTP 503 and reach no node.</summary>
    public void FailNext(string method, int count) => _toFail[method] = count;

    /// <summary>Requests failed so far by <see cref="FailNext"/>.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Calls of <paramref name="method"/> that reached the node (alone or inside a batch) with exactly these parameters,
    /// or with any when none are given.
    /// </summary>
    public int Seen(string method, params string[] parameters) =>
        parameters.Length == 0
            ? _seen.Where(e => e.Key.Method == method).Sum(e => e.Value)
            : _seen.GetValueOrDefault((method, new JsonArray([.. parameters.Select(p => JsonValue.Create(p))]).ToJsonString()));

    /// <summary>Requests with <paramref name="method"/> wait from now on, until <see cref="ReleaseAll"/>.</summary>
    public void Hold(string method) => _held.TryAdd(method, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>How many requests with <paramref name="method"/> are waiting right now.</summary>
    public int Waiting(string method) => _waiting.GetValueOrDefault(method);

    /// <summary>Lets every held request go and holds nothing more.</summary>
    public void ReleaseAll()
    {
        foreach (var method in _held.Keys)
        {
            if (_held.TryRemove(method, out var gate))
            {
                gate.TrySetResult();
            }
        }
    }

    /// <summary>Waits until a request with <paramref name="method"/> is held.</summary>
    public async Task WaitUntilHeldAsync(string method, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (Waiting(method) == 0)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No {method} request reached the gate within {deadline}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Registers the silo's chain registry with this gate in front of its default transport.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddSingleton(sp => new ChainRegistry(
            sp.GetRequiredService<IOptions<WalletOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            () => new Handler(this, new SocketsHttpHandler())));

    private sealed class Handler(RpcGate gate, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            foreach (var (method, held) in gate._held)
            {
                if (body.Contains($"\"{method}\"", StringComparison.Ordinal))
                {
                    gate._waiting.AddOrUpdate(method, 1, (_, n) => n + 1);
                    try
                    {
                        await held.Task.WaitAsync(cancellationToken);
                    }
                    finally
                    {
                        gate._waiting.AddOrUpdate(method, 0, (_, n) => n - 1);
                    }
                }
            }

            foreach (var (method, left) in gate._toFail)
            {
                if (left > 0 && body.Contains($"\"{method}\"", StringComparison.Ordinal) && gate._toFail.TryUpdate(method, left - 1, left))
                {
                    Interlocked.Increment(ref gate._failed);
                    return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down (a fault the test injected)") };
                }
            }

            gate.Count(body);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private void Count(string body)
    {
        var root = JsonNode.Parse(body);
        foreach (var call in root is JsonArray batch ? [.. batch] : new[] { root })
        {
            if (call?["method"]?.GetValue<string>() is { } method)
            {
                _seen.AddOrUpdate((method, call["params"]?.ToJsonString() ?? "[]"), 1, (_, n) => n + 1);
            }
        }
    }
}
