using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Data.Sqlite;
using WalletGrains.Bench.Send;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Testing;

// Usage: dotnet run -c Release --project bench/WalletGrains.Bench.Send -- [--sends 5000] [--concurrency 128] [--seconds 5]
//        [--rate 2000] [--warmup 400] [--storage sqlite|postgres|both] [--postgres "<cs>"] [--max-in-flight N]
//        [--gas-limit] [--idempotency-keys] [--no-naive] [--block-time 1] [--rpc-latency ms] [--instant-chain] [--markdown <file>] [--dump <dir>]
//        [--only bursts|open] [--set key=value] [--no-settle] [--httpclient] [--client-process] [--checkpoint-at-start]
//        [--prime-measured] [--repeat N]
// See README.md for what each scenario measures.
if (args is [LoadAgentProcess.Flag])
{
    await LoadAgentProcess.ServeAsync();
    return;
}

var options = BenchOptions.Parse(args);
var report = new Report();
var settleDeadline = TimeSpan.FromMinutes(3);
using var allocations = options.Allocations ? new AllocationSampler() : null;
const int WarmUpAccounts = 10;

// Sends that prime each scenario's fresh silo (pools, fee quote, first calls), mined before it is measured.
const int PrimeSends = 200;

// Unmeasured open-loop runs on fresh silos and accounts after the warm-up silo (see RunServiceAsync).
const int ScenarioWarmUps = 10;

// The issue's latency target, and the open loop's first ms, when its ten accounts start cold.
const double LatencyTargetMs = 25, ColdStartMs = 300;

report.Fact($"command: `dotnet run -c Release --project bench/WalletGrains.Bench.Send{(args.Length == 0 ? "" : " -- " + string.Join(' ', args.Select(Quote)))}`");
report.Fact($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}; {(options.ClientProcess ? "load generator in a process of its own" : "silo and load generator in one process")} (load client: {(options.HttpClientLoad ? "HttpClient" : "lean keep-alive sockets, RawHttpLoad")}), anvil and PostgreSQL on the same cores");
report.Fact($"/proc/loadavg at start: {MachineLoad.LoadAverage()}");
report.Fact($"sends per burst {options.Sends:N0}, concurrency {options.Concurrency}, open loop {options.Rate:N0}/s for {options.Seconds} s, warm-up rounds of {options.WarmUp} sends per silo until the JIT settles (excluded), "
    + $"MaxInFlight {options.MaxInFlight:N0}, gasLimit {(options.ExplicitGasLimit ? "given (21000)" : "estimated by the service")}, Idempotency-Key {(options.IdempotencyKeys ? "on every request" : "none")}"
    + (options.InstantChain ? "; INSTANT CHAIN: the silo's JSON-RPC is answered in process, anvil is not used" : ""));

await using var agent = options.ClientProcess ? LoadAgentProcess.Start() : null;
var anvilOptions = new AnvilOptions { BlockTimeSeconds = options.BlockTime, GasLimit = 1_000_000_000 };
await using var anvil = await AnvilProcess.StartAsync(anvilOptions);
using var rpc = new EthRpcClient(anvil.RpcUrl, TimeSpan.FromSeconds(60));
report.Fact($"anvil 1.7.1: --block-time {options.BlockTime} --gas-limit 1000000000 (≈47,000 transfers per block), chain {anvil.ChainId}");
if (options.RpcLatencyMs > 0)
{
    report.Fact($"--rpc-latency {options.RpcLatencyMs}: each of the silo's JSON-RPC POSTs waits {options.RpcLatencyMs} ms before it leaves (a node across a network)");
}
var sink = Address.FromPrivateKey(PrivateKeyGenerator.Generate());

PgCluster? postgres = null;
try
{
    Console.WriteLine();
    Console.WriteLine(Report.Header);
    Console.WriteLine(Report.Rule);
    foreach (var storage in options.Storages)
    {
        int? postgresPort = null;
        DirectoryInfo? sqliteDirectory = null;
        Func<Task<string>> newDatabase;
        Func<string, Task> dropDatabase;
        if (storage == "sqlite")
        {
            var directory = sqliteDirectory = Directory.CreateTempSubdirectory("walletgrains-bench-send-");
            var files = 0;
            newDatabase = () => Task.FromResult($"Data Source={Path.Combine(directory.FullName, $"wallet-{++files}.db")}");
            dropDatabase = connectionString =>
            {
                SqliteConnection.ClearAllPools();
                var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }

                return Task.CompletedTask;
            };
            report.Fact("SQLite: WAL, synchronous=FULL (the wallet store's writer commits concurrent writes together), files in the temp folder");
        }
        else
        {
            var cluster = postgres ??= await PgCluster.StartAsync(options.Postgres);
            report.Fact($"PostgreSQL: {await cluster.DescribeAsync()}");
            newDatabase = cluster.CreateDatabaseAsync;
            dropDatabase = cluster.DropDatabaseAsync;
            postgresPort = new Npgsql.NpgsqlConnectionStringBuilder(cluster.ConnectionString).Port;
        }

        try
        {
            await RunServiceAsync(storage, newDatabase, dropDatabase, postgresPort);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            sqliteDirectory?.Delete(recursive: true);
        }
    }

    if (options.Naive)
    {
        await RunNaiveAsync();
    }
}
finally
{
    if (postgres is not null)
    {
        await postgres.DisposeAsync();
    }
}

report.Fact($"/proc/loadavg at end: {MachineLoad.LoadAverage()}");
if (options.MarkdownPath is { } path)
{
    await File.WriteAllTextAsync(path, report.ToMarkdown());
    Console.WriteLine($"Markdown written to {path}");
}

return;

async Task RunServiceAsync(string storage, Func<Task<string>> newDatabase, Func<string, Task> dropDatabase, int? postgresPort)
{
    // Fresh accounts for every scenario: warm-up, burst to 1, burst to 10, open loop over 10.
    var mnemonic = Bip39Mnemonic.Generate(12);
    // Their order: warm-up, burst to 1, burst to 10, the spread, each open-loop run's ten, each scenario warm-up's ten.
    var openLoopAccounts = WarmUpAccounts + 11 + options.Spread;
    var scenarioWarmUpAccounts = openLoopAccounts + (10 * options.Repeat);
    var accounts = DeriveAddresses(mnemonic, scenarioWarmUpAccounts + (10 * ScenarioWarmUps));
    await FundAsync(accounts);
    var provider = storage == "sqlite" ? "sqlite" : "postgres";
    var warmUp = accounts.Take(WarmUpAccounts).ToList();

    // Warm-up (JIT tiers, connection pools, grain activation paths) on a silo and database of its own, stopped before
    // anything is measured: its rounds leave tens of thousands of sends queued at MaxInFlight per account, and on a
    // silo that went on running they would drain beside every measured scenario (the compiled code stays in this
    // process). Half to one account, half spread. Rounds until the JIT has settled: tiered compilation recompiles hot
    // methods (tier 0, instrumented, tier 1) for 10-20 s of this load, and on two cores its work would otherwise be
    // measured as the silo's (with a cap of 8 rounds the measured runs still compiled 3,000 methods, half a core). A
    // round whose sends caused fewer than 50 compilations ends the warm-up (at most 40 rounds); each scenario reports
    // what the JIT still compiled during it.
    var warmClock = Stopwatch.StartNew();
    var rounds = 0;
    var warmDatabase = await newDatabase();
    await using (var warmService = await WalletService.StartAsync(provider, warmDatabase, anvil, mnemonic.Phrase, accounts.Count, options))
    {
        using var warmLoad = NewLoad(warmService);
        for (var compiled = long.MaxValue; rounds < 40 && compiled >= 50; rounds++)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await warmLoad.BurstAsync(Requests([warmUp[0]], options.WarmUp / 2, "warm1"), options.Concurrency);
            await warmLoad.BurstAsync(Requests(warmUp, options.WarmUp / 2, "warm10"), options.Concurrency);

            // The open loop under the instruments MeasureAsync uses, so that their code (the /proc scans, the sampler, the
            // grain snapshot) is compiled here and not in a measured run's first second.
            var instruments = MachineLoad.Start(postgresPort, agent?.ProcessId);
            using (new ThreadPoolSampler(warmService.Probes["gc pause (items: generation)"], warmService.Probes["jit (items: methods)"]))
            {
                _ = warmService.AccountGrainSnapshot();
                await warmLoad.OpenLoopAsync(Requests(warmUp, options.Rate / 2, "warmopen"), options.Rate);
                _ = warmService.AccountGrainSnapshot();
            }

            _ = instruments.Stop();
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            Console.Error.WriteLine($"warm-up round {rounds}: {compiled} compiled, JIT time so far {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:N0} ms, {warmClock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    await dropDatabase(warmDatabase);

    report.Fact($"{storage} warm-up: {rounds} round(s) of {options.WarmUp:N0} burst sends + {options.Rate / 2:N0} open-loop sends in {warmClock.Elapsed.TotalSeconds:0.0} s, until a round compiled fewer than 50 methods, on a silo stopped before the measured ones; "
        + $"each scenario then runs on a silo and database of its own, primed with {PrimeSends} sends that are mined before it starts, "
        + (options.PrimeMeasured ? "from the warm-up accounts and the measured ones (--prime-measured: the run measures accounts in service)" : "from the warm-up accounts (the measured accounts start cold: activation and first nonce read in the run)"));

    // The warm-up silo activates its ten accounts once, and a scenario's silo starts once: paths run per activation, per
    // silo start or per block (activation, the first sends' broadcasts and reminders, the silo's first polls) were still
    // at tier 0 or being instrumented when the first measured run began, and the JIT compiled 400-520 methods in it,
    // most in the cold start (session 24: the first two of ten open-loop runs in one process, against 12-22 methods in
    // the last five). Ten short open-loop runs, each on a silo, database and ten cold accounts of its own as a measured
    // run has. Not fewer once an open loop compiles little: each silo's start and stop compiles several hundred methods
    // (the container's service resolvers among them), and the code those run often is compiled again, optimized, during
    // whatever runs next. Session 25: with five, the first measured runs still compiled 74-100 methods (107-209 ms of
    // JIT time) and the next ones 36-100; stopping once an open loop compiled fewer than 50 (after four) left 70-104; with
    // ten, the first run compiled 41 and 73 in two tries, the next ones 9-30.
    var scenarioClock = Stopwatch.StartNew();
    long unmeasuredRunCompiled = 0;
    for (var i = 0; i < ScenarioWarmUps; i++)
    {
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cold = accounts.Skip(scenarioWarmUpAccounts + (10 * i)).Take(10).ToList();
        await ScenarioAsync("warm-up open loop", cold, a => Requests(a, options.Rate * 2, "warmscenario"), (load, r) => load.OpenLoopAsync(r, options.Rate), measure: false);
        Console.Error.WriteLine($"scenario warm-up {i}: {unmeasuredRunCompiled} compiled during its open loop, {System.Runtime.JitInfo.GetCompiledMethodCount() - before} with the silo's start and stop, {scenarioClock.Elapsed.TotalSeconds:0.0} s");
    }

    report.Fact($"{storage} scenario warm-up: {ScenarioWarmUps} unmeasured open-loop run(s) of 2 s, each on a silo, database and ten cold accounts of its own ({scenarioClock.Elapsed.TotalSeconds:0.0} s)");

    if (options.Bursts)
    {
        await ScenarioAsync("burst → 1 account", [accounts[WarmUpAccounts]], a => Requests(a, options.Sends, "b1"), (load, r) => load.BurstAsync(r, options.Concurrency));
        await ScenarioAsync("burst → 10 accounts", accounts.Skip(WarmUpAccounts + 1).Take(10).ToList(), a => Requests(a, options.Sends, "b10"), (load, r) => load.BurstAsync(r, options.Concurrency));
        if (options.Spread > 0)
        {
            await ScenarioAsync($"burst → {options.Spread:N0} cold accounts", accounts.Skip(WarmUpAccounts + 11).Take(options.Spread).ToList(), a => Requests(a, options.Sends, "bspread"), (load, r) => load.BurstAsync(r, options.Concurrency));
        }
    }

    if (options.OpenLoop)
    {
        var openRuns = new List<LoadRun>();
        for (var repeat = 0; repeat < options.Repeat; repeat++)
        {
            var measured = accounts.Skip(openLoopAccounts + (10 * repeat)).Take(10).ToList();
            var suffix = options.Repeat > 1 ? $" (run {repeat + 1} of {options.Repeat})" : string.Empty;
            openRuns.Add(await ScenarioAsync($"open loop {options.Rate:N0}/s × {options.Seconds} s → 10 accounts{suffix}", measured,
                a => Requests(a, options.Rate * options.Seconds, "open"), (load, r) => load.OpenLoopAsync(r, options.Rate)));
        }

        if (openRuns.Count > 1)
        {
            report.Note(OpenLoopRuns(storage, openRuns));
        }
    }

    // A scenario on a fresh silo and database: connection pools, the fee quote and the send path's first calls are
    // primed on the warm-up accounts, whose sends are mined before the measured accounts send anything.
    async Task<LoadRun> ScenarioAsync(string scenario, IReadOnlyList<Address> measured, Func<IReadOnlyList<Address>, IReadOnlyList<WalletGrains.Bench.Send.SendRequest>> requests,
        Func<ILoadDriver, IReadOnlyList<WalletGrains.Bench.Send.SendRequest>, Task<LoadRun>> drive, bool measure = true)
    {
        LoadRun run;
        var database = await newDatabase();
        await using (var service = await WalletService.StartAsync(provider, database, anvil, mnemonic.Phrase, accounts.Count, options))
        {
            using var load = NewLoad(service);

            // The CHECKPOINT recycles the WAL files written so far (see PgCluster.CheckpointAsync). After it, every
            // page's first change writes a full-page image to the WAL: run before the priming sends, those land on
            // them, as they land a few minutes apart on a cluster in service; run right before the measured sends
            // (--checkpoint-at-start), they slow its first few hundred ms of commits (15 ms where 3.5 is usual).
            var checkpoint = storage == "postgres" ? postgres : null;
            if (checkpoint is not null && !options.CheckpointAtStart)
            {
                Fact(await checkpoint.CheckpointAsync("before the priming sends"));
            }

            IReadOnlyList<Address> primed = options.PrimeMeasured ? [.. warmUp, .. measured] : warmUp;
            await load.BurstAsync(Requests(primed, PrimeSends, "prime"), options.Concurrency);
            if (!options.InstantChain)
            {
                await service.WaitUntilSettledAsync(anvil.ChainId, primed, settleDeadline);
            }

            // Nonces the measured accounts used before the run (the priming sends with --prime-measured).
            var baseline = new List<ulong>();
            foreach (var account in measured)
            {
                baseline.Add(options.InstantChain ? 0 : await rpc.GetTransactionCountAsync(account, BlockParameter.Latest));
            }

            if (checkpoint is not null && options.CheckpointAtStart)
            {
                Fact(await checkpoint.CheckpointAsync("right before the run"));
            }

            // Built before the collection below, which moves them to the oldest generation: built during the run, the
            // client's thousands of prepared requests were copied by the run's first collections, work that a client
            // in a process of its own does not add to the silo's pauses.
            var prepared = requests(measured);

            // The silos stopped before this one left their heaps behind (thousands of sends each); collected during
            // the run, they cost gen2 collections with 28-44 ms pauses that a process hosting one silo never has.
            // Not compacting: after a compacting collection the run's gen0 and gen1 pauses were longer.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
            GC.WaitForPendingFinalizers();

            if (measure)
            {
                run = await MeasureAsync(service, storage, postgresPort, scenario, measured, baseline, _ => drive(load, prepared));
            }
            else
            {
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                run = await drive(load, prepared);
                unmeasuredRunCompiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
            }
        }

        await dropDatabase(database);
        return run;

        // The scenario's facts; an unmeasured (warm-up) run reports none.
        void Fact(string text)
        {
            if (measure)
            {
                report.Fact($"{storage}, {scenario}: {text}");
            }
        }
    }

    ILoadDriver NewLoad(WalletService service) => agent is null
        ? new SendLoad(service.BaseUrl, WalletService.AdminKey, Math.Max(options.Concurrency, 512), rawClient: !options.HttpClientLoad)
        : new RemoteLoad(agent, service.BaseUrl, WalletService.AdminKey, Math.Max(options.Concurrency, 512), rawClient: !options.HttpClientLoad);

    IReadOnlyList<WalletGrains.Bench.Send.SendRequest> Requests(IReadOnlyList<Address> from, int count, string scenario) =>
        SendLoad.Transfers(anvil.ChainId, from, sink, count, options.ExplicitGasLimit,
            options.IdempotencyKeys ? $"bench-{storage}-{scenario}-{Guid.NewGuid():N}-" : null);
}

async Task<LoadRun> MeasureAsync(WalletService service, string storage, int? postgresPort, string scenario, IReadOnlyList<Address> accounts, IReadOnlyList<ulong> baseline, Func<IReadOnlyList<Address>, Task<LoadRun>> drive)
{
    var grainBefore = service.AccountGrainSnapshot();
    var jitBefore = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
    var cpu = MachineLoad.Start(postgresPort, agent?.ProcessId);
    using var threads = new ThreadPoolSampler(service.Probes["gc pause (items: generation)"], service.Probes["jit (items: methods)"], service.Probes["machine stall (items: 0 cpu some, 1 io some, 2 io full)"]);

    // The dumped steps' times count from here, within a millisecond of the load's first request: reset before the
    // /proc scan above, they ran 10-25 ms ahead of the requests' due times.
    service.Probes.Reset();
    allocations?.Start();
    var run = await drive(accounts);
    var busy = cpu.Stop();
    var allocationLine = allocations is null ? "" : "; " + allocations.Stop();
    var threadLine = threads.Summary() + $"; JIT compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Item1:N0} methods in {(System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Item2).TotalMilliseconds:N0} ms";
    var probes = service.Probes.Summaries();
    var grainAfter = service.AccountGrainSnapshot();
    var onChain = options.InstantChain ? "n/a (instant chain: nothing is mined)" : "not waited for (--no-settle: queued sends drain at MaxInFlight per account per block)";
    if (!options.InstantChain && !options.NoSettle)
    {
        var settled = await service.WaitUntilSettledAsync(anvil.ChainId, accounts, settleDeadline);
        onChain = $"{await CheckOnChainAsync(accounts, baseline, run)} (settled {settled.TotalSeconds:0.0} s later)";
    }

    report.Add(ResultRow.From(options.InstantChain ? scenario + " [instant chain]" : scenario, storage, run, busy, onChain));
    if (options.DumpDirectory is { } dump)
    {
        Directory.CreateDirectory(dump);
        var file = Path.Combine(dump, $"{storage}-{new string([.. scenario.Where(char.IsAsciiLetterOrDigit)])}.csv");
        await File.WriteAllLinesAsync(file, ["index,account,start_ms,latency_ms,outcome", .. Enumerable.Range(0, run.Outcomes.Length)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{i % accounts.Count},{(run.StartMs.Length > i ? run.StartMs[i] : 0):0.000},{run.LatencyMs[i]:0.000},{run.Outcomes[i]}"))]);
        await File.WriteAllLinesAsync(Path.ChangeExtension(file, ".steps.csv"), ["step,start_ms,ms,items", .. service.Probes.Timeline()
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"\"{s.Name}\",{s.StartMs:0.000},{s.Ms:0.000},{s.Items}"))]);
    }

    if (run.MaxStartLagMs > 0)
    {
        report.Note($"{scenario}, {storage}: {run.Outcomes.Length:N0} sends scheduled over {options.Seconds} s; the latest started {run.MaxStartLagMs:0.0} ms after its due time; "
            + $"offered {run.Outcomes.Length / (double)options.Seconds:N0}/s, answered within {run.Elapsed.TotalSeconds:0.00} s. {ColdStart(run)}");
    }

    report.Profile($"{scenario}, {storage}", probes, $"{GrainLine(grainBefore, grainAfter)}; {threadLine}; cores busy {busy}; {CpuPerSend(busy, run)}{allocationLine}", run.AcceptedCount);
    return run;
}

// The open loop's first requests go to ten accounts that have never sent (unless --prime-measured): their activation,
// first nonce read and first MaxInFlight broadcasts fall in the first few hundred ms. How much of the tail that start
// makes, and the tail without it.
static string ColdStart(LoadRun run)
{
    if (run.StartMs.Length != run.LatencyMs.Length)
    {
        return string.Empty;
    }

    var over = run.LatencyMs.Count(l => l > LatencyTargetMs);
    var overAtStart = Enumerable.Range(0, run.LatencyMs.Length).Count(i => run.LatencyMs[i] > LatencyTargetMs && run.StartMs[i] < ColdStartMs);
    return string.Create(CultureInfo.InvariantCulture,
        $"{over:N0} requests took over {LatencyTargetMs} ms, {overAtStart:N0} of them due in the first {ColdStartMs} ms; p99 of the requests due after that: {Percentiles.Of(SortedAfterColdStart(run), 0.99):0.0} ms.");
}

// The latencies of the requests due after the cold start, sorted.
static double[] SortedAfterColdStart(LoadRun run)
{
    var after = Enumerable.Range(0, Math.Min(run.StartMs.Length, run.LatencyMs.Length)).Where(i => run.StartMs[i] >= ColdStartMs).Select(i => run.LatencyMs[i]).ToArray();
    Array.Sort(after);
    return after;
}

// Every open-loop run of a storage (--repeat) in one line: each run's p50 and p99, and how many met the target, with
// and without the requests due in the cold start; then the runs' requests taken together, as one longer run would
// count them (each run's cold start included).
static string OpenLoopRuns(string storage, IReadOnlyList<LoadRun> runs)
{
    var p50 = new List<double>();
    var p99 = new List<double>();
    var p99After = new List<double>();
    foreach (var run in runs)
    {
        var all = run.LatencyMs.ToArray();
        Array.Sort(all);
        p50.Add(Percentiles.Of(all, 0.50));
        p99.Add(Percentiles.Of(all, 0.99));
        p99After.Add(Percentiles.Of(SortedAfterColdStart(run), 0.99));
    }

    var pooled = runs.SelectMany(r => r.LatencyMs).ToArray();
    Array.Sort(pooled);
    var pooledOver = pooled.Count(l => l > LatencyTargetMs);

    static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    return string.Create(CultureInfo.InvariantCulture,
        $"{storage}, open loop, {runs.Count} runs: p99 {List(p99)} ms (median {Median(p99):0.0}; {p99.Count(v => v <= LatencyTargetMs)} of {runs.Count} within {LatencyTargetMs} ms); "
        + $"p50 {p50.Min():0.0}–{p50.Max():0.0} ms; p99 of the requests due after the first {ColdStartMs} ms {List(p99After)} ms (median {Median(p99After):0.0}; {p99After.Count(v => v <= LatencyTargetMs)} of {runs.Count} within); "
        + $"the {runs.Count} runs' {pooled.Length:N0} requests together: p50 {Percentiles.Of(pooled, 0.50):0.0} ms, p99 {Percentiles.Of(pooled, 0.99):0.0} ms, {pooledOver:N0} ({100.0 * pooledOver / Math.Max(1, pooled.Length):0.00} %) over {LatencyTargetMs} ms.");
}

static string CpuPerSend(CpuUse cpu, LoadRun run)
{
    var perSend = run.Elapsed.TotalMilliseconds / Math.Max(1, run.AcceptedCount);
    return string.Create(CultureInfo.InvariantCulture,
        $"CPU ms per accepted send: {cpu.Silo * perSend:0.000} {cpu.SiloLabel}{(cpu.Client is { } client ? $", {client * perSend:0.000} client" : "")}, {cpu.Anvil * perSend:0.000} anvil{(cpu.Postgres > 0 ? $", {cpu.Postgres * perSend:0.000} pg" : "")}");
}

string GrainLine(WalletGrains.Runtime.GrainTypeSnapshot? before, WalletGrains.Runtime.GrainTypeSnapshot? after)
{
    if (before is null || after is null || after.Calls == before.Calls)
    {
        return "account grain: no calls counted";
    }

    var calls = after.Calls - before.Calls;
    var meanMs = ((after.MeanLatency.TotalMilliseconds * after.Calls) - (before.MeanLatency.TotalMilliseconds * before.Calls)) / calls;
    return $"account grain calls (send batches + polls + views) during the run: {calls:N0}, mean send-to-answer {meanMs:0.0} ms (silo introspection; p99 since start {after.P99Latency.TotalMilliseconds:0} ms)";
}

async Task<string> CheckOnChainAsync(IReadOnlyList<Address> accounts, IReadOnlyList<ulong> baseline, LoadRun run)
{
    // Every accepted send must own one nonce, contiguous from the account's nonce before the run: the confirmed count
    // grew by the accepted count per account.
    var wrong = new List<string>();
    long included = 0;
    for (var a = 0; a < accounts.Count; a++)
    {
        var accepted = Enumerable.Range(0, run.Outcomes.Length).Count(i => i % accounts.Count == a && run.Outcomes[i] == LoadRun.Accepted);
        var count = await rpc.GetTransactionCountAsync(accounts[a], BlockParameter.Latest) - baseline[a];
        included += (long)count;
        if (count != (ulong)accepted)
        {
            wrong.Add($"{accounts[a]}: {accepted} accepted, {count} on chain after the run");
        }
    }

    return wrong.Count == 0 ? $"all {included:N0} included, nonces contiguous" : "MISMATCH " + string.Join("; ", wrong);
}

async Task RunNaiveAsync()
{
    // The naive sender's own fresh accounts on the same anvil: one to warm up, one measured.
    var mnemonic = Bip39Mnemonic.Generate(12);
    var keys = Bip44.DeriveEthereumAccounts(mnemonic, 2);
    var signers = keys.Select(k => new PrivateKeySigner(k.PrivateKey)).ToList();
    foreach (var key in keys)
    {
        key.Dispose();
    }

    try
    {
        await FundAsync([.. signers.Select(s => s.Address)]);
        var block = await rpc.GetBlockByNumberAsync(BlockParameter.Latest) ?? throw new InvalidOperationException("anvil returned no latest block.");
        var tip = Wei.WeiPerGwei;
        var maxFee = (block.BaseFeePerGas ?? Wei.WeiPerGwei) * 2UL + tip;
        using var naiveRpc = new EthRpcClient(anvil.RpcUrl, TimeSpan.FromSeconds(60));
        var warm = new NaiveSender(naiveRpc, signers[0], anvil.ChainId, maxFee, tip, sink);
        await warm.BurstAsync(options.WarmUp, options.Concurrency, settleDeadline);

        var naive = new NaiveSender(naiveRpc, signers[1], anvil.ChainId, maxFee, tip, sink);
        var cpu = MachineLoad.Start();
        var run = await naive.BurstAsync(options.Sends, options.Concurrency, settleDeadline);
        var busy = cpu.Stop();
        report.Add(ResultRow.From("naive: getTransactionCount(pending) + sign + send, burst → 1 account", "none (anvil only)", run.Load, busy,
            $"{run.OnChainNonces:N0} distinct nonces used for {run.Attempted:N0} sends → {run.Collisions:N0} collisions"));
        var rejections = NaiveSender.Rejections(run.Outcomes);
        report.Note($"naive sender: {run.Attempted:N0} sends with {options.Concurrency} outstanding; node accepted {run.AcceptedByNode:N0} "
            + $"({run.DistinctAcceptedNonces:N0} distinct nonces among them); rejected {run.Attempted - run.AcceptedByNode:N0}: "
            + (rejections.Count == 0 ? "none" : string.Join("; ", rejections.Select(r => $"{r.Count:N0} × {r.Kind} (\"{r.Example}\")")))
            + $"; on chain afterwards {run.OnChainNonces:N0} transactions, so {run.Collisions:N0} of {run.Attempted:N0} sends ({100.0 * run.Collisions / run.Attempted:0.0} %) collided. "
            + "Its accepted/s is node acceptance of non-durable sends, not comparable to the service's durable 202s.");
    }
    finally
    {
        foreach (var signer in signers)
        {
            signer.Dispose();
        }
    }
}

async Task FundAsync(IReadOnlyList<Address> addresses)
{
    var balance = "0x" + (Wei.WeiPerEther * 1_000_000UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture);
    foreach (var address in addresses)
    {
        await anvil.RequestAsync("anvil_setBalance", address.ToLowerHex(), balance);
    }
}

static List<Address> DeriveAddresses(Bip39Mnemonic mnemonic, int count) =>
    [.. Bip44.DeriveEthereumAccounts(mnemonic, count).Select(a =>
    {
        using (a)
        {
            return a.Address;
        }
    })];

static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) || arg.Contains(';', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
