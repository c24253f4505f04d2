using Microsoft.Extensions.Logging.Abstractions;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests;

/// <summary>Development mode: the silo's dev chain carries the project's Multicall at Multicall3's address, from the committed artifact.</summary>
public sealed class DevChainTests
{
    [Fact]
    public void The_embedded_multicall_code_is_the_committed_artifact()
    {
        Assert.Equal(HexConvert.ToHex(Contracts.Multicall.DeployedBytecode), DevChain.MulticallRuntimeCode(), ignoreCase: true);
        Assert.Equal(DevChain.MulticallAddress, Multicall3.Address.ToChecksumString());
    }

    [Fact]
    public async Task The_dev_chain_places_the_multicall_with_anvil_setCode()
    {
        using var chain = DevChain.Start(AnvilProcess.FindBinary(), blockTimeSeconds: 0, NullLogger.Instance);
        using var rpc = new WalletGrains.Ethereum.Rpc.EthRpcClient(chain.RpcUrl);
        var code = await rpc.GetCodeAsync(Multicall3.Address, WalletGrains.Ethereum.Rpc.BlockParameter.Latest, TestContext.Current.CancellationToken);
        Assert.Equal(Contracts.Multicall.DeployedBytecode, code);
    }
}
