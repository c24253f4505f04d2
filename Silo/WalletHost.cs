using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using WalletGrains.Api;
using WalletGrains.Api.Dashboard;
using WalletGrains.Api.Operations;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Silo;

/// <summary>
/// Composes the silo: configuration (DESIGN.md §7), the dev chain when no chain is configured,
/// storage, the grain runtime, chains, keys, the send gateway and the REST API. Tests build the same
/// host with their own configuration.
/// </summary>
public static partial class WalletHost
{
    /// <summary>A web application builder with every service registered.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        AddLogLevelDefaults(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }

        configure?.Invoke(builder);
        var devChain = AddDevChainIfEnabled(builder);
        try
        {
            var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
            builder.UseSilo(silo =>
            {
                switch (storage.Provider.ToUpperInvariant())
                {
                    case "SQLITE":
                        EnsureSqliteDirectory(storage.ConnectionString);
                        silo.AddSqliteGrainStorage("Default", storage.ConnectionString).UseSqliteReminders(storage.ConnectionString);
                        break;
                    case "POSTGRES":
                    case "POSTGRESQL":
                        silo.AddPostgresGrainStorage("Default", storage.ConnectionString).UsePostgresReminders(storage.ConnectionString);
                        break;
                    default:
                        throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions),
                            [$"Wallet:Storage:Provider '{storage.Provider}' is not 'sqlite' or 'postgres'."]);
                }

                if (storage.CommitGatherWindow < TimeSpan.Zero || storage.CommitGatherWindow > TimeSpan.FromSeconds(1))
                {
                    throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions),
                        [$"Wallet:Storage:CommitGatherWindow '{storage.CommitGatherWindow}' must be between 00:00:00 and 00:00:01."]);
                }
            });

            builder.Services.AddSingleton<IWalletStore>(_ => storage.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase)
                ? new SqliteWalletStore(storage.ConnectionString)
                : new PostgresWalletStore(storage.ConnectionString, gatherWindow: storage.CommitGatherWindow));
            builder.Services.AddWalletDelivery(builder.Configuration, storage.Provider, storage.ConnectionString);
            builder.Services.AddWalletChains(builder.Configuration);
            builder.Services.AddWalletKeyStore(builder.Configuration);
            builder.Services.AddSingleton<ISendGateway, SendGateway>();
            WalletGrains.Grains.Balances.BalanceServiceCollectionExtensions.AddWalletBalances(builder.Services, storage.Provider, storage.ConnectionString);
            builder.Services.AddHostedService<WalletGrains.Grains.Accounts.PendingAccountsResumer>();
            builder.Services.AddWalletApi(builder.Configuration);
            builder.Services.AddWalletDashboard();
            builder.Services.AddWalletOperations(builder.Configuration);
            WalletGrains.Grains.Monitoring.MonitorServiceCollectionExtensions.AddWalletEventMonitor(builder.Services);
        }
        catch
        {
            // A configuration error after anvil started must not leave it running.
            devChain?.Dispose();
            throw;
        }

        return builder;
    }

    /// <summary>
    /// Log levels the silo starts from, beneath every other configuration source, so <c>Logging:LogLevel:*</c> in
    /// appsettings, the environment or the command line overrides each. ASP.NET Core and IHttpClientFactory log every
    /// request at Information ("Request starting", "Request finished", "Sending HTTP request", ...): several console
    /// lines per send, which cost the silo about a fifth more CPU per send in the send benchmark. Their warnings and
    /// errors still show, and the silo's own Information log (start-up, migrations, resyncs) is kept.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string?> LogLevelDefaults = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    private static void AddLogLevelDefaults(ConfigurationManager configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogLevelDefaults });

    /// <summary>Builds the application and maps the API.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseWalletApi();
        app.MapWalletApi();
        app.MapDashboard();
        app.MapWalletOperations();
        return app;
    }

    /// <summary>
    /// Development mode: with no chain configured (or Wallet:DevChain:Enabled=true) a local anvil is
    /// started now, before the chain registry reads configuration, and custodies the dev mnemonic's
    /// 10 accounts. It stops when the host stops.
    /// </summary>
    private static DevChain? AddDevChainIfEnabled(WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DevChainOptions.SectionName).Get<DevChainOptions>() ?? new DevChainOptions();
        var chainsConfigured = builder.Configuration.GetSection("Wallet:Chains").GetChildren().Any();
        if (!(options.Enabled ?? !chainsConfigured))
        {
            return null;
        }

        var anvil = options.AnvilPath ?? DevChain.FindAnvil()
            ?? throw new InvalidOperationException("Dev chain: anvil not found under tools/node_modules; run the README's run command (it installs tools/) or set Wallet:DevChain:AnvilPath.");
        using var loggerFactory = LoggerFactory.Create(l => l.AddConsole());
        var chain = DevChain.Start(anvil, options.BlockTime, loggerFactory.CreateLogger<DevChain>());
        // Stopped with the host: the hosted service disposes it on shutdown (DI does not dispose instances it was handed).
        builder.Services.AddSingleton(chain);
        builder.Services.AddHostedService(sp => new DevChainLifetime(sp.GetRequiredService<DevChain>()));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wallet:Chains:0:ChainId"] = DevChain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = chain.RpcUrl.ToString(),
            ["Wallet:Signers:Mnemonic"] = DevChain.Mnemonic,
            ["Wallet:Signers:MnemonicCount"] = "10",
        });
        return chain;
    }

    private static void EnsureSqliteDirectory(string connectionString)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(directory) && source != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
    }
}
