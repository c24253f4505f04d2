using WalletGrains.Ethereum.Model;
using WalletGrains.Operations.Tests.Infrastructure;
using WalletGrains.Runtime;
using WalletGrains.Runtime.Testing;

namespace WalletGrains.Operations.Tests;

/// <summary>Between two scrapes, the exported numbers follow what happened.</summary>
public sealed class CountersMoveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Wallet_counters_and_gauges_follow_the_reports()
    {
        var time = new FakeTimeProvider();
        using var scope = new MetricsScope(time);
        var account = Address.FromBytes(Enumerable.Range(1, 20).Select(i => (byte)(i * 7)).ToArray());
        var before = scope.Scrape();

        scope.Metrics.TransactionStatusChanged(5, "submitted");
        scope.Metrics.TransactionStatusChanged(5, "submitted");
        scope.Metrics.TransactionStatusChanged(5, "confirmed");
        scope.Metrics.FeeBumped(5);
        scope.Metrics.ReportAccount(5, account, 3, time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(90));
        var after = scope.Scrape();

        (string, string) chain = ("chain", "5");
        Assert.Equal(2, after.Sum("wallet_transactions_total", chain, ("status", "submitted")) - before.Sum("wallet_transactions_total", chain, ("status", "submitted")));
        Assert.Equal(1, after.Sum("wallet_transactions_total", chain, ("status", "confirmed")) - before.Sum("wallet_transactions_total", chain, ("status", "confirmed")));
        Assert.Equal(1, after.Sum("wallet_fee_bumps_total", chain) - before.Sum("wallet_fee_bumps_total", chain));
        Assert.Equal(3, after.Value("wallet_pending_transactions", chain, ("account", account.ToChecksumString())));
        Assert.Equal(90, after.Value("wallet_oldest_pending_seconds", chain, ("account", account.ToChecksumString())));

        scope.Metrics.ReportAccount(5, account, 0, null);
        var drained = scope.Scrape();
        Assert.Equal(0, drained.Value("wallet_pending_transactions", chain, ("account", account.ToChecksumString())));
        Assert.Null(drained.Value("wallet_oldest_pending_seconds", chain, ("account", account.ToChecksumString())));
    }

    [Fact]
    public async Task Grain_calls_activations_and_durations_follow_grain_activity()
    {
        using var scope = new MetricsScope();
        await using var silo = await TestSilo.StartAsync(s => s.AddMemoryGrainStorage(), cancellationToken: Ct);
        var first = silo.GrainFactory.GetGrain<IOperationsProbeGrain>("a");
        await first.PingAsync();
        var type = silo.Introspection.GetSnapshot().GrainTypes.Single(t => t.GrainType.Contains("OperationsProbe", StringComparison.Ordinal)).GrainType;
        (string, string) label = ("type", type);
        var before = scope.Scrape();

        for (var i = 0; i < 5; i++)
        {
            await first.PingAsync();
        }

        await silo.GrainFactory.GetGrain<IOperationsProbeGrain>("b").PingAsync();
        var after = scope.Scrape();

        Assert.Equal(6, after.Value("grain_calls_total", label) - before.Value("grain_calls_total", label));
        Assert.Equal(6, after.Value("grain_call_duration_seconds_count", label) - before.Value("grain_call_duration_seconds_count", label));
        Assert.Equal(1, before.Value("grain_activations", label));
        Assert.Equal(2, after.Value("grain_activations", label));
        Assert.Equal("histogram", after["grain_call_duration_seconds"].Type);
        Assert.Equal("counter", after["grain_calls_total"].Type);
    }
}

/// <summary>A grain that answers, for counting calls.</summary>
public interface IOperationsProbeGrain : IGrainWithStringKey
{
    Task<int> PingAsync();
}

/// <summary>Counts its pings.</summary>
public sealed class OperationsProbeGrain : Grain, IOperationsProbeGrain
{
    private int _pings;

    public Task<int> PingAsync() => Task.FromResult(++_pings);
}
