using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;
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

    /// <summary>
    /// Broadcasts have a client of their own with <c>MaxConcurrentBroadcasts</c> POSTs in flight (default 1): forty signed
    /// transactions from ten senders, each sender's four sent at once as their own batch, go out in a few merged POSTs,
    /// every one is accepted, and anvil holds all forty. With 0 they go through the chain's client like every call.
    /// </summary>
    [Fact]
    public async Task Broadcasts_of_many_senders_share_posts_on_a_client_of_their_own()
    {
        // An anvil of its own: the forty stay in its pool, out of the way of the shared chain's fee tests.
        var ct = TestContext.Current.CancellationToken;
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true }, ct);
        var options = Options(anvil.ChainId, anvil.RpcUrl.ToString());
        using var registry = new ChainRegistry(options, new FakeTimeProvider());
        var context = registry.Chains[0];
        Assert.NotSame(context.Rpc, context.Broadcasts);
        Assert.Equal(1, context.Broadcasts.Options.MaxConcurrentRequests);

        var signers = Enumerable.Range(0, 10).Select(_ => new PrivateKeySigner(PrivateKeyGenerator.Generate())).ToList();
        foreach (var signer in signers)
        {
            await anvil.RequestAsync("anvil_setBalance", signer.Address.ToLowerHex(), (Wei.WeiPerEther * 10UL).ToHexQuantity());
        }

        var sink = Address.FromPrivateKey(PrivateKeyGenerator.Generate());
        var batches = signers.Select(signer =>
        {
            var batch = new RpcBatch();
            var items = Enumerable.Range(0, 4).Select(nonce => batch.Add(EthRequests.SendRawTransaction(signer.Sign(new Eip1559Transaction
            {
                ChainId = anvil.ChainId, Nonce = (ulong)nonce, GasLimit = 21_000, To = sink, Value = 1UL,
                MaxFeePerGas = 200 * Wei.WeiPerGwei, MaxPriorityFeePerGas = Wei.WeiPerGwei,
            }).Raw.Span))).ToList();
            return (batch, items);
        }).ToList();
        await Task.WhenAll(batches.Select(b => context.Broadcasts.SendBatchAsync(b.batch, cancellationToken: ct)));

        Assert.All(batches.SelectMany(b => b.items), item => Assert.Null(item.Error));
        var (posts, merged) = context.Broadcasts.QueueCounts;
        Assert.True(merged >= 1, $"{posts} POSTs, none merged");
        Assert.InRange(posts, 2, 9);
        Assert.Equal((0L, 0L), context.Rpc.QueueCounts);
        Assert.Equal(40UL, ChainAnvilFixture.Quantity((await anvil.RequestAsync("txpool_status"))!["pending"]));
        foreach (var signer in signers)
        {
            signer.Dispose();
        }

        options.Chains[0].MaxConcurrentBroadcasts = 0;
        using var unqueued = new ChainRegistry(options, new FakeTimeProvider());
        Assert.Same(unqueued.Chains[0].Rpc, unqueued.Chains[0].Broadcasts);
    }

    private static WalletOptions Options(ulong chainId, params string[] urls) => new()
    {
        Chains = [new ChainOptions { ChainId = chainId, RpcUrls = [.. urls], RpcTimeout = TimeSpan.FromSeconds(5) }],
    };
}
