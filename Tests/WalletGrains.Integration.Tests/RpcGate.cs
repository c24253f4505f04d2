using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// Sits in front of the silo's chain transport and, for the JSON-RPC methods it is told to hold, keeps
/// every request that carries one (alone or inside a batch) waiting until released: a node that is slow
/// to answer, on demand.
/// </summary>
public sealed class RpcGate
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _waiting = new(StringComparer.Ordinal);

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

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
