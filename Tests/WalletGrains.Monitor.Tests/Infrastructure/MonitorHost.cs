using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Monitoring;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;
using WalletGrains.Runtime.Testing;

namespace WalletGrains.Monitor.Tests;

/// <summary>
/// A silo with what the event monitor needs and nothing else: one chain, the wallet store and grain state on the
/// test's database, the test's watched addresses, and <c>AddWalletEventMonitor</c> (whose hosted service starts the
/// monitor). Restart it to get a new silo on the same storage.
/// </summary>
public sealed class MonitorHost : IAsyncDisposable
{
    private MonitorHost(TestSilo silo, ulong chainId)
    {
        Silo = silo;
        ChainId = chainId;
    }

    public TestSilo Silo { get; }

    public ulong ChainId { get; }

    public IEventMonitorGrain Monitor => Silo.GrainFactory.GetGrain<IEventMonitorGrain>(EventMonitorKeys.For(ChainId));

    /// <summary>
    /// Starts the silo. Defaults: confirmations 1, a 100 ms poll interval; <paramref name="settings"/> adds or overrides
    /// <c>Wallet:Chains:0:*</c> keys (relative, e.g. <c>Monitor:StartBlock</c>).
    /// </summary>
    public static async Task<MonitorHost> StartAsync(
        MonitorStorage storage,
        Uri rpcUrl,
        ulong chainId,
        IWatchedAddresses watched,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        Func<IWalletStore, IWalletStore>? wrapStore = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ChainId"] = chainId.ToString(CultureInfo.InvariantCulture),
            ["Name"] = "anvil",
            ["RpcUrls:0"] = rpcUrl.ToString(),
            ["Confirmations"] = "1",
            ["Monitor:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(kv => KeyValuePair.Create("Wallet:Chains:0:" + kv.Key, kv.Value)))
            .Build();
        var silo = await TestSilo.StartAsync(
            storage.Configure,
            services =>
            {
                services.AddLogging();
                services.AddSingleton(watched);
                services.AddSingleton(_ => (wrapStore ?? (s => s))(storage.CreateWalletStore()));
                services.AddWalletChains(configuration);
                services.AddWalletEventMonitor();
            },
            time);
        return new MonitorHost(silo, chainId);
    }

    /// <summary>Waits until the monitor's status satisfies <paramref name="condition"/>, polling it, or fails at the deadline.</summary>
    public async Task<EventMonitorStatus> WaitForStatusAsync(Func<EventMonitorStatus, bool> condition, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var status = await Monitor.GetStatusAsync();
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The monitor status never met the condition; last: {status}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync() => await Silo.DisposeAsync();
}
