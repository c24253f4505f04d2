using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Runtime;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Bench.Send;

/// <summary>
/// The real silo (WalletHost, the executable's composition) in this process, Kestrel on a free
/// loopback port, with the harness's timing decorators and limits raised so they never throttle.
/// </summary>
internal sealed class WalletService : IAsyncDisposable
{
    /// <summary>The bootstrap admin key the benchmark sends with (admins may send from any custodied account).</summary>
    public const string AdminKey = "wg_bench_send_admin_key_0123456789";

    private readonly WebApplication _app;

    private WalletService(WebApplication app, Uri baseUrl, Probes probes)
    {
        _app = app;
        BaseUrl = baseUrl;
        Probes = probes;
    }

    public Uri BaseUrl { get; }

    public Probes Probes { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<WalletService> StartAsync(
        string provider, string connectionString, AnvilProcess anvil, string mnemonic, int accountCount, BenchOptions options)
    {
        var probes = new Probes();
        var port = FreePort.GetLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var settings = new Dictionary<string, string?>
        {
            ["Wallet:DevChain:Enabled"] = "false",
            ["Wallet:Auth:AdminApiKey"] = AdminKey,
            ["Wallet:Storage:Provider"] = provider,
            ["Wallet:Storage:ConnectionString"] = connectionString,
            ["Wallet:Chains:0:ChainId"] = anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = anvil.RpcUrl.ToString(),
            ["Wallet:Chains:0:MaxInFlight"] = options.MaxInFlight.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Signers:Mnemonic"] = mnemonic,
            ["Wallet:Signers:MnemonicCount"] = accountCount.ToString(CultureInfo.InvariantCulture),

            // Far above the offered load: the benchmark measures the send path, not the limiters.
            ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1000000",
            ["Wallet:Api:RateLimit:Burst"] = "1000000",
            ["Wallet:Api:MaxConcurrentSends"] = "100000",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var builder = WalletHost.CreateBuilder(["--environment", "Production"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.WebHost.UseUrls(url.ToString());
            // The silo's own log levels (WalletHost's defaults), as shipped; its lines go to stderr, the report to stdout.
            b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        Func<HttpMessageHandler> node = options.InstantChain
            ? () => new InstantChain(anvil.ChainId)
            : () => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }; // as ChainRegistry's default
        var transport = options.RpcLatencyMs > 0 ? () => new DistantNode(TimeSpan.FromMilliseconds(options.RpcLatencyMs), node()) : node;
        Instrumentation.AddTimings(builder.Services, probes, transport);
        var app = WalletHost.Build(builder);
        await app.StartAsync();
        return new WalletService(app, url, probes);
    }

    /// <summary>The account grains' call statistics (cumulative since the silo started).</summary>
    public GrainTypeSnapshot? AccountGrainSnapshot() =>
        Services.GetRequiredService<ISiloIntrospection>().GetSnapshot().GrainTypes.FirstOrDefault(t => t.GrainType.Contains("AccountGrain", StringComparison.Ordinal));

    /// <summary>
    /// Waits until every account has nothing pending or queued (everything accepted is confirmed), so
    /// the next scenario does not share the machine with this one's confirmation work. Returns how long it took.
    /// </summary>
    public async Task<TimeSpan> WaitUntilSettledAsync(ulong chainId, IReadOnlyList<Address> accounts, TimeSpan deadline)
    {
        var grains = Services.GetRequiredService<IGrainFactory>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var views = await Task.WhenAll(accounts.Select(a => grains.GetGrain<IAccountGrain>(GrainKeys.Account(chainId, a)).GetAsync()));
            var open = views.Sum(v => v.Pending + v.Queued);
            if (open == 0)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{open} transactions still pending or queued on {accounts.Count} accounts after {deadline}.");
            }

            // Poll the observable condition until the deadline.
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
