using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

/// <summary>What a mined test transaction did, from its receipt (the oracle the monitor's events are checked against).</summary>
public sealed record MinedTransaction(string TxHash, ulong BlockNumber, string BlockHash, IReadOnlyList<ulong> LogIndexes)
{
    public static MinedTransaction FromReceipt(JsonObject receipt) => new(
        (string)receipt["transactionHash"]!,
        Contracts.ParseQuantity(receipt["blockNumber"]),
        (string)receipt["blockHash"]!,
        [.. receipt["logs"]!.AsArray().Select(l => Contracts.ParseQuantity(l!["logIndex"]))]);
}

/// <summary>
/// One anvil per test class (reorg tests revert the whole chain) with a TestToken deployed by dev account 0 and
/// minted to dev account 1, which makes the token transfers and approvals of the tests.
/// </summary>
public class MonitorChain : AnvilFixture, IAsyncLifetime
{
    public static readonly UInt256 Minted = UInt256.Parse("1000000000000000000000000");

    private static readonly AbiFunction Mint = AbiFunction.Parse("mint(address,uint256)");

    public Address Token { get; private set; }

    /// <summary>The account that holds tokens and sends everything.</summary>
    public AnvilAccount Sender => Anvil.Accounts[1];

    public Address SenderAddress => Address.Parse(Sender.Address);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Token = await Contracts.DeployTokenAsync(Anvil, Anvil.Accounts[0]);
        await Contracts.SendAsync(Anvil, Anvil.Accounts[0].PrivateKey, Token, Mint.Encode(SenderAddress, Minted));
    }

    /// <summary>A fresh address no other test uses.</summary>
    public static Address NewAddress() => Address.FromBytes(RandomNumberGenerator.GetBytes(Address.Length));

    public async Task<MinedTransaction> SendNativeAsync(Address to, UInt256 value) =>
        MinedTransaction.FromReceipt(await Contracts.SendAsync(Anvil, Sender.PrivateKey, to, [], value));

    public async Task<MinedTransaction> TransferTokenAsync(Address to, UInt256 amount) =>
        MinedTransaction.FromReceipt(await Contracts.SendAsync(Anvil, Sender.PrivateKey, Token, Erc20.EncodeTransfer(to, amount)));

    public async Task<MinedTransaction> ApproveAsync(Address spender, UInt256 amount) =>
        MinedTransaction.FromReceipt(await Contracts.SendAsync(Anvil, Sender.PrivateKey, Token, Erc20.EncodeApprove(spender, amount)));

    public async Task<ulong> HeadAsync() => Contracts.ParseQuantity(await Anvil.RequestAsync("eth_blockNumber"));

    /// <summary>Mines <paramref name="blocks"/> empty blocks.</summary>
    public Task MineAsync(ulong blocks) => Anvil.RequestAsync("anvil_mine", "0x" + blocks.ToString("x", CultureInfo.InvariantCulture));
}
