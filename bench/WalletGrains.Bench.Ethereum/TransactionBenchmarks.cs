using BenchmarkDotNet.Attributes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Bench.Ethereum;

/// <summary>
/// The send path's per-transaction costs. Issue targets: EIP-1559 transfer sign + serialize ≤ 40 µs;
/// decode + sender recovery ≤ 60 µs.
/// </summary>
[MemoryDiagnoser]
public class TransactionBenchmarks
{
    // The public anvil/hardhat dev key 0: test data, never a real key.
    private static readonly byte[] Key = HexConvert.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private readonly PrivateKeySigner _signer = new(Key);
    private ulong _nonce;
    private byte[] _raw = [];

    private Eip1559Transaction Transfer(ulong nonce) => new()
    {
        ChainId = 31337,
        Nonce = nonce,
        GasLimit = 21_000,
        To = Address.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        Value = Wei.WeiPerEther,
        MaxFeePerGas = 30_000_000_000UL,
        MaxPriorityFeePerGas = 1_000_000_000UL,
    };

    [GlobalSetup]
    public void Setup() => _raw = _signer.Sign(Transfer(42)).Raw.ToArray();

    [Benchmark]
    public SignedTransaction Eip1559_transfer_sign_and_serialize() => _signer.Sign(Transfer(_nonce++));

    [Benchmark]
    public Address Decode_and_recover_sender() => TransactionDecoder.Decode(_raw).From;
}
