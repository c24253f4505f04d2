using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Tests.Infrastructure;

/// <summary>
/// A minimal WebApplication on TestServer with the API's services, middleware and routes and fakes for
/// everything the API talks to. Each test starts its own.
/// </summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    /// <summary>The configured bootstrap admin key.</summary>
    public const string AdminKey = "test-admin-key-not-a-secret-0123456789";

    /// <summary>Chains the fake registry configures.</summary>
    public const ulong Chain = 1;
    public const ulong OtherChain = 10;

    /// <summary>A small data limit so the limit is cheap to exceed.</summary>
    public const int MaxDataBytes = 1024;

    public static readonly Address Custodied = TestData.AddressOf("custodied-1");
    public static readonly Address Custodied2 = TestData.AddressOf("custodied-2");
    public static readonly Address Stranger = TestData.AddressOf("not-custodied");
    public static readonly Address Recipient = TestData.AddressOf("recipient");

    private readonly WebApplication _app;
    private readonly FakeChainRegistry _chains;

    private ApiTestHost(WebApplication app, FakeChainRegistry chains, FakeSendGateway gateway, FakeWalletStore store, FakeGrainFactory grains)
    {
        _app = app;
        _chains = chains;
        Gateway = gateway;
        Store = store;
        Grains = grains;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public FakeSendGateway Gateway { get; }

    public FakeWalletStore Store { get; }

    public FakeGrainFactory Grains { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<ApiTestHost> StartAsync(IDictionary<string, string?>? settings = null, string environment = "Testing") =>
        StartAsync(settings, environment, includeAdminKey: true);

    public static async Task<ApiTestHost> StartAsync(IDictionary<string, string?>? settings, string environment, bool includeAdminKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["Wallet:Api:MaxDataBytes"] = MaxDataBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (includeAdminKey)
        {
            config["Wallet:Auth:AdminApiKey"] = AdminKey;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);

        var chains = new FakeChainRegistry(Chain, OtherChain);
        var gateway = new FakeSendGateway();
        var store = new FakeWalletStore();
        var grains = new FakeGrainFactory();
        builder.Services.AddSingleton<ISendGateway>(gateway);
        builder.Services.AddSingleton<IWalletStore>(store);
        builder.Services.AddSingleton<IGrainFactory>(grains);
        builder.Services.AddSingleton<IKeyStore>(new FakeKeyStore([Custodied, Custodied2]));
        builder.Services.AddSingleton<IChainRegistry>(chains);
        builder.Services.AddWalletApi(builder.Configuration);

        var app = builder.Build();
        app.UseWalletApi();
        app.MapWalletApi();
        await app.StartAsync(TestContext.Current.CancellationToken);

        return new ApiTestHost(app, chains, gateway, store, grains);
    }

    /// <summary>Stores an API key directly (as the CLI would) and returns its secret.</summary>
    public string AddKey(string role, params Address[] allowedFrom)
    {
        var (key, hash) = ApiKeySecrets.Generate();
        Store.ApiKeysByHash[hash] = new ApiKeyRecord(ApiKeySecrets.NewId(), hash, role, [.. allowedFrom], TestData.Epoch, null);
        return key;
    }

    /// <summary>A request with a bearer key (admin unless given) and an optional JSON body.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? key = AdminKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? key = AdminKey) =>
        Client.SendAsync(Request(method, path, json, key), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _chains.Dispose();
    }
}
