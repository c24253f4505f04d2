using System.Globalization;

namespace WalletGrains.Bench.Send;

/// <summary>Command-line options of the send benchmark (see README.md).</summary>
internal sealed record BenchOptions
{
    /// <summary>Sends per burst scenario (and for the naive sender).</summary>
    public int Sends { get; init; } = 5_000;

    /// <summary>Requests outstanding at once in the burst scenarios.</summary>
    public int Concurrency { get; init; } = 128;

    /// <summary>Length of the open-loop scenario.</summary>
    public int Seconds { get; init; } = 5;

    /// <summary>Offered sends per second in the open-loop scenario.</summary>
    public int Rate { get; init; } = 2_000;

    /// <summary>Warm-up sends per silo (and for the naive sender), excluded from the numbers.</summary>
    public int WarmUp { get; init; } = 2000;

    /// <summary>Storages to run, in order.</summary>
    public IReadOnlyList<string> Storages { get; init; } = ["sqlite", "postgres"];

    /// <summary>A PostgreSQL server to create the benchmark database on; null starts a durable throwaway cluster.</summary>
    public string? Postgres { get; init; }

    /// <summary>Wallet:Chains:0:MaxInFlight of the silo.</summary>
    public int MaxInFlight { get; init; } = 100_000;

    /// <summary>Send an explicit gasLimit (21000) instead of letting the service estimate each send.</summary>
    public bool ExplicitGasLimit { get; init; }

    /// <summary>Send an Idempotency-Key header with every request.</summary>
    public bool IdempotencyKeys { get; init; }

    /// <summary>Run the naive sender after the service scenarios.</summary>
    public bool Naive { get; init; } = true;

    /// <summary>anvil's --block-time in seconds.</summary>
    public int BlockTime { get; init; } = 1;

    /// <summary>Answer the silo's JSON-RPC in process (<see cref="InstantChain"/>) instead of anvil: the silo's own ceiling.</summary>
    public bool InstantChain { get; init; }

    /// <summary>
    /// Milliseconds added to each of the silo's JSON-RPC POSTs before it leaves (0: none), as for a node across a network
    /// instead of on loopback: a hosted provider is commonly 10-50 ms away. anvil and the naive sender are not delayed.
    /// </summary>
    public int RpcLatencyMs { get; init; }

    /// <summary>Load from <see cref="HttpClient"/> instead of the lean socket client (<see cref="RawHttpLoad"/>), to compare generator costs.</summary>
    public bool HttpClientLoad { get; init; }

    /// <summary>
    /// On PostgreSQL, run the CHECKPOINT right before the measured run instead of before the priming sends: after a
    /// checkpoint every page's first change writes a full-page image to the WAL, so the run then starts with slow
    /// commits (the worst case of a window, where a cluster in service checkpoints every few minutes).
    /// </summary>
    public bool CheckpointAtStart { get; init; }

    /// <summary>
    /// Prime with sends from the measured accounts too (mined before the run), so the run measures accounts in
    /// service: their activation and first nonce read are behind them, as for an account that has been sending.
    /// Without it the run's first 100-200 ms are ten accounts' cold start.
    /// </summary>
    public bool PrimeMeasured { get; init; }

    /// <summary>Run the load client in a process of its own (<see cref="LoadAgentProcess"/>) instead of beside the silo.</summary>
    public bool ClientProcess { get; init; }

    /// <summary>
    /// Do not wait for the chain to include every accepted send (nor check it): with a small MaxInFlight the queue drains
    /// only MaxInFlight per account per block, minutes for a 5,000-send burst to one account.
    /// </summary>
    public bool NoSettle { get; init; }

    /// <summary>Count the types the process allocates during each measured run (<see cref="AllocationSampler"/>).</summary>
    public bool Allocations { get; init; }

    /// <summary>A folder to write each scenario's per-request latencies to as CSV (index, start ms, latency ms, outcome).</summary>
    public string? DumpDirectory { get; init; }

    /// <summary>Extra silo configuration (<c>--set Wallet:Chains:0:PollInterval=00:00:02</c>), applied after the benchmark's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A third burst over this many fresh accounts (0: none), each starting cold: a custodial wallet whose users each send
    /// a little, where every send of the burst also pays its account's activation (store reads, the first nonce read).
    /// </summary>
    public int Spread { get; init; }

    /// <summary>
    /// Open-loop runs per storage, each on a silo, database and ten measured accounts of its own: one run's p99 says
    /// little on a machine whose speed changes from minute to minute, so the last line gives every run's p99 and how
    /// many met the target.
    /// </summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Run the burst scenarios.</summary>
    public bool Bursts { get; init; } = true;

    /// <summary>Run the open-loop scenario.</summary>
    public bool OpenLoop { get; init; } = true;

    /// <summary>Where to write the Markdown results (null: stdout only).</summary>
    public string? MarkdownPath { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions { Postgres = Environment.GetEnvironmentVariable("WALLETGRAINS_BENCH_POSTGRES") is { Length: > 0 } given ? given : null };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"Option {name} needs a positive integer; got '{args[i]}'.");
            options = name switch
            {
                "--sends" => options with { Sends = Int() },
                "--spread" => options with { Spread = Int() },
                "--concurrency" => options with { Concurrency = Int() },
                "--seconds" => options with { Seconds = Int() },
                "--rate" => options with { Rate = Int() },
                "--repeat" => options with { Repeat = Int() },
                "--warmup" => options with { WarmUp = Int() },
                "--storage" => options with { Storages = ParseStorage(Value()) },
                "--postgres" => options with { Postgres = Value() },
                "--max-in-flight" => options with { MaxInFlight = Int() },
                "--gas-limit" => options with { ExplicitGasLimit = true },
                "--idempotency-keys" => options with { IdempotencyKeys = true },
                "--no-naive" => options with { Naive = false },
                "--block-time" => options with { BlockTime = Int() },
                "--markdown" => options with { MarkdownPath = Value() },
                "--dump" => options with { DumpDirectory = Value() },
                "--no-settle" => options with { NoSettle = true },
                "--httpclient" => options with { HttpClientLoad = true },
                "--client-process" => options with { ClientProcess = true },
                "--checkpoint-at-start" => options with { CheckpointAtStart = true },
                "--prime-measured" => options with { PrimeMeasured = true },
                "--allocations" => options with { Allocations = true },
                "--rpc-latency" => options with { RpcLatencyMs = Int() },
                "--instant-chain" => options with { InstantChain = true, Naive = false },
                "--only" => Value() switch
                {
                    "bursts" => options with { OpenLoop = false },
                    "open" => options with { Bursts = false },
                    var other => throw new ArgumentException($"--only must be bursts or open; got '{other}'."),
                },
                "--set" => options with { Settings = WithSetting(options.Settings, Value()) },
                _ => throw new ArgumentException($"Unknown option '{name}'. See bench/WalletGrains.Bench.Send/README.md."),
            };
        }

        return options;
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string assignment)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"--set needs key=value; got '{assignment}'.");
        }

        return new Dictionary<string, string>(settings) { [assignment[..eq]] = assignment[(eq + 1)..] };
    }

    private static string[] ParseStorage(string value) => value switch
    {
        "sqlite" => ["sqlite"],
        "postgres" => ["postgres"],
        "both" => ["sqlite", "postgres"],
        _ => throw new ArgumentException($"--storage must be sqlite, postgres or both; got '{value}'."),
    };
}
