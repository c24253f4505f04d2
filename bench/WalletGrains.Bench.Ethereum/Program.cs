using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/WalletGrains.Bench.Ethereum -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(WalletGrains.Bench.Ethereum.KeccakBenchmarks).Assembly).Run(args);
