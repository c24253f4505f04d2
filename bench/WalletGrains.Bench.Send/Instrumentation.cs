using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Bench.Send;

/// <summary>
/// Wraps the silo's store, key store, send gateway and chain RPC transport in timing decorators,
/// so the harness can say where a send's time goes without touching product code. Each decorator
/// only takes two timestamps around the call it forwards.
/// </summary>
internal static class Instrumentation
{
    /// <param name="transport">The chain's HTTP transport (a pooled socket handler, or the in-process instant chain).</param>
    public static void AddTimings(IServiceCollection services, Probes probes, Func<HttpMessageHandler> transport)
    {
        Decorate<IWalletStore>(services, inner => new TimedWalletStore(inner, probes));
        Decorate<IKeyStore>(services, inner => new TimedKeyStore(inner, probes));
        services.AddSingleton<IStartupFilter>(new ServerTimingStartupFilter(probes));
        services.AddSingleton<ISendGateway>(sp => new TimedSendGateway(ActivatorUtilities.CreateInstance<SendGateway>(sp), probes));

        // The registry as AddWalletChains builds it, with a timed transport in front of the given one.
        services.AddSingleton(sp => new ChainRegistry(
            sp.GetRequiredService<IOptions<WalletOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            () => new TimedRpcHandler(transport(), probes)));
    }

    /// <summary>Replaces the last registration of <typeparamref name="T"/> with a decorator around what it would have built.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(T))
            ?? throw new InvalidOperationException($"The host registers no {typeof(T).Name} to time.");
        services.Remove(original);
        services.AddSingleton(sp =>
        {
            var inner = original.ImplementationInstance as T
                ?? original.ImplementationFactory?.Invoke(sp) as T
                ?? (T)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return decorate(inner);
        });
    }
}

/// <summary>Times the wallet store calls of the send path; commits are counted with the rows they insert.</summary>
internal sealed class TimedWalletStore(IWalletStore inner, Probes probes) : DelegatingWalletStore(inner)
{
    public override async Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        // Commits that insert sends (the send turn) and commits that only update (the poll loop) are told apart.
        var name = write.Inserted.Length > 0 ? "store commit (send batch)" : "store commit (poll update)";
        using var _ = probes.Start(name, write.Inserted.Length > 0 ? write.Inserted.Length : write.Updated.Length);
        return await Inner.CommitAsync(write, cancellationToken);
    }

    public override async Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("store idempotency lookup", keys.Count);
        return await Inner.FindIdempotencyKeysAsync(keys, cancellationToken);
    }

    public override async Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("store read");
        return await Inner.GetAccountAsync(chainId, address, cancellationToken);
    }

    public override async Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("store read");
        return await Inner.GetLiveTransactionsAsync(chainId, from, cancellationToken);
    }

    public override async Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("store read");
        return await Inner.GetAccountSnapshotAsync(chainId, address, cancellationToken);
    }

    public override async Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("store read");
        return await Inner.GetTransactionAsync(id, cancellationToken);
    }

    public override async Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        // The event monitor's and balance grain's appends share the writer with the send path.
        using var _ = probes.Start("store append events", events.Count);
        return await Inner.AppendEventsAsync(events, cancellationToken);
    }
}

/// <summary>Times each signature (the key store's share of a send).</summary>
internal sealed class TimedKeyStore(IKeyStore inner, Probes probes) : IKeyStore
{
    public IReadOnlyCollection<Address> Addresses => inner.Addresses;

    public bool Contains(Address address) => inner.Contains(address);

    public async ValueTask<Signature> SignHashAsync(Address address, Bytes32 hash, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("sign (key store)");
        return await inner.SignHashAsync(address, hash, cancellationToken);
    }
}

/// <summary>Times a send from the API handler's call into the gateway to its outcome (lane wait + grain turn).</summary>
internal sealed class TimedSendGateway(ISendGateway inner, Probes probes) : ISendGateway
{
    public async Task<SendOutcome> SendAsync(SendCommand command, CancellationToken cancellationToken = default)
    {
        using var _ = probes.Start("gateway (lane wait + grain turn)");
        return await inner.SendAsync(command, cancellationToken);
    }
}

/// <summary>A node across a network (<c>--rpc-latency</c>): each POST waits a round trip's time before it is sent.</summary>
internal sealed class DistantNode(TimeSpan latency, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Times each JSON-RPC POST to the chain, named after its first method and whether it is a batch
/// (the send turn's balance/estimate batch starts with eth_getBalance, its broadcast with
/// eth_sendRawTransaction, the poll loop's batch with eth_blockNumber).
/// </summary>
internal sealed class TimedRpcHandler(HttpMessageHandler inner, Probes probes) : DelegatingHandler(inner)
{
    private static readonly byte[] MethodKey = Encoding.ASCII.GetBytes("\"method\":\"");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var name = request.Content is null ? "rpc ?" : await NameAsync(request.Content, cancellationToken);
        using var _ = probes.Start(name);
        var response = await base.SendAsync(request, cancellationToken);

        // The body is part of the call's cost: read it here so the timing covers it (it is buffered for the caller).
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }

    private static async Task<string> NameAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // ByteArrayContent hands out a read-only stream over its buffer: peeking copies 256 bytes, not the body.
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var head = new byte[256];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var span = head.AsSpan(0, read);
        var batch = span.Length > 0 && span[0] == (byte)'[';
        var at = span.IndexOf(MethodKey);
        if (at < 0)
        {
            return "rpc ?";
        }

        var rest = span[(at + MethodKey.Length)..];
        var end = rest.IndexOf((byte)'"');
        var method = Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
        return batch ? $"rpc batch {method}, ..." : $"rpc {method}";
    }
}

/// <summary>
/// Times each POST /v1/transactions from the first middleware to the end of the pipeline (auth, rate
/// limiting, JSON, validation, the gateway, the response), i.e. the server's share of a request.
/// </summary>
internal sealed class ServerTimingStartupFilter(Probes probes) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/v1/transactions")
            {
                using var _ = probes.Start("server pipeline (POST /v1/transactions)");
                await nextMiddleware(context);
            }
            else
            {
                await nextMiddleware(context);
            }
        });
        next(app);
    };
}

/// <summary>
/// Samples the thread pool's queue every 10 ms on a thread of its own (so it runs even when the pool
/// is starved): a long queue means work waits for a core, not for I/O. Also the garbage collector's
/// pauses over the same time, which stop every thread of the process at once, and the kernel's pressure
/// stall information for the whole machine (/proc/pressure): how long some runnable task waited for a
/// core, and how long some or all non-idle tasks waited for the disk, so a slow spell can be told apart.
/// </summary>
internal sealed class ThreadPoolSampler : IDisposable
{
    private readonly Probe? _pauses;
    private readonly Probe? _jit;
    private readonly Probe? _stalls;
    private readonly long[] _stalledAtStart = Pressure.Read();
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _samples;
    private long _pendingSum;
    private long _pendingMax;
    private int _threadsMax;
    private readonly TimeSpan _pausedAtStart = GC.GetTotalPauseDuration();
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes();
    private readonly int[] _collectionsAtStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly long[] _lastIndex = new long[3];
    private TimeSpan _pauseMax;
    private long _heapMax;
    // Ephemeral collections seen by the sampler (it can miss one between two samples), gen0 and gen1 apart.
    private readonly int[] _seenByGen = new int[2];
    private readonly long[] _promotedByGen = new long[2];
    private readonly double[] _pauseByGen = new double[2];

    /// <param name="pauses">Where to record each GC pause seen (items: the collection's generation), or null.</param>
    /// <param name="jit">Where to record the JIT's compile time between two samples (items: methods compiled), or null.</param>
    /// <param name="stalls">
    /// Where to record, per sample, the longest of the machine's stalls since the previous one (items: which,
    /// <see cref="Pressure.Kinds"/>), or null.
    /// </param>
    public ThreadPoolSampler(Probe? pauses = null, Probe? jit = null, Probe? stalls = null)
    {
        _pauses = pauses;
        _jit = jit;
        _stalls = stalls;
        foreach (var (kind, i) in GcKinds)
        {
            _lastIndex[i] = GC.GetGCMemoryInfo(kind).Index;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "bench thread-pool sampler" };
        _thread.Start();
    }

    public string Summary()
    {
        Stop();
        return _samples == 0
            ? "thread pool: no samples"
            : $"thread pool queue mean {(double)_pendingSum / _samples:0.0}, max {_pendingMax:N0} work items; threads max {_threadsMax}; "
                + $"GC paused {(GC.GetTotalPauseDuration() - _pausedAtStart).TotalMilliseconds:N0} ms in "
                + $"{GC.CollectionCount(0) - _collectionsAtStart[0]}/{GC.CollectionCount(1) - _collectionsAtStart[1]}/{GC.CollectionCount(2) - _collectionsAtStart[2]} gen0/1/2 collections, longest pause seen {_pauseMax.TotalMilliseconds:0.0} ms; "
                + $"allocated {(GC.GetTotalAllocatedBytes() - _allocatedAtStart) / 1048576.0:N0} MB; "
                + $"heap after a collection up to {_heapMax / 1048576.0:N0} MB; "
                + string.Join(", ", Enumerable.Range(0, 2).Where(g => _seenByGen[g] > 0).Select(g => $"gen{g}: {_seenByGen[g]} seen, promoted {_promotedByGen[g] / 1048576.0 / _seenByGen[g]:0.00} MB and paused {_pauseByGen[g] / _seenByGen[g]:0.0} ms each"))
                + Pressure.Describe(_stalledAtStart, Pressure.Read(), Stopwatch.GetElapsedTime(_started));
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Stop()
    {
        if (!_stop.IsSet)
        {
            _stop.Set();
            _thread.Join();
        }
    }

    private readonly long _started = Stopwatch.GetTimestamp();

    private void Run()
    {
        var (jitMethods, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        var stalled = _stalledAtStart;
        while (!_stop.Wait(10))
        {
            if (_stalls is not null && Pressure.Read() is { Length: > 0 } now && stalled.Length == now.Length)
            {
                for (var kind = 0; kind < now.Length; kind++)
                {
                    if (now[kind] > stalled[kind])
                    {
                        _stalls.Record(TimeSpan.FromMicroseconds(now[kind] - stalled[kind]), kind);
                    }
                }

                stalled = now;
            }

            var (methods, time) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
            if (methods != jitMethods)
            {
                _jit?.Record(time - jitTime, methods - jitMethods);
                (jitMethods, jitTime) = (methods, time);
            }

            var pending = ThreadPool.PendingWorkItemCount;
            _samples++;
            _pendingSum += pending;
            _pendingMax = Math.Max(_pendingMax, pending);
            _threadsMax = Math.Max(_threadsMax, ThreadPool.ThreadCount);
            foreach (var (kind, i) in GcKinds)
            {
                var info = GC.GetGCMemoryInfo(kind);
                if (info.Index != _lastIndex[i])
                {
                    _lastIndex[i] = info.Index;
                    _heapMax = Math.Max(_heapMax, info.HeapSizeBytes);
                    if (kind == GCKind.Ephemeral)
                    {
                        var g = Math.Min(info.Generation, 1);
                        _seenByGen[g]++;
                        _promotedByGen[g] += info.PromotedBytes;
                        _pauseByGen[g] += info.PauseDurations[0].TotalMilliseconds;
                    }

                    foreach (var pause in info.PauseDurations)
                    {
                        if (pause > TimeSpan.Zero)
                        {
                            _pauses?.Record(pause, info.Generation);
                        }

                        _pauseMax = pause > _pauseMax ? pause : _pauseMax;
                    }
                }
            }
        }
    }

    private static readonly (GCKind Kind, int Index)[] GcKinds = [(GCKind.Ephemeral, 0), (GCKind.FullBlocking, 1), (GCKind.Background, 2)];
}

/// <summary>
/// The machine's pressure stall totals (/proc/pressure, microseconds since boot): some task waiting for a core, some task
/// waiting for the disk, every non-idle task waiting for the disk. Empty where the kernel has none.
/// </summary>
internal static class Pressure
{
    /// <summary>What each total is, by index (the items of the stall timings).</summary>
    public static readonly string[] Kinds = ["cpu some", "io some", "io full"];

    public static long[] Read()
    {
        try
        {
            var cpu = File.ReadAllLines("/proc/pressure/cpu");
            var io = File.ReadAllLines("/proc/pressure/io");
            return [Total(cpu, "some"), Total(io, "some"), Total(io, "full")];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>"; machine stalled: cpu some 12.3 %, ..." of the wall time between two readings, or nothing without them.</summary>
    public static string Describe(long[] before, long[] after, TimeSpan wall) =>
        before.Length == 0 || before.Length != after.Length || wall <= TimeSpan.Zero
            ? string.Empty
            : "; machine stalled (of the wall time): " + string.Join(", ", Kinds.Select((kind, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{kind} {(after[i] - before[i]) / wall.TotalMicroseconds * 100:0.0} %")));

    // A line reads "some avg10=0.00 avg60=0.00 avg300=0.00 total=12345".
    private static long Total(string[] lines, string which) =>
        lines.Where(l => l.StartsWith(which + " ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf("total=", StringComparison.Ordinal) + 6)..], CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
