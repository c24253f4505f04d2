using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WalletGrains.Bench.Runtime;
using WalletGrains.Runtime;

// Usage: dotnet run -c Release --project bench/WalletGrains.Bench.Runtime [-- --seconds 5 --postgres "<cs>" --no-storage]
// Without --postgres, a durable throwaway cluster is started with scripts/pg-test.sh start --durable.
var seconds = int.Parse(Option("--seconds") ?? "5", CultureInfo.InvariantCulture);
var postgres = Option("--postgres") ?? Environment.GetEnvironmentVariable("WALLETGRAINS_BENCH_POSTGRES");
var storage = !args.Contains("--no-storage");
var duration = TimeSpan.FromSeconds(seconds);

Console.WriteLine($"WalletGrains runtime benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, {seconds} s per row");
Console.WriteLine();
Console.WriteLine("| scenario | grains | outstanding calls | ops/s | mean latency |");
Console.WriteLine("|---|---:|---:|---:|---:|");

await using (var silo = await StartSiloAsync(b => b.AddMemoryGrainStorage("bench")))
{
    var factory = silo.Services.GetRequiredService<IGrainFactory>();
    foreach (var outstanding in new[] { 100, 1_000, 4_000 })
    {
        await RunAsync("empty call", factory, grains: 1_000, outstanding, (g, _) => g.Noop());
    }

    // What an API handler does: GetGrain for every request, then call.
    await RunAsync("GetGrain + empty call", factory, grains: 1_000, outstanding: 1_000, (g, key) => factory.GetGrain<IBenchGrain>(key).Noop());

    var counted = silo.Services.GetRequiredService<ISiloIntrospection>().GetSnapshot().GrainTypes.Single();
    Console.Error.WriteLine($"silo counted {counted.Calls:N0} calls, {counted.Failures} failures, mean {counted.MeanLatency.TotalMicroseconds:N1} µs, p99 {counted.P99Latency.TotalMicroseconds:N0} µs");
}

if (storage)
{
    var directory = Directory.CreateTempSubdirectory("walletgrains-bench-");
    try
    {
        var sqlite = $"Data Source={Path.Combine(directory.FullName, "bench.db")}";
        await using (var silo = await StartSiloAsync(b => b.AddSqliteGrainStorage("bench", sqlite)))
        {
            await RunAsync("WriteStateAsync, SQLite (WAL, synchronous=FULL)", silo.Services.GetRequiredService<IGrainFactory>(), grains: 100, outstanding: 100, (g, _) => g.Write());
        }
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    var startedCluster = postgres is null;
    postgres ??= await PgTest.StartAsync();

    try
    {
        await using var silo = await StartSiloAsync(b => b.AddPostgresGrainStorage("bench", postgres));
        await RunAsync("WriteStateAsync, PostgreSQL (fsync on, synchronous_commit on)", silo.Services.GetRequiredService<IGrainFactory>(), grains: 100, outstanding: 100, (g, _) => g.Write());
    }
    finally
    {
        if (startedCluster)
        {
            await PgTest.StopAsync(postgres);
        }
    }
}

return;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static async Task<AsyncHost> StartSiloAsync(Action<ISiloBuilder> configure)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.UseSilo(configure);
    var host = builder.Build();
    await host.StartAsync();
    return new AsyncHost(host);
}

async Task RunAsync(string scenario, IGrainFactory factory, int grains, int outstanding, Func<IBenchGrain, string, Task> operation)
{
    var keys = Enumerable.Range(0, grains).Select(i => $"bench-{i}").ToArray();
    var references = keys.Select(factory.GetGrain<IBenchGrain>).ToArray();
    await Task.WhenAll(references.Select((g, i) => operation(g, keys[i])));

    // Warm-up (JIT tiers, pools), then the measured run; each loop keeps one call outstanding.
    await Measure(TimeSpan.FromSeconds(Math.Min(2, seconds)));
    var (operations, elapsed) = await Measure(duration);
    var perSecond = operations / elapsed.TotalSeconds;
    var meanLatency = TimeSpan.FromSeconds(outstanding / perSecond);
    Console.WriteLine($"| {scenario} | {grains:N0} | {outstanding:N0} | {perSecond:N0} | {meanLatency.TotalMicroseconds:N0} µs |");

    async Task<(long Operations, TimeSpan Elapsed)> Measure(TimeSpan length)
    {
        var stop = false;
        var counts = new long[outstanding];
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, outstanding).Select(loop => Task.Run(async () =>
        {
            var grain = references[loop % grains];
            var key = keys[loop % grains];
            long count = 0;
            while (!Volatile.Read(ref stop))
            {
                await operation(grain, key);
                count++;
            }

            counts[loop] = count;
        })).ToArray();
        await Task.Delay(length);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);
        return (counts.Sum(), clock.Elapsed);
    }
}

/// <summary>Stops and disposes a host at the end of a using block.</summary>
internal sealed class AsyncHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>A durable throwaway PostgreSQL cluster from scripts/pg-test.sh.</summary>
internal static class PgTest
{
    public static async Task<string> StartAsync() => (await RunAsync("start", "--durable")).Trim();

    public static Task StopAsync(string connectionString) => RunAsync("stop", connectionString);

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var script = FindScript();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed with {process.ExitCode}: {await error}");
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "pg-test.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("scripts/pg-test.sh not found above the benchmark's folder; pass --postgres \"<connection string>\".");
    }
}
