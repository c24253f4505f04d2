using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime.Testing;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

[Collection(ChainAnvilCollection.Name)]
public sealed class ChainRegistryTests(ChainAnvilFixture chain)
{
    [Fact]
    public async Task A_chain_id_mismatch_is_rejected_naming_both_ids()
    {
        using var registry = new ChainRegistry(Options(chainId: 1, chain.RpcUrl.ToString()), new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<ChainVerificationException>(() => registry.VerifyAsync(TestContext.Current.CancellationToken));

        var problem = Assert.Single(error.Problems);
        Assert.Contains("configured with ChainId 1", problem, StringComparison.Ordinal);
        Assert.Contains($"serves chain id {chain.Anvil.ChainId}", problem, StringComparison.Ordinal);
        Assert.Contains("Wallet:Chains:0:RpcUrls:0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_id_mismatch_stops_the_host_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wallet:Chains:0:ChainId"] = "10",
            ["Wallet:Chains:0:Name"] = "optimism",
            ["Wallet:Chains:0:RpcUrls:0"] = chain.RpcUrl.ToString(),
        });
        builder.Services.AddWalletChains(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ChainVerificationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("chain 10 (optimism) is configured with ChainId 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_matching_chain_verifies_and_serves_rpc_and_fees()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wallet:Chains:0:ChainId"] = chain.Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:RpcUrls:0"] = chain.RpcUrl.ToString(),
        });
        builder.Services.AddWalletChains(builder.Configuration);
        using var host = builder.Build();
        var ct = TestContext.Current.CancellationToken;
        await host.StartAsync(ct);

        var registry = host.Services.GetRequiredService<IChainRegistry>();
        Assert.True(registry.TryGet(chain.Anvil.ChainId, out var context));
        Assert.False(registry.TryGet(1, out _));
        Assert.Same(context, Assert.Single(registry.Chains));
        Assert.Equal(await chain.BlockNumberAsync(), await context.Rpc.BlockNumberAsync(ct));
        Assert.Equal(await chain.BlockNumberAsync(), (await context.Fees.GetQuoteAsync(ct)).BlockNumber);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Calls_fail_over_to_the_next_url_when_the_first_cannot_be_reached()
    {
        var dead = $"http://127.0.0.1:{FreePort.GetLoopbackPort()}/";
        using var logs = new ListLoggerProvider();
        using var loggers = logs.CreateFactory();
        using var registry = new ChainRegistry(Options(chain.Anvil.ChainId, dead, chain.RpcUrl.ToString()), new FakeTimeProvider(), loggers);
        var ct = TestContext.Current.CancellationToken;

        // A dead fallback only warns at start; the chain is served by the URL that answers.
        await registry.VerifyAsync(ct);
        Assert.Contains(logs.Lines, l => l.EventId.Id == 3201);

        var context = Assert.Single(registry.Chains);
        Assert.Equal(await chain.BlockNumberAsync(), await context.Rpc.BlockNumberAsync(ct));
        Assert.Contains(logs.Lines, l => l.EventId.Id == 3202);

        // The URL that answered is now preferred: the next call does not try the dead one first.
        var failovers = logs.Lines.Count(l => l.EventId.Id == 3202);
        _ = await context.Rpc.ChainIdAsync(ct);
        Assert.Equal(failovers, logs.Lines.Count(l => l.EventId.Id == 3202));
    }

    [Fact]
    public async Task A_chain_none_of_whose_urls_answer_fails_verification()
    {
        var dead = $"http://127.0.0.1:{FreePort.GetLoopbackPort()}/rpc/KEY123";
        using var registry = new ChainRegistry(Options(5, dead), new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<ChainVerificationException>(() => registry.VerifyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("none of its 1 RPC URL(s) answered eth_chainId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KEY123", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The chain's client queues POSTs beyond <c>MaxConcurrentRpcRequests</c>: two hundred reads made at once against anvil
    /// with one POST in flight go out in a handful of merged batches, and each read gets the same answer as it does on
    /// a client that sends every call on its own.
    /// </summary>
    [Fact]
    public async Task Reads_made_at_once_share_posts_beyond_the_concurrency_limit_and_get_their_own_answers()
    {
        var options = Options(chain.Anvil.ChainId, chain.RpcUrl.ToString());
        options.Chains[0].MaxConcurrentRpcRequests = 1;
        using var registry = new ChainRegistry(options, new FakeTimeProvider());
        var rpc = registry.Chains[0].Rpc;
        using var direct = new EthRpcClient(chain.RpcUrl);
        var addresses = AnvilAccount.Dev.Select(a => Address.Parse(a.Address)).ToList();
        var ct = TestContext.Current.CancellationToken;

        // Even reads a balance, odd a nonce, of the dev accounts in turn; the same reads one by one on the plain client.
        async Task<string> ReadAsync(EthRpcClient client, int i)
        {
            var address = addresses[i % addresses.Count];
            return i % 2 == 0
                ? (await client.GetBalanceAsync(address, BlockParameter.Latest, ct)).ToString()
                : (await client.GetTransactionCountAsync(address, BlockParameter.Latest, ct)).ToString(CultureInfo.InvariantCulture);
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ReadAsync(rpc, i)));
        var expected = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            expected.Add(await ReadAsync(direct, i));
        }

        Assert.Equal(expected, answers);
        var (posts, merged) = rpc.QueueCounts;
        Assert.True(merged >= 1, $"{posts} POSTs, none merged");
        Assert.InRange(posts, 2, 10);
    }

    private static WalletOptions Options(ulong chainId, params string[] urls) => new()
    {
        Chains = [new ChainOptions { ChainId = chainId, RpcUrls = [.. urls], RpcTimeout = TimeSpan.FromSeconds(5) }],
    };
}
