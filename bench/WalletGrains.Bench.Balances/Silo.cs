using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Runtime;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Bench.Balances;

/// <summary>The real silo (<see cref="WalletHost"/>'s composition) with its JSON-RPC traffic counted at the HTTP boundary.</summary>
internal sealed class Silo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Silo(WebApplication app, RpcTrafficCounter rpc, ulong chainId)
    {
        _app = app;
        Rpc = rpc;
        ChainId = chainId;
    }

    public RpcTrafficCounter Rpc { get; }

    public ulong ChainId { get; }

    public IServiceProvider Services => _app.Services;

    public IBalanceGrain Grain => Services.GetRequiredService<IGrainFactory>().GetGrain<IBalanceGrain>(BalanceGrainKey.For(ChainId));

    public static async Task<Silo> StartAsync(AnvilProcess anvil, string provider, string connectionString, int chunkSize)
    {
        var rpc = new RpcTrafficCounter();
        var builder = WalletHost.CreateBuilder(["--environment", "Production"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Auth:AdminApiKey"] = "wg_bench_balances_admin_key_0123456789",
                ["Wallet:Storage:Provider"] = provider,
                ["Wallet:Storage:ConnectionString"] = connectionString,
                ["Wallet:Chains:0:ChainId"] = anvil.ChainId.ToString(CultureInfo.InvariantCulture),
                ["Wallet:Chains:0:Name"] = "anvil",
                ["Wallet:Chains:0:RpcUrls:0"] = anvil.RpcUrl.ToString(),
                ["Wallet:Chains:0:RpcTimeout"] = "00:01:00",
                ["Wallet:Chains:0:BalancePollInterval"] = "00:00:00.050",
                ["Wallet:Chains:0:MulticallChunkSize"] = chunkSize.ToString(CultureInfo.InvariantCulture),
            });
            b.Services.AddSingleton(sp => new ChainRegistry(
                sp.GetRequiredService<IOptions<WalletOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                createTransport: () => rpc.CreateHandler()));
            b.WebHost.UseUrls($"http://127.0.0.1:{FreePort.GetLoopbackPort()}/");
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        var app = WalletHost.Build(builder);
        await app.StartAsync();
        return new Silo(app, rpc, anvil.ChainId);
    }

    /// <summary>Waits until the grain has finished a refresh at <paramref name="block"/> or later (deadline 2 min).</summary>
    public async Task<BalanceRefreshReport> WaitForRefreshAsync(ulong block)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (await Grain.GetLastRefreshAsync() is { } report && report.BlockNumber >= block)
            {
                return report;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No balance refresh at block {block} within 2 min.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
