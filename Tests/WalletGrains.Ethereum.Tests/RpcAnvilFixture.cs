using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>One automining anvil for the read-only RPC tests, with a client to it.</summary>
public sealed class RpcAnvilFixture : AnvilFixture, IAsyncLifetime
{
    private EthRpcClient? _client;

    public EthRpcClient Client => _client ?? throw new InvalidOperationException("Fixture not initialised.");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _client = new EthRpcClient(RpcUrl, TimeSpan.FromSeconds(10));
    }

    public override async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RpcAnvilCollection : ICollectionFixture<RpcAnvilFixture>
{
    public const string Name = "rpc-anvil";
}

/// <summary>Helpers shared by the anvil tests.</summary>
internal static class RpcAnvil
{
    /// <summary>Polls for a receipt until it exists or the deadline passes (anvil mines asynchronously in some modes).</summary>
    public static async Task<RpcReceipt> WaitForReceiptAsync(EthRpcClient client, Bytes32 hash, TimeSpan? deadline = null)
    {
        var limit = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var receipt = await client.GetTransactionReceiptAsync(hash, TestContext.Current.CancellationToken);
            if (receipt is not null)
            {
                return receipt;
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"No receipt for {hash} within the deadline.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
