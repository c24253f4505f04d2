using System.Globalization;

namespace WalletGrains.Bench.Balances;

/// <summary>Command-line options of the balance benchmark (see bench/README.md).</summary>
internal sealed record BenchOptions
{
    /// <summary>Watched addresses, each with the native coin and two tokens.</summary>
    public int Addresses { get; init; } = 10_000;

    /// <summary>Measured refreshes (one mined block each), after the baseline read.</summary>
    public int Refreshes { get; init; } = 10;

    /// <summary>Balances changed on chain before each measured block (so events and row writes are part of the cost).</summary>
    public int ChangesPerBlock { get; init; } = 100;

    /// <summary>Wallet:Chains:0:MulticallChunkSize.</summary>
    public int ChunkSize { get; init; } = 500;

    /// <summary>Requests the naive reader keeps in flight.</summary>
    public int NaiveConcurrency { get; init; } = 8;

    /// <summary><c>sqlite</c> (a temp file) or <c>postgres</c> (<c>$WALLETGRAINS_TEST_POSTGRES</c> or a throwaway cluster).</summary>
    public string Storage { get; init; } = "sqlite";

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            int Int()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
                    ? n
                    : throw new ArgumentException($"Option {name} needs a non-negative integer; got '{text}'.");
            }

            options = name switch
            {
                "--addresses" => options with { Addresses = Int() },
                "--refreshes" => options with { Refreshes = Int() },
                "--changes" => options with { ChangesPerBlock = Int() },
                "--chunk" => options with { ChunkSize = Int() },
                "--naive-concurrency" => options with { NaiveConcurrency = Int() },
                "--storage" => options with { Storage = Value() is "sqlite" or "postgres" ? args[i] : throw new ArgumentException($"--storage takes sqlite or postgres; got '{args[i]}'.") },
                _ => throw new ArgumentException($"Unknown option '{name}'. Options: --addresses N --refreshes N --changes N --chunk N --naive-concurrency N --storage sqlite|postgres."),
            };
        }

        return options.Addresses < 1 || options.ChunkSize < 1 || options.NaiveConcurrency < 1
            ? throw new ArgumentException("--addresses, --chunk and --naive-concurrency must be at least 1.")
            : options;
    }
}
