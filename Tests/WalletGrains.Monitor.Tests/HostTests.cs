using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Runtime;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Monitor.Tests;

public sealed class HostChain : MonitorChain;

/// <summary>The real silo composition: the monitor is registered, started at start-up, and without a watch store follows the custodied accounts.</summary>
public sealed class HostTests(HostChain chain, PostgresFixture postgres) : IClassFixture<HostChain>
{
    [Fact]
    public async Task The_wallet_host_starts_the_monitor_which_by_default_follows_the_custodied_accounts()
    {
        await using var storage = await MonitorStorage.CreateAsync(StorageKind.Sqlite, postgres);
        var custodied = chain.Anvil.Accounts[2];
        var url = $"http://127.0.0.1:{FreePort.GetLoopbackPort().ToString(CultureInfo.InvariantCulture)}/";
        var builder = WalletHost.CreateBuilder(["--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Auth:AdminApiKey"] = "wg_monitor_host_test_admin_key_0123456789",
                ["Wallet:Storage:Provider"] = "sqlite",
                ["Wallet:Storage:ConnectionString"] = storage.ConnectionString,
                ["Wallet:Chains:0:ChainId"] = chain.Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
                ["Wallet:Chains:0:Name"] = "anvil",
                ["Wallet:Chains:0:RpcUrls:0"] = chain.RpcUrl.ToString(),
                ["Wallet:Chains:0:Monitor:PollInterval"] = "00:00:00.100",
                ["Wallet:Signers:Keys:0"] = custodied.PrivateKey,
            });
            b.WebHost.UseUrls(url);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await using var app = WalletHost.Build(builder);
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var monitor = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IEventMonitorGrain>(EventMonitorKeys.For(chain.Anvil.ChainId));
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await monitor.GetStatusAsync()).Cursor is null && DateTime.UtcNow < until)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }

            var received = await chain.SendNativeAsync(Address.Parse(custodied.Address), 61);
            var events = await storage.Events.WaitAsync(Address.Parse(custodied.Address), e => e.Count >= 1);
            var e = Assert.Single(events);
            Assert.Equal(WalletEventTypes.TransferIncoming, e.Type);
            Assert.Equal(received.TxHash, e.TxHash);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
