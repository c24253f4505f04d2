using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;
using TestContracts = WalletGrains.Testing.Contracts;

namespace WalletGrains.Contracts.Tests;

/// <summary>TestToken's events are the ERC-20 events the service decodes.</summary>
[Collection(ContractsAnvilCollection.Name)]
public sealed class TestTokenTests(ContractsAnvilFixture fixture)
{
    private AnvilProcess Anvil => fixture.Anvil;

    [Fact]
    public async Task Mint_transfer_approve_and_transferFrom_emit_decodable_logs()
    {
        var accounts = Anvil.Accounts;
        var owner = accounts[4];
        var spender = accounts[5];
        var ownerAddress = Address.Parse(owner.Address);
        var spenderAddress = Address.Parse(spender.Address);
        var recipient = Address.Parse(accounts[6].Address);
        var token = await TestContracts.DeployTokenAsync(Anvil, accounts[0], "Grain Test", "GRT");

        var mint = await TestContracts.SendAsync(Anvil, accounts[0].PrivateKey, token, Chain.Mint(ownerAddress, new UInt256(1_000)));
        Assert.Equal(new Erc20Transfer(Address.Zero, ownerAddress, new UInt256(1_000)), SingleTransfer(mint, token));

        var transfer = await TestContracts.SendAsync(Anvil, owner.PrivateKey, token, Erc20.EncodeTransfer(recipient, new UInt256(300)));
        Assert.Equal(new Erc20Transfer(ownerAddress, recipient, new UInt256(300)), SingleTransfer(transfer, token));

        var approve = await TestContracts.SendAsync(Anvil, owner.PrivateKey, token, Erc20.EncodeApprove(spenderAddress, new UInt256(500)));
        var approvalLog = Assert.Single(Chain.Logs(approve));
        Assert.Equal(token, approvalLog.Emitter);
        Assert.False(Erc20.TryDecodeTransfer(approvalLog.Topics, approvalLog.Data, out _));
        Assert.True(Erc20.TryDecodeApproval(approvalLog.Topics, approvalLog.Data, out var approval));
        Assert.Equal(new Erc20Approval(ownerAddress, spenderAddress, new UInt256(500)), approval);

        var transferFrom = TransferFrom.Encode(ownerAddress, recipient, new UInt256(200));
        var spent = await TestContracts.SendAsync(Anvil, spender.PrivateKey, token, transferFrom);
        Assert.Equal(new Erc20Transfer(ownerAddress, recipient, new UInt256(200)), SingleTransfer(spent, token));

        // State agrees with the events: 1000 - 300 - 200 left, 300 + 200 received, 500 - 200 allowed.
        var block = await Chain.BlockNumberAsync(Anvil);
        Assert.Equal(new UInt256(500), await ReadUInt256Async(token, Erc20.EncodeBalanceOf(ownerAddress), block));
        Assert.Equal(new UInt256(500), await ReadUInt256Async(token, Erc20.EncodeBalanceOf(recipient), block));
        Assert.Equal(new UInt256(300), await ReadUInt256Async(token, Erc20.Allowance.Encode(ownerAddress, spenderAddress), block));
        Assert.Equal(new UInt256(18), (UInt256)Erc20.Decimals.DecodeOutput(await Chain.CallAsync(Anvil, token, Erc20.Decimals.Encode(), block))[0]!);
    }

    [Fact]
    public async Task A_transfer_beyond_the_balance_reverts_without_logs()
    {
        var token = await TestContracts.DeployTokenAsync(Anvil, Anvil.Accounts[0]);
        var call = Erc20.EncodeTransfer(Address.Parse(Anvil.Accounts[1].Address), UInt256.One);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TestContracts.SendAsync(Anvil, Anvil.Accounts[7].PrivateKey, token, call));
        Assert.Contains("TestToken: transfer exceeds balance", error.Message, StringComparison.Ordinal);
    }

    private static AbiFunction TransferFrom { get; } = AbiFunction.Parse("transferFrom(address,address,uint256)", "(bool)");

    private static Erc20Transfer SingleTransfer(System.Text.Json.Nodes.JsonObject receipt, Address token)
    {
        var log = Assert.Single(Chain.Logs(receipt));
        Assert.Equal(token, log.Emitter);
        Assert.False(Erc20.TryDecodeApproval(log.Topics, log.Data, out _));
        Assert.True(Erc20.TryDecodeTransfer(log.Topics, log.Data, out var transfer));
        return transfer;
    }

    private async Task<UInt256> ReadUInt256Async(Address token, byte[] call, ulong block)
    {
        Assert.True(Erc20.TryDecodeUInt256(await Chain.CallAsync(Anvil, token, call, block), out var value));
        return value;
    }
}
