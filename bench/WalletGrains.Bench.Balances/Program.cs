using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Bench.Balances;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Balances;
using WalletGrains.Grains.Watches;
using WalletGrains.Testing;

// Usage: dotnet run -c Release --project bench/WalletGrains.Bench.Balances -- [--addresses 10000] [--refreshes 10]
//        [--changes 100] [--chunk 500] [--naive-concurrency 8] [--storage sqlite|postgres]
// See bench/README.md for what is measured.
var options = BenchOptions.Parse(args);
var random = new Random(20261121);
Console.WriteLine($"command: `dotnet run -c Release --project bench/WalletGrains.Bench.Balances{(args.Length == 0 ? "" : " -- " + string.Join(' ', args))}`");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}; silo, anvil and database on the same cores");
Console.WriteLine($"/proc/loadavg at start: {LoadAverage()}");

await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true });
await Contracts.DeployMulticallAsync(anvil);
Address[] tokens = [await Contracts.DeployTokenAsync(anvil, anvil.Accounts[0], "Token A", "TKA"), await Contracts.DeployTokenAsync(anvil, anvil.Accounts[0], "Token B", "TKB")];
var addresses = Enumerable.Range(0, options.Addresses).Select(_ => Address.FromPrivateKey(PrivateKeyGenerator.Generate())).ToList();
var clock = Stopwatch.StartNew();
await ChainState.SetAllAsync(anvil, addresses, tokens, random);
Console.WriteLine($"anvil 1.7.1 --no-mining, chain {anvil.ChainId}: Multicall at {Multicall3.Address}, 2 TestTokens; {addresses.Count:N0} addresses × (native + 2 tokens) = {addresses.Count * 3:N0} non-zero balances set in {clock.Elapsed.TotalSeconds:F1} s");

var (provider, connectionString, cleanup) = await StorageAsync(options.Storage);
try
{
    await using var silo = await Silo.StartAsync(anvil, provider, connectionString, options.ChunkSize);
    var watches = silo.Services.GetRequiredService<IWatchStore>();
    clock.Restart();
    foreach (var slice in addresses.Chunk(500))
    {
        await Task.WhenAll(slice.Select(a => watches.UpsertAsync(new Watch(anvil.ChainId, a, [.. tokens], DateTimeOffset.UtcNow))));
    }

    Console.WriteLine($"storage: {provider}; {addresses.Count:N0} watches stored in {clock.Elapsed.TotalSeconds:F1} s; chunk size {options.ChunkSize}, head poll 50 ms");

    // The first read of every pair is the baseline (30,000 rows inserted, no events).
    await Mine(anvil);
    var baseline = await silo.WaitForRefreshAsync(await Head(anvil));
    Console.WriteLine($"baseline refresh (first read, every row inserted): {baseline.Duration.TotalMilliseconds:F0} ms, {baseline.EthCalls} eth_call, {baseline.Balances:N0} balances");
    Console.WriteLine();
    Console.WriteLine("| refresh | block | balances | changed | time ms | eth_call (counted at the silo's HTTP boundary) | HTTP POSTs | eth_getBalance |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");

    var times = new List<double>();
    var calls = new List<int>();
    ulong block = 0;
    for (var i = 1; i <= options.Refreshes; i++)
    {
        await ChainState.ChangeSomeAsync(anvil, addresses, tokens, random, options.ChangesPerBlock);
        silo.Rpc.Reset();
        await Mine(anvil);
        block = await Head(anvil);
        var report = await silo.WaitForRefreshAsync(block);
        var ethCalls = silo.Rpc.Count("eth_call");
        times.Add(report.Duration.TotalMilliseconds);
        calls.Add(ethCalls);
        Console.WriteLine($"| {i} | {report.BlockNumber} | {report.Balances:N0} | {report.Changed} | {report.Duration.TotalMilliseconds:F0} | {ethCalls} | {silo.Rpc.Posts - silo.Rpc.Count("eth_blockNumber")} | {silo.Rpc.Count("eth_getBalance")} |");
    }

    times.Sort();
    Console.WriteLine();
    Console.WriteLine($"multicall refresh: median {Median(times):F0} ms, max {times[^1]:F0} ms; eth_call per refresh {calls.Min()}–{calls.Max()} (target ≤ 1 s and ≤ 60)");

    // Where a refresh's time goes: the followed set from storage, and the reads alone (same reader, same block).
    clock.Restart();
    var set = await silo.Services.GetRequiredService<IWatchedAddresses>().GetAsync(anvil.ChainId);
    var setTime = clock.Elapsed;
    var counter = new RpcTrafficCounter();
    using var http = new HttpClient(counter.CreateHandler());
    using var rpc = new EthRpcClient(http, new RpcClientOptions(anvil.RpcUrl) { Timeout = TimeSpan.FromMinutes(2) });
    var keys = addresses.SelectMany(a => new[] { new BalanceKey(a, null), new BalanceKey(a, tokens[0]), new BalanceKey(a, tokens[1]) }).ToList();
    clock.Restart();
    var multicall = await new BalanceReader(rpc, Multicall3.Address, options.ChunkSize).ReadAsync(keys, block, useMulticall: true);
    Console.WriteLine($"parts of a refresh: followed set ({set.Entries.Length:N0} addresses) from storage {setTime.TotalMilliseconds:F0} ms; "
        + $"the multicall reads alone {clock.Elapsed.TotalMilliseconds:F0} ms ({counter.Count("eth_call")} eth_call in {counter.Posts} POSTs)");

    // The same pairs at the same block, two other ways.
    var snapshot = (await silo.Services.GetRequiredService<IBalanceStore>().LoadAsync(anvil.ChainId))!.Entries.ToDictionary(e => e.Key, e => e.Balance);
    counter.Reset();
    clock.Restart();
    var fallback = await new BalanceReader(rpc, Multicall3.Address, options.ChunkSize).ReadAsync(keys, block, useMulticall: false);
    var fallbackTime = clock.Elapsed;
    Console.WriteLine($"fallback without multicall (JSON-RPC batches of 100 eth_getBalance/eth_call, 4 POSTs in flight): {fallbackTime.TotalMilliseconds:F0} ms, "
        + $"{counter.Count("eth_call"):N0} eth_call + {counter.Count("eth_getBalance"):N0} eth_getBalance in {counter.Posts:N0} POSTs; equals the snapshot: {Same(fallback.Values)} (multicall read too: {Same(multicall.Values)})");

    counter.Reset();
    var (naive, naiveTime) = await NaiveReader.ReadAsync(rpc, keys, block, options.NaiveConcurrency);
    Console.WriteLine($"naive reader (one request per balance, {options.NaiveConcurrency} in flight): {naiveTime.TotalMilliseconds:F0} ms, "
        + $"{counter.Count("eth_call"):N0} eth_call + {counter.Count("eth_getBalance"):N0} eth_getBalance in {counter.Posts:N0} POSTs; equals the snapshot: {Same(naive)}");

    bool Same(IReadOnlyList<UInt256?> values) => values.Select((v, i) => v is { } x && snapshot.TryGetValue(keys[i], out var s) && s == x).All(b => b);
}
finally
{
    SqliteConnection.ClearAllPools();
    await cleanup();
}

Console.WriteLine($"/proc/loadavg at end: {LoadAverage()}");

static async Task Mine(AnvilProcess anvil) => await anvil.RequestAsync("evm_mine");

static async Task<ulong> Head(AnvilProcess anvil) => Contracts.ParseQuantity(await anvil.RequestAsync("eth_blockNumber"));

static double Median(List<double> sorted) => sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

static async Task<(string Provider, string ConnectionString, Func<Task> Cleanup)> StorageAsync(string storage)
{
    if (storage == "sqlite")
    {
        var directory = Directory.CreateTempSubdirectory("walletgrains-bench-balances-");
        return ("sqlite", $"Data Source={Path.Combine(directory.FullName, "wallet.db")}", () =>
        {
            directory.Delete(recursive: true);
            return Task.CompletedTask;
        });
    }

    var server = await PostgresTestServer.StartAsync();
    var name = $"bench_balances_{Guid.NewGuid():N}";
    await using (var connection = new Npgsql.NpgsqlConnection(server.ConnectionString))
    {
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    return ("postgres", server.ForDatabase(name), async () =>
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await server.DisposeAsync();
    });
}
