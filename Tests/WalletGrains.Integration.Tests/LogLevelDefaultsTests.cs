using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Silo;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// The composed silo's log levels: ASP.NET Core's and IHttpClientFactory's per-request Information lines are off unless
/// configuration turns them on, the silo's own Information log stays on, and every default yields to configuration.
/// </summary>
public sealed class LogLevelDefaultsTests
{
    private const string RequestLog = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const string ClientLog = "System.Net.Http.HttpClient.webhooks.LogicalHandler";
    private const string SiloLog = "WalletGrains.Grains.Accounts.AccountGrain";

    [Fact]
    public async Task Per_request_framework_logs_are_off_and_the_silos_own_information_is_on()
    {
        await using var app = Build([]);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger(RequestLog).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(RequestLog).IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger(ClientLog).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(SiloLog).IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger(SiloLog).IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Configuration_overrides_each_default()
    {
        await using var app = Build(["--Logging:LogLevel:Microsoft.AspNetCore=Information", "--Logging:LogLevel:Default=Debug"]);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger(RequestLog).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(SiloLog).IsEnabled(LogLevel.Debug));
        Assert.False(loggers.CreateLogger(ClientLog).IsEnabled(LogLevel.Information));
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WalletHost.CreateBuilder(["--environment", "Production", .. args], b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Chains:0:ChainId"] = "31337",
                ["Wallet:Chains:0:RpcUrls:0"] = "http://127.0.0.1:1",
                ["Wallet:Storage:Provider"] = "sqlite",
                ["Wallet:Storage:ConnectionString"] = "Data Source=:memory:",
            }));
        return WalletHost.Build(builder);
    }
}
