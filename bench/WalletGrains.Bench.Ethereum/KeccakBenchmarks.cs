using BenchmarkDotNet.Attributes;
using WalletGrains.Ethereum.Crypto;

namespace WalletGrains.Bench.Ethereum;

/// <summary>Keccak-256 of a 200-byte message (issue target: ≤ 1.5 µs).</summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    private readonly byte[] _input = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
    private readonly byte[] _output = new byte[32];

    [Benchmark]
    public void Keccak256_200_bytes() => Keccak256.Hash(_input, _output);
}
