using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;
using TestContracts = WalletGrains.Testing.Contracts;

namespace WalletGrains.Contracts.Tests;

/// <summary>The project's Multicall answers Multicall3's ABI at the canonical address on a real anvil.</summary>
[Collection(ContractsAnvilCollection.Name)]
public sealed class MulticallTests(ContractsAnvilFixture fixture)
{
    private AnvilProcess Anvil => fixture.Anvil;

    [Fact]
    public async Task GetBlockNumber_answers_the_block_the_call_is_pinned_to()
    {
        var latest = await Chain.BlockNumberAsync(Anvil);

        // Mine two more so "latest" and the pinned blocks differ.
        await Anvil.RequestAsync("anvil_mine", "0x2");
        foreach (var block in new[] { latest, latest + 2 })
        {
            var answer = await Chain.CallAsync(Anvil, Multicall3.Address, Multicall3.EncodeGetBlockNumber(), block);
            Assert.Equal(new UInt256(block), (UInt256)Multicall3.GetBlockNumber.DecodeOutput(answer)[0]!);
        }
    }

    [Fact]
    public async Task GetEthBalance_equals_eth_getBalance_for_every_dev_account()
    {
        var block = await Chain.BlockNumberAsync(Anvil);
        foreach (var account in Anvil.Accounts)
        {
            var address = Address.Parse(account.Address);
            var answer = await Chain.CallAsync(Anvil, Multicall3.Address, Multicall3.EncodeGetEthBalance(address), block);
            Assert.Equal(await Chain.BalanceAsync(Anvil, address, block), (UInt256)Multicall3.GetEthBalance.DecodeOutput(answer)[0]!);
        }
    }

    [Fact]
    public async Task Aggregate3_reads_balances_at_one_block_and_reports_an_allowed_failure()
    {
        var accounts = Anvil.Accounts;
        var deployer = accounts[0];
        var ethHolder = Address.Parse(accounts[1].Address);
        var tokenHolder = Address.Parse(accounts[2].Address);
        var token = await TestContracts.DeployTokenAsync(Anvil, deployer);
        var minted = UInt256.Parse("123456789000000000000");
        await TestContracts.SendAsync(Anvil, deployer.PrivateKey, token, Chain.Mint(tokenHolder, minted));
        var pinned = await Chain.BlockNumberAsync(Anvil);

        // Change both balances after the pinned block: the batch must still see the pinned state.
        await TestContracts.SendAsync(Anvil, deployer.PrivateKey, token, Chain.Mint(tokenHolder, UInt256.One));
        await TestContracts.SendAsync(Anvil, accounts[1].PrivateKey, Address.Parse(accounts[3].Address), [], new UInt256(1_000));

        // The Multicall holds no tokens, so its transfer reverts with TestToken's reason.
        var failing = Erc20.EncodeTransfer(ethHolder, UInt256.One);
        var calls = new[]
        {
            new Multicall3Call(Multicall3.Address, false, Multicall3.EncodeGetEthBalance(ethHolder)),
            new Multicall3Call(token, false, Erc20.EncodeBalanceOf(tokenHolder)),
            new Multicall3Call(token, true, failing),
        };
        var answer = await Chain.CallAsync(Anvil, Multicall3.Address, Multicall3.EncodeAggregate3(calls), pinned);
        Assert.True(Multicall3.TryDecodeAggregate3(answer, out var results, out var error), error);
        Assert.Equal(3, results.Count);

        Assert.True(results[0].Success);
        Assert.True(Erc20.TryDecodeUInt256(results[0].ReturnData, out var ethBalance));
        Assert.Equal(await Chain.BalanceAsync(Anvil, ethHolder, pinned), ethBalance);
        Assert.NotEqual(await Chain.BalanceAsync(Anvil, ethHolder, pinned + 2), ethBalance);

        Assert.True(results[1].Success);
        Assert.True(Erc20.TryDecodeUInt256(results[1].ReturnData, out var tokenBalance));
        Assert.Equal(minted, tokenBalance);

        Assert.False(results[2].Success);
        Assert.True(AbiRevert.TryDecode(results[2].ReturnData, out var reason));
        Assert.Equal("TestToken: transfer exceeds balance", reason);
    }

    [Fact]
    public async Task Aggregate3_reverts_when_a_call_that_must_succeed_fails()
    {
        var token = await TestContracts.DeployTokenAsync(Anvil, Anvil.Accounts[0]);
        var calls = new[]
        {
            new Multicall3Call(Multicall3.Address, false, Multicall3.EncodeGetBlockNumber()),
            new Multicall3Call(token, false, Erc20.EncodeTransfer(Address.Parse(Anvil.Accounts[1].Address), UInt256.One)),
        };
        var block = await Chain.BlockNumberAsync(Anvil);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Chain.CallAsync(Anvil, Multicall3.Address, Multicall3.EncodeAggregate3(calls), block));
        Assert.Contains("Multicall3: call failed", error.Message, StringComparison.Ordinal);
    }
}
