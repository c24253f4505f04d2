using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;
using TestContracts = WalletGrains.Testing.Contracts;

namespace WalletGrains.Contracts.Tests;

/// <summary>One automining anvil with the Multicall placed at Multicall3's canonical address.</summary>
public sealed class ContractsAnvilFixture : AnvilFixture, IAsyncLifetime
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await TestContracts.DeployMulticallAsync(Anvil);
    }
}

[CollectionDefinition(Name)]
public sealed class ContractsAnvilCollection : ICollectionFixture<ContractsAnvilFixture>
{
    public const string Name = "contracts-anvil";
}

/// <summary>Raw JSON-RPC reads shared by the anvil tests.</summary>
internal static class Chain
{
    /// <summary>TestToken's <c>mint(address,uint256)</c>; not part of ERC-20, so not in <see cref="Erc20"/>.</summary>
    public static AbiFunction MintFunction { get; } = AbiFunction.Parse("mint(address,uint256)");

    public static byte[] Mint(Address to, UInt256 amount) => MintFunction.Encode(to, amount);

    public static string BlockTag(ulong number) => "0x" + number.ToString("x", CultureInfo.InvariantCulture);

    public static async Task<ulong> BlockNumberAsync(AnvilProcess anvil) =>
        TestContracts.ParseQuantity(await anvil.RequestAsync("eth_blockNumber"));

    public static async Task<UInt256> BalanceAsync(AnvilProcess anvil, Address account, ulong block) =>
        UInt256.Parse((string)(await anvil.RequestAsync("eth_getBalance", account.ToLowerHex(), BlockTag(block)))!);

    public static async Task<byte[]> CallAsync(AnvilProcess anvil, Address to, byte[] data, ulong block)
    {
        var call = new JsonObject { ["to"] = to.ToLowerHex(), ["data"] = HexConvert.ToHex(data) };
        return HexConvert.FromHex((string)(await anvil.RequestAsync("eth_call", call, BlockTag(block)))!);
    }

    /// <summary>The receipt's logs as (emitter, topics, data).</summary>
    public static List<(Address Emitter, List<Bytes32> Topics, byte[] Data)> Logs(JsonObject receipt) =>
        receipt["logs"]!.AsArray()
            .Select(log => (
                Address.Parse((string)log!["address"]!),
                log["topics"]!.AsArray().Select(t => Bytes32.Parse((string)t!)).ToList(),
                HexConvert.FromHex((string)log["data"]!)))
            .ToList();
}
