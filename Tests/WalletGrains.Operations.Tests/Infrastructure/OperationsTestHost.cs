using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Api;
using WalletGrains.Api.Operations;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Operations.Tests.Infrastructure;

/// <summary>
/// A minimal WebApplication on TestServer with the API and the operations services over a real chain (anvil) and
/// a real SQLite wallet store, migrated unless asked not to be.
/// </summary>
internal sealed class OperationsTestHost : IAsyncDisposable
{
    public const string AdminKey = "operations-test-admin-key-not-a-secret";

    private readonly WebApplication _app;
    private readonly SqliteWalletStore _store;
    private readonly DirectoryInfo _directory;

    private OperationsTestHost(WebApplication app, SqliteWalletStore store, DirectoryInfo directory)
    {
        _app = app;
        _store = store;
        _directory = directory;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public static async Task<OperationsTestHost> StartAsync(Uri rpcUrl, ulong chainId, bool migrate = true, IDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("walletgrains-ops-");
        var connectionString = $"Data Source={Path.Combine(directory.FullName, "wallet.db")}";
        if (migrate)
        {
            await MigrationRunner.ApplyAsync(SqlDialect.Sqlite, connectionString, [typeof(SqliteWalletStore).Assembly], TestContext.Current.CancellationToken);
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["Wallet:Auth:AdminApiKey"] = AdminKey,
            ["Wallet:Chains:0:ChainId"] = chainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = rpcUrl.ToString(),
            ["Wallet:Chains:0:RpcTimeout"] = "00:00:05",
            ["Wallet:Operations:ReadinessTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        var store = new SqliteWalletStore(connectionString);
        builder.Services.AddSingleton<IWalletStore>(store);
        builder.Services.AddSingleton(ThrowingStub.Create<ISendGateway>());
        builder.Services.AddSingleton(ThrowingStub.Create<IGrainFactory>());
        builder.Services.AddSingleton(ThrowingStub.Create<IKeyStore>());
        builder.Services.AddWalletChains(builder.Configuration);
        builder.Services.AddWalletApi(builder.Configuration);
        builder.Services.AddWalletOperations(builder.Configuration);

        var app = builder.Build();
        app.UseWalletApi();
        app.MapWalletApi();
        app.MapWalletOperations();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new OperationsTestHost(app, store, directory);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
